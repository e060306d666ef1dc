"""The waiting list as the citizen sees it: the places, leaving, taking or letting go an offer
(joining: test_waitlist_join.py); every button re-checked, whoever presses it and however old
the message."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.config import load_office
from bot.context import Deps
from bot.domain.model import Office, to_ts
from bot.outbox import Dispatcher
from bot.services.offers import offer_free_times
from bot.testing.clock import FakeClock
from bot.testing.local_user import LocalUser
from storage import bookings, citizens, waitlist
from storage.db import Database
from tests.conftest import NOW, UserFactory
from tests.factories import book_times, tiny_office
from tests.handlers.conftest import CF, Steps, no_errors
from tests.seed import rows

ROME = ZoneInfo("Europe/Rome")
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=ROME)
TODAY = NOW.date()
CIE = "Carta d'identità elettronica — richiesta"
NOT_VALID = "Questo pulsante non è valido."


@pytest.fixture
def office() -> Office:
    return tiny_office(load_office())


@pytest.fixture
async def two_full_mondays(db: Database, office: Office, clock: FakeClock) -> list[Any]:
    week = timedelta(days=7)
    starts = [MONDAY, MONDAY + timedelta(minutes=30), MONDAY + week,
              MONDAY + week + timedelta(minutes=30)]
    return await book_times(db, office, clock, starts)


async def wait(db: Database, clock: FakeClock, user_id: int, service: str = "cie",
               days: int = 7) -> int:
    now = to_ts(clock.now())
    await db.write(citizens.ensure, user_id, "it", now)
    entry, _ = await db.write(waitlist.join, user_id, service, TODAY,
                              TODAY + timedelta(days=days), now)
    clock.advance(seconds=1)
    return entry.id


@pytest.mark.usefixtures("two_full_mondays")
async def test_the_places_are_listed_and_can_be_left(
        db: Database, clock: FakeClock, make_user: UserFactory) -> None:
    user = make_user(1001)
    await wait(db, clock, 1002)
    mine = await wait(db, clock, user.id)
    other = await wait(db, clock, 1003, service="contrassegno", days=14)
    await wait(db, clock, user.id, service="contrassegno", days=14)
    listing = await user.send("/attesa")
    assert listing.text == (
        "I suoi posti nelle liste d'attesa\n\n"
        f"1. {CIE}, da gio 26 nov a gio 3 dic: numero 2 in coda.\n\n"
        "2. Contrassegno di parcheggio per disabili, da gio 26 nov a gio 10 dic: "
        "numero 2 in coda.")
    assert listing.buttons() == [f"Esci: {CIE}", "Esci: Contrassegno di parcheggio per disabili"]

    assert await user.press(f"Esci: {CIE}") == f"È uscito dalla lista d'attesa per {CIE}."
    assert CIE not in user.last.text
    assert await user.press_data(f"wl:leave:{mine}", listing) == \
        "Non è in quella lista d'attesa."
    assert await user.press_data(f"wl:leave:{other}", listing) == \
        "Non è in quella lista d'attesa."
    assert await rows(db, "SELECT user_id, state FROM waitlist ORDER BY id") == [
        (1002, "waiting"), (user.id, "left"), (1003, "waiting"), (user.id, "waiting")]


async def test_with_no_place_the_list_says_how_to_join(make_user: UserFactory) -> None:
    reply = await make_user(1001, language_code="en").send("/waitlist")
    assert reply.text == ("You are not on any waiting list. When /book finds no free time for a "
                          "service, you can join its waiting list there.")


@pytest.fixture
async def offered(db: Database, clock: FakeClock, deps: Deps, courier: Dispatcher,
                  make_user: UserFactory,
                  two_full_mondays: list[Any]) -> tuple[LocalUser, LocalUser]:
    """Two waiting, one time freed: the first has the offer in their chat."""
    first, second = make_user(1001), make_user(1002)
    await wait(db, clock, first.id)
    await wait(db, clock, second.id)
    await db.write(bookings.cancel, two_full_mondays[0].id, to_ts(clock.now()), by="citizen")
    await offer_free_times(deps)
    await courier.drain()
    assert "Si è liberato un orario per lei" in first.last.text
    return first, second


async def test_taking_an_offer_holds_the_time_and_goes_on_to_book_it(
        db: Database, clock: FakeClock, steps: Steps,
        offered: tuple[LocalUser, LocalUser]) -> None:
    first, second = offered
    offer = first.last
    listing = await first.send("/attesa")
    assert "Le è offerto un orario fino alle 09:30" in listing.text
    assert "Lo teniamo per lei fino alle 09:30. Lo vuole?" in offer.text
    await first.press("Lo prenoto", offer)
    # the hold stated in the offer is the one kept while booking: one time, said twice alike
    assert await rows(db, "SELECT owner, purpose, start_ts, expires_ts FROM holds") == [
        (first.id, "booking", to_ts(MONDAY), to_ts(clock.now()) + 30 * 60)]
    assert await rows(db, "SELECT state FROM waitlist_offers") == [("taken",)]
    assert await rows(db, "SELECT state FROM waitlist ORDER BY id") == [("waiting",),
                                                                      ("waiting",)]
    assert first.api.messages[first.id][offer.message_id].keyboard == []
    assert "lunedì 30 novembre 2026, 09:00" in first.last.text
    assert "Questo orario è tenuto per lei fino alle 09:30." in first.last.text
    assert "Scriva il nome e cognome" in first.last.text

    offer_id = (await rows(db, "SELECT id FROM waitlist_offers"))[0][0]
    assert await first.press_data(f"wl:take:{offer_id}", offer) == \
        "Ha già accettato questo orario: prosegua con la prenotazione qui sotto."
    assert await second.press_data(f"wl:take:{offer_id}", offer) == NOT_VALID
    assert await second.press_data("wl:take:x", offer) == NOT_VALID

    await first.send("Mario Rossi")
    await first.send(CF[0])
    await steps.choose(first, "skip")
    await steps.choose(first, "ok")
    assert await rows(db, "SELECT user_id, start_ts, status, channel FROM bookings"
                          " WHERE user_id = ?", first.id) == [
        (first.id, to_ts(MONDAY), "booked", "waitlist")]
    assert await rows(db, "SELECT user_id, state FROM waitlist ORDER BY id") == [
        (first.id, "booked"), (second.id, "waiting")]


async def test_an_offer_taken_at_its_last_minute_still_leaves_the_hold_minutes(
        db: Database, office: Office, clock: FakeClock,
        offered: tuple[LocalUser, LocalUser]) -> None:
    first, _ = offered
    clock.advance(minutes=office.waitlist_offer_minutes - 1)
    await first.press("Lo prenoto", first.last)
    until = to_ts(clock.now()) + office.rules.hold_minutes * 60
    assert await rows(db, "SELECT expires_ts FROM holds") == [(until,)]
    assert "Questo orario è tenuto per lei fino alle 09:39." in first.last.text


@pytest.mark.parametrize("leave", ["/annulla", "✖ Annulla"])
async def test_leaving_the_booking_of_an_offer_keeps_the_place_in_the_queue(
        db: Database, clock: FakeClock, deps: Deps, courier: Dispatcher, leave: str,
        offered: tuple[LocalUser, LocalUser], two_full_mondays: list[Any]) -> None:
    first, second = offered
    await first.press("Lo prenoto", first.last)
    # another time frees while the first books theirs: not offered to them meanwhile
    await db.write(bookings.cancel, two_full_mondays[1].id, to_ts(clock.now()), by="citizen")
    await offer_free_times(deps)
    await courier.drain()
    assert await rows(db, "SELECT w.user_id, o.start_ts, o.state FROM waitlist_offers o"
                          " JOIN waitlist w ON w.id = o.entry_id ORDER BY o.id") == [
        (first.id, to_ts(MONDAY), "taken"),
        (second.id, to_ts(MONDAY + timedelta(minutes=30)), "open")]
    if leave.startswith("/"):
        await first.send(leave)
    else:
        await first.press(leave)
    assert await rows(db, "SELECT user_id, state FROM waitlist ORDER BY id") == [
        (first.id, "waiting"), (second.id, "waiting")]
    assert (await first.send("/attesa")).text.startswith(
        f"I suoi posti nelle liste d'attesa\n\n1. {CIE}, da gio 26 nov a gio 3 dic: numero 1 in "
        "coda.")
    assert await rows(db, "SELECT count(*) FROM holds WHERE owner = ?", first.id) == [(0,)]
    # first in the queue again: the next time freed is theirs (not the one they let go)
    await db.write(waitlist.decline, (await rows(db, "SELECT max(id) FROM waitlist_offers"))[0][0],
                   second.id, to_ts(clock.now()))
    await offer_free_times(deps)
    [(user_id, start)] = await rows(db, "SELECT w.user_id, o.start_ts FROM waitlist_offers o"
                                        " JOIN waitlist w ON w.id = o.entry_id"
                                        " WHERE o.state = 'open'")
    assert (user_id, start != to_ts(MONDAY)) == (first.id, True)
    no_errors(first, second)


async def test_letting_an_offer_go_passes_it_to_the_next_at_once(
        db: Database, courier: Dispatcher, offered: tuple[LocalUser, LocalUser]) -> None:
    first, second = offered
    offer = first.last
    await first.press("No, grazie")
    assert first.last.text == ("Ha rinunciato a questo orario. Mantiene il suo posto nella "
                               "lista d'attesa.")
    await courier.drain()
    assert "lunedì 30 novembre 2026, 09:00" in second.last.text
    offer_id = (await rows(db, "SELECT min(id) FROM waitlist_offers"))[0][0]
    assert await first.press_data(f"wl:take:{offer_id}", offer) == \
        "Ha rinunciato a questo orario, che è stato offerto a qualcun altro."
    assert await rows(db, "SELECT count(*) FROM drafts") == [(0,)]


async def test_an_offer_pressed_after_it_expired_is_refused(
        db: Database, office: Office, clock: FakeClock,
        offered: tuple[LocalUser, LocalUser]) -> None:
    first, _ = offered
    offer = first.last
    clock.advance(minutes=office.waitlist_offer_minutes)
    assert await first.press("Lo prenoto", offer) == (
        "Questa offerta è scaduta e l'orario è stato offerto a qualcun altro. Mantiene il suo "
        "posto nella lista d'attesa.")
    assert first.api.messages[first.id][offer.message_id].keyboard == []
    assert await rows(db, "SELECT count(*) FROM drafts") == [(0,)]
    assert await rows(db, "SELECT count(*) FROM holds WHERE purpose = 'booking'") == [(0,)]


async def test_an_offer_of_a_time_booked_meanwhile_through_book_is_refused(
        db: Database, steps: Steps, offered: tuple[LocalUser, LocalUser]) -> None:
    first, _ = offered
    offer = first.last
    await steps.book(first, start=MONDAY)  # the offer's own hold keeps it free for them
    assert await first.press("Lo prenoto", offer) == (
        "Questo orario non è più libero. Mantiene il suo posto nella lista d'attesa.")
    assert first.api.messages[first.id][offer.message_id].keyboard == []
    assert await rows(db, "SELECT state FROM waitlist_offers") == [("expired",)]
    assert await rows(db, "SELECT state FROM waitlist WHERE user_id = ?", first.id) == [
        ("waiting",)]
    assert await rows(db, "SELECT count(*) FROM holds") == [(0,)]
    assert await rows(db, "SELECT count(*) FROM drafts") == [(0,)]
    no_errors(first)
