"""Freed times go to those waiting, first come first served, held for a while, then passed on."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import load_office
from bot.context import Deps
from bot.domain.model import Office, to_ts
from bot.outbox import Dispatcher
from bot.services.offers import offer_free_times
from bot.testing.clock import FakeClock
from bot.testing.local_api import LocalBotAPI
from bot.testing.local_user import LocalUser
from storage import bookings, citizens, waitlist
from storage.bookings import Booked, Refusal, Request
from storage.db import Database
from tests.conftest import UserFactory
from tests.factories import book_times, tiny_office
from tests.seed import rows

ROME = ZoneInfo("Europe/Rome")
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=ROME)
NEXT_MONDAY = MONDAY + timedelta(days=7)
TODAY = date(2026, 11, 26)


@pytest.fixture
def office() -> Office:
    return tiny_office(load_office())


async def wait(db: Database, clock: FakeClock, user_id: int, days: int = 7,
               service: str = "cie") -> waitlist.Entry:
    now = to_ts(clock.now())
    await db.write(citizens.ensure, user_id, "it", now)
    entry, _ = await db.write(waitlist.join, user_id, service, TODAY,
                              TODAY + timedelta(days=days), now)
    clock.advance(seconds=1)  # first come, first served: one after the other
    return entry


async def holds_of(db: Database) -> list[tuple[int, str, int]]:
    return await rows(db, "SELECT owner, purpose, start_ts FROM holds ORDER BY id")


async def cancel(db: Database, clock: FakeClock, booked: Booked) -> None:
    await db.write(bookings.cancel, booked.id, to_ts(clock.now()), by="citizen")


@pytest.fixture
async def two_waiting(db: Database, office: Office, clock: FakeClock, make_user: UserFactory,
                      ) -> tuple[LocalUser, LocalUser, list[Booked]]:
    """Monday's two times taken; then two citizens wait for one, for the next seven days."""
    first, second = make_user(1001), make_user(1002)
    taken = await book_times(db, office, clock, [MONDAY, MONDAY + timedelta(minutes=30)])
    await wait(db, clock, first.id)
    await wait(db, clock, second.id)
    return first, second, taken


async def test_a_freed_time_is_offered_to_the_first_waiting_and_held_for_them(
        db: Database, clock: FakeClock, deps: Deps, courier: Dispatcher,
        two_waiting: tuple[LocalUser, LocalUser, list[Booked]]) -> None:
    first, second, taken = two_waiting
    assert await offer_free_times(deps) == 0

    await cancel(db, clock, taken[0])
    assert await offer_free_times(deps) == 1
    await courier.drain()
    assert "Si è liberato un orario per lei" in first.last.text
    assert "lunedì 30 novembre 2026, 09:00" in first.last.text
    assert "Lo teniamo per lei fino alle 09:30" in first.last.text
    assert first.last.buttons() == ["✅ Lo prenoto", "No, grazie"]
    assert second.messages == []
    assert await holds_of(db) == [(first.id, "offer", to_ts(MONDAY))]

    # Held: nobody else can book it meanwhile.
    request = Request(user_id=3003, service="cie", desks=("S01",), start=to_ts(MONDAY),
                      end=to_ts(MONDAY) + 1800, day=MONDAY.date(), name="Anna Bianchi",
                      codice_fiscale=None, note=None)
    assert await db.write(bookings.book, request, to_ts(clock.now())) == Refusal.TAKEN


