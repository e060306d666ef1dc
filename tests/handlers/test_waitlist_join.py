"""Joining the waiting list from /book: offered only when the window has no free time, or as
"none of these times suit me"; a time free on the days chosen is shown to choose at once, never
queued; « Back and ✖ Cancel on every screen; forged presses refused."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import load_office
from bot.domain.model import Office
from bot.testing.clock import FakeClock
from bot.testing.local_user import LocalUser
from storage.db import Database
from tests.conftest import UserFactory
from tests.factories import book_times, tiny_office
from tests.handlers.conftest import Steps, data_ending, no_errors
from tests.seed import rows

ROME = ZoneInfo("Europe/Rome")
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=ROME)
CIE = "Carta d'identità elettronica — richiesta"
CIE_EN = "Electronic identity card — application"
INVALID = "Questo pulsante non è più valido."
SPANS_IT = ["I prossimi 7 giorni, fino a gio 3 dic", "I prossimi 14 giorni, fino a gio 10 dic",
            "Qualsiasi giorno fino a lun 25 gen", "« Indietro", "✖ Annulla"]


@pytest.fixture
def office() -> Office:
    return tiny_office(load_office())


async def full_until(db: Database, office: Office, clock: FakeClock, mondays: int) -> None:
    """Both times of the next `mondays` Mondays booked (by the office)."""
    starts = [MONDAY + timedelta(days=7 * week, minutes=minutes)
              for week in range(mondays) for minutes in (0, 30)]
    await book_times(db, office, clock, starts)


def has_data(user: LocalUser, suffix: str) -> bool:
    try:
        data_ending(user.last_with_buttons(), suffix)
    except LookupError:
        return False
    return True


async def test_free_days_offer_no_waiting_list_but_their_times_do(
        db: Database, office: Office, clock: FakeClock, steps: Steps,
        make_user: UserFactory) -> None:
    await full_until(db, office, clock, 2)
    user = make_user(1001)
    await steps.to_days(user)
    assert "Scelga un giorno" in user.last.text
    assert not has_data(user, ":wait")
    await user.press("Dopo ▶")
    assert not has_data(user, ":wait")
    await steps.choose(user, "day:20261214")
    assert user.last.buttons()[0] == "09:00"
    assert user.last.buttons()[-3:] == ["⏳ Nessuno di questi orari mi va bene", "« Indietro",
                                        "✖ Annulla"]
    await user.press("Nessuno di questi orari")
    assert f"Lista d'attesa: {CIE}" in user.last.text
    assert "lo tengo per lei per 30 minuti. In quali giorni può venire?" in user.last.text
    assert user.last.buttons() == SPANS_IT
    await user.press("« Indietro")  # back to the times of that day
    assert user.last.buttons()[0] == "09:00"
    await user.press("Nessuno di questi orari")
    await user.press("I prossimi 14 giorni")  # both Mondays full: nothing free, a place
    assert user.last.text == (f"È nella lista d'attesa per {CIE}, da gio 26 nov a gio 10 dic: "
                              "numero 1 in coda. Quando si libera un orario glielo offro qui. "
                              "/attesa mostra i suoi posti.")
    assert user.last.buttons() == []
    assert await rows(db, "SELECT user_id, service, first_day, last_day, state FROM waitlist") == [
        (user.id, "cie", "2026-11-26", "2026-12-10", "waiting")]
    assert await rows(db, "SELECT count(*) FROM drafts") == [(0,)]
    assert await rows(db, "SELECT count(*) FROM holds") == [(0,)]
    assert await rows(db, "SELECT count(*) FROM waitlist_offers") == [(0,)]
    no_errors(user)


async def test_a_time_free_on_the_days_chosen_is_shown_to_choose_not_offered(
        db: Database, office: Office, clock: FakeClock, steps: Steps,
        make_user: UserFactory) -> None:
    await full_until(db, office, clock, 2)
    user = make_user(1001, language_code="en")
    await steps.to_days(user)
    await user.press("Later ▶")
    await steps.choose(user, "day:20261214")
    await user.press("None of these times suit me")
    assert user.last.buttons() == ["The next 7 days, until Thu 3 Dec",
                                   "The next 14 days, until Thu 10 Dec",
                                   "Any day until Mon 25 Jan", "« Back", "✖ Cancel"]
    await user.press("Any day until")
    assert user.last.text == (f"{CIE_EN}\n\nThere are still free times on those days: choose one "
                              "to go on with the booking. The waiting list is for when no time "
                              "is left.")
    assert user.last.buttons()[:3] == ["Mon 14 Dec 09:00", "Mon 14 Dec 09:10",
                                       "Mon 14 Dec 09:20"]
    assert user.last.buttons()[-2:] == ["« Back", "✖ Cancel"]
    assert await rows(db, "SELECT count(*) FROM waitlist") == [(0,)]
    await user.press("« Back")  # back to the days to choose
    assert user.last.buttons()[-2:] == ["« Back", "✖ Cancel"]
    assert "Which days can you come?" in user.last.text
    await user.press("Any day until")
    await user.press("Mon 14 Dec 09:20")  # the normal booking goes on
    assert "This time is kept for you until 09:10." in user.last.text
    assert "Please type the name and surname" in user.last.text
    assert await rows(db, "SELECT purpose, start_ts FROM holds") == [
        ("booking", int((MONDAY + timedelta(days=14, minutes=20)).timestamp()))]
    assert await rows(db, "SELECT count(*) FROM waitlist") == [(0,)]
    assert await rows(db, "SELECT count(*) FROM waitlist_offers") == [(0,)]
    await user.press("✖ Cancel")
    assert await rows(db, "SELECT count(*) FROM holds") == [(0,)]


async def test_a_window_without_free_time_offers_the_waiting_list_with_back_and_cancel(
        db: Database, office: Office, clock: FakeClock, steps: Steps,
        make_user: UserFactory) -> None:
    await full_until(db, office, clock, 9)
    first, second = make_user(1001), make_user(1002)
    await steps.to_days(first)
    assert "Non ci sono orari liberi nei prossimi 61 giorni." in first.last.text
    assert first.last.buttons() == ["⏳ Lista d'attesa", "« Indietro", "✖ Annulla"]
    await first.press("Lista d'attesa")
    assert first.last.buttons() == SPANS_IT
    await first.press("✖ Annulla")
    assert first.last.text == "Prenotazione interrotta: non è stato salvato nulla. /prenota per " \
        "ricominciare."
    assert await rows(db, "SELECT count(*) FROM drafts") == [(0,)]
    await steps.to_days(first)
    await first.press("Lista d'attesa")
    await first.press("Qualsiasi giorno")
    assert "numero 1 in coda" in first.last.text

    await steps.to_days(second)
    await second.press("Lista d'attesa")
    await second.press("I prossimi 7 giorni")
    assert "numero 2 in coda" in second.last.text
    await steps.to_days(first)  # again: the place is kept, the days change
    await first.press("Lista d'attesa")
    await first.press("I prossimi 14 giorni")
    assert first.last.text.startswith(f"Era già nella lista d'attesa per {CIE}: mantiene il suo "
                                      "posto (numero 1)")
    assert await rows(db, "SELECT user_id, last_day, state FROM waitlist ORDER BY id") == [
        (first.id, "2026-12-10", "waiting"), (second.id, "2026-12-03", "waiting")]
    no_errors(first, second)


async def test_forged_waiting_list_presses_are_refused(
        db: Database, office: Office, clock: FakeClock, steps: Steps,
        make_user: UserFactory) -> None:
    await full_until(db, office, clock, 9)
    user = make_user(1001)
    await steps.to_days(user)
    await user.press("Lista d'attesa")
    screen = user.last
    nonce = data_ending(screen, ":quit").split(":")[1]
    for forged in ("30", "abc", "0", "7:7", "99999"):
        assert await user.press_data(f"b:{nonce}:span:{forged}", screen) in (
            INVALID, "Questo pulsante non è valido."), forged
    assert await user.press_data(f"b:{nonce}:wait", screen) == INVALID  # not from this step
    assert await rows(db, "SELECT count(*) FROM waitlist") == [(0,)]
    assert "In quali giorni può venire?" in user.last.text
    no_errors(user)


async def test_a_full_day_chosen_shows_the_nearest_times_and_the_waiting_list(
        db: Database, office: Office, clock: FakeClock, steps: Steps,
        make_user: UserFactory) -> None:
    await full_until(db, office, clock, 2)
    user = make_user(1001)
    await steps.to_days(user)
    assert await steps.choose(user, "day:20261128") == (  # a Saturday: closed
        "In quel giorno non si può prenotare alcun orario: ne scelga un altro.")
    await user.press("▪ lun 30 nov")
    assert "lunedì 30 novembre 2026" in user.last.text
    assert "Gli orari liberi più vicini:" in user.last.text
    assert user.last.buttons()[0] == "lun 14 dic 09:00"
    assert user.last.buttons()[-3:] == ["⏳ Nessuno di questi orari mi va bene", "« Indietro",
                                        "✖ Annulla"]
    await user.press("Nessuno di questi orari")
    await user.press("I prossimi 7 giorni")
    assert "numero 1 in coda" in user.last.text
    no_errors(user)
