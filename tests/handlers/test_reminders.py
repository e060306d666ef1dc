"""The reminder's "I'll be there": recorded once, refused when forged, honest when too late."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.model import Office, to_ts
from bot.outbox import Dispatcher
from bot.services import counter
from bot.testing.clock import FakeClock
from bot.testing.local_user import LocalUser
from storage import bookings
from storage.bookings import Booked
from storage.db import Database
from tests.conftest import UserFactory
from tests.handlers.conftest import book_directly
from tests.seed import rows

ROME = ZoneInfo("Europe/Rome")
THURSDAY_18 = datetime(2026, 11, 26, 18, 0, tzinfo=ROME)
FRIDAY = datetime(2026, 11, 27, 10, 0, tzinfo=ROME)


@pytest.fixture
async def reminded(db: Database, office: Office, clock: FakeClock, courier: Dispatcher,
                   make_user: UserFactory) -> tuple[LocalUser, Booked]:
    """A citizen who has just received the reminder of Friday's appointment."""
    user = make_user(1001)
    booked = await book_directly(db, office, clock, user.id, FRIDAY, "certificati")
    clock.set(THURSDAY_18)
    await courier.drain()
    return user, booked


async def confirmed_ts(db: Database, booking_id: int) -> int | None:
    return (await rows(db, "SELECT confirmed_ts FROM bookings WHERE id = ?", booking_id))[0][0]


async def test_i_will_be_there_is_recorded_and_the_reminder_shows_it(
        db: Database, clock: FakeClock, reminded: tuple[LocalUser, Booked]) -> None:
    user, booked = reminded
    toast = await user.press("Ci sarò")
    assert toast == "Grazie: la aspettiamo venerdì 27 novembre 2026, 10:00."
    assert await confirmed_ts(db, booked.id) == to_ts(THURSDAY_18)
    assert "Ci ha confermato che verrà: grazie." in user.last.text
    assert user.last.buttons() == ["❌ Disdici", "🔁 Sposta"]


async def test_pressed_again_it_changes_nothing(
        db: Database, clock: FakeClock, reminded: tuple[LocalUser, Booked]) -> None:
    user, booked = reminded
    reminder = user.last
    await user.press("Ci sarò")
    clock.advance(minutes=5)
    toast = await user.press_data(f"rm:ok:{booked.id}", reminder)
    assert toast == "Ce lo aveva già detto: la aspettiamo venerdì 27 novembre 2026, 10:00."
    assert await confirmed_ts(db, booked.id) == to_ts(THURSDAY_18)


async def test_someone_elses_booking_or_a_forged_button_is_refused(
        db: Database, make_user: UserFactory, reminded: tuple[LocalUser, Booked]) -> None:
    user, booked = reminded
    stranger = make_user(2002)
    await stranger.send("/start")
    for data in (f"rm:ok:{booked.id}", "rm:ok:abc", "rm:ok:", "rm:ok:" + "9" * 40, "rm:ok:-1"):
        assert await stranger.press_data(data, user.last) == "Questo pulsante non è valido."
    assert await confirmed_ts(db, booked.id) is None


async def test_a_cancelled_booking_cannot_be_confirmed(
        db: Database, clock: FakeClock, reminded: tuple[LocalUser, Booked]) -> None:
    user, booked = reminded
    await db.write(bookings.cancel, booked.id, to_ts(clock.now()), by="citizen")
    toast = await user.press("Ci sarò")
    assert toast == "Questa prenotazione è stata annullata. Per scegliere un altro orario: /prenota"
    assert await confirmed_ts(db, booked.id) is None


async def test_too_late_once_the_appointment_has_begun(
        db: Database, clock: FakeClock, reminded: tuple[LocalUser, Booked]) -> None:
    user, booked = reminded
    clock.set(FRIDAY + timedelta(minutes=1))
    assert await user.press("Ci sarò") == "Questo appuntamento è già in corso o concluso."
    assert await confirmed_ts(db, booked.id) is None


async def test_the_reminders_cancel_button_asks_then_frees_the_time_and_the_reminders(
        db: Database, reminded: tuple[LocalUser, Booked]) -> None:
    user, _ = reminded
    await user.press("Disdici")
    assert user.last.text.startswith("Annullare questa prenotazione?")
    await user.press("Sì")
    assert await rows(db, "SELECT status, cancelled_by FROM bookings") == [
        ("cancelled", "citizen")]
    assert await rows(db, "SELECT state FROM outbox ORDER BY due_ts") == [
        ("sent",), ("cancelled",)]


async def test_a_notice_of_a_cancellation_by_the_office_leads_to_booking_again(
        db: Database, office: Office, clock: FakeClock, courier: Dispatcher,
        make_user: UserFactory) -> None:
    user = make_user(1001)
    booked = await book_directly(db, office, clock, user.id, FRIDAY, "certificati")
    now = to_ts(clock.now())

    def cancel_by_office(conn: sqlite3.Connection) -> None:
        counter.cancel(conn, booked.id, now, actor=1, by="operator", reason="Guasto")

    await db.write(cancel_by_office)
    await courier.drain()
    notice = user.messages[-2]  # the cancelling .ics follows it (test_cancel_calendar.py)
    assert "annullata dall'ufficio: Guasto" in notice.text
    await user.press("Prenoti un altro orario", notice)
    assert user.last.text.startswith("Certificati anagrafici")
    assert "Scelga un giorno" in user.last.text


async def test_an_english_citizen_is_reminded_and_answered_in_english(
        db: Database, office: Office, clock: FakeClock, courier: Dispatcher,
        make_user: UserFactory) -> None:
    user = make_user(1003, language_code="en")
    await user.send("/start")
    booked = await book_directly(db, office, clock, user.id, FRIDAY, "certificati")
    clock.set(THURSDAY_18)
    await courier.drain()
    reminder = user.last
    assert "Friday 27 November 2026, 10:00" in reminder.text
    assert "Registry certificates" in reminder.text
    assert reminder.buttons() == ["✅ I'll be there", "❌ Cancel", "🔁 Move"]
    toast = await user.press("I'll be there")
    assert toast == "Thank you: we expect you on Friday 27 November 2026, 10:00."
    assert await confirmed_ts(db, booked.id) == to_ts(THURSDAY_18)
    assert "You have told us you will come: thank you." in user.last.text