async def test_an_offer_not_taken_in_time_expires_and_goes_to_the_next(
        db: Database, office: Office, clock: FakeClock, deps: Deps, courier: Dispatcher,
        two_waiting: tuple[LocalUser, LocalUser, list[Booked]]) -> None:
    first, second, taken = two_waiting
    await cancel(db, clock, taken[0])
    await offer_free_times(deps)
    await courier.drain()

    clock.advance(minutes=office.waitlist_offer_minutes - 1)
    assert await offer_free_times(deps) == 0
    clock.advance(minutes=1)
    assert await offer_free_times(deps) == 1
    await courier.drain()
    assert "lunedì 30 novembre 2026, 09:00" in second.last.text
    assert await holds_of(db) == [(second.id, "offer", to_ts(MONDAY))]
    assert await rows(db, "SELECT state FROM waitlist_offers ORDER BY id") == [
        ("expired",), ("open",)]
    assert await rows(db, "SELECT state FROM waitlist ORDER BY id") == [("waiting",)] * 2

    # Nobody is offered the same time twice: when the second lets it go too, it stays free.
    clock.advance(minutes=office.waitlist_offer_minutes)
    assert await offer_free_times(deps) == 0
    assert len(first.messages) == 1


async def test_the_first_whose_days_fit_gets_the_time(
        db: Database, office: Office, clock: FakeClock, deps: Deps, courier: Dispatcher,
        make_user: UserFactory) -> None:
    this_week, two_weeks = make_user(1001), make_user(1002)
    await book_times(db, office, clock, [MONDAY, MONDAY + timedelta(minutes=30), NEXT_MONDAY])
    await wait(db, clock, this_week.id, days=7)
    await wait(db, clock, two_weeks.id, days=14)
    assert await offer_free_times(deps) == 1
    await courier.drain()
    assert this_week.messages == []
    assert "lunedì 7 dicembre 2026, 09:30" in two_weeks.last.text


async def test_a_time_too_soon_to_take_and_still_book_is_not_offered(
        db: Database, office: Office, clock: FakeClock, deps: Deps,
        make_user: UserFactory) -> None:
    user = make_user(1001)
    await book_times(db, office, clock, [MONDAY + timedelta(minutes=30)])
    clock.set(MONDAY - timedelta(minutes=office.rules.min_notice_minutes
                                 + office.waitlist_offer_minutes - 1))
    now = to_ts(clock.now())
    await db.write(citizens.ensure, user.id, "it", now)
    await db.write(waitlist.join, user.id, "cie", MONDAY.date(), MONDAY.date(), now)
    assert await offer_free_times(deps) == 0
    clock.advance(minutes=-1)
    assert await offer_free_times(deps) == 1


async def test_places_end_with_their_days_and_the_unreachable_are_passed_over(
        db: Database, clock: FakeClock, deps: Deps,
        two_waiting: tuple[LocalUser, LocalUser, list[Booked]]) -> None:
    blocked, waiting, taken = two_waiting
    await db.write(citizens.mark_unreachable, blocked.id, to_ts(clock.now()))
    await cancel(db, clock, taken[0])
    await offer_free_times(deps)
    assert await holds_of(db) == [(waiting.id, "offer", to_ts(MONDAY))]

    clock.set(datetime(2026, 12, 4, 9, 0, tzinfo=ROME))  # the seven days are over
    await offer_free_times(deps)
    assert await rows(db, "SELECT state FROM waitlist ORDER BY id") == [("expired",)] * 2


async def test_an_offer_that_cannot_reach_its_citizen_goes_to_the_next_at_once(
        db: Database, clock: FakeClock, deps: Deps, courier: Dispatcher, api: LocalBotAPI,
        two_waiting: tuple[LocalUser, LocalUser, list[Booked]]) -> None:
    blocked, waiting, taken = two_waiting  # the first blocked the bot after joining
    api.blocked.add(blocked.id)
    await cancel(db, clock, taken[0])
    await offer_free_times(deps)
    await courier.drain()
    assert "lunedì 30 novembre 2026, 09:00" in waiting.last.text
    assert await holds_of(db) == [(waiting.id, "offer", to_ts(MONDAY))]
    assert await rows(db, "SELECT state FROM waitlist_offers ORDER BY id") == [
        ("expired",), ("open",)]
    assert await rows(db, "SELECT chat_id, state FROM outbox ORDER BY id") == [
        (blocked.id, "failed"), (waiting.id, "sent")]
