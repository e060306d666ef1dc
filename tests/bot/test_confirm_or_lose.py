"""Confirm-or-lose: a booking not confirmed by the deadline is cancelled, the citizen told why,
and the time offered to the waiting list."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import load_office
from bot.domain.model import Office, to_ts
from bot.outbox import Dispatcher
from bot.testing.clock import FakeClock
from storage import citizens, waitlist
from storage.db import Database
from tests.conftest import UserFactory
from tests.factories import tiny_office
from tests.handlers.conftest import book_directly
from tests.seed import rows

ROME = ZoneInfo("Europe/Rome")
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=ROME)


@pytest.fixture
def office() -> Office:
    return tiny_office(load_office())


async def test_an_unconfirmed_booking_is_cancelled_at_the_deadline_and_its_time_offered(
        db: Database, office: Office, clock: FakeClock, courier: Dispatcher,
        make_user: UserFactory) -> None:
    keen, forgetful, waiting = make_user(1001), make_user(1002), make_user(1003)
    kept = await book_directly(db, office, clock, keen.id, MONDAY, "contrassegno")
    lost = await book_directly(db, office, clock, forgetful.id,
                               MONDAY + timedelta(minutes=30), "contrassegno")
    now = to_ts(clock.now())
    await db.write(citizens.ensure, waiting.id, "it", now)
    await db.write(waitlist.join, waiting.id, "contrassegno", date(2026, 11, 26),
                   date(2026, 12, 3), now)

    clock.set(datetime(2026, 11, 28, 18, 0, tzinfo=ROME))
    await courier.drain()
    assert "Confermi entro domenica 29 novembre 2026, 09:00" in keen.last.text
    assert "Confermi entro domenica 29 novembre 2026, 09:30" in forgetful.last.text
    await keen.press("Ci sarò")

    clock.set(datetime(2026, 11, 29, 9, 30, tzinfo=ROME))
    await courier.drain()

    assert await rows(db, "SELECT id, status, cancelled_by FROM bookings ORDER BY id") == [
        (kept.id, "booked", None), (lost.id, "cancelled", "unconfirmed")]
    notice, calendar = forgetful.messages[-2:]
    assert "non è stata confermata in tempo" in notice.text
    assert notice.buttons() == ["📅 Prenoti un altro orario"]
    assert calendar.text == "Lo apra per togliere l'appuntamento dal suo calendario."
    assert calendar.document is not None
    assert calendar.document[0] == f"{lost.code}.ics"
    for line in ("METHOD:CANCEL", f"UID:{lost.code}@sportello", "SEQUENCE:1",
                 "STATUS:CANCELLED", "DTSTART;TZID=Europe/Rome:20261130T093000"):
        assert f"\r\n{line}\r\n".encode() in calendar.document[1], line
    assert "lunedì 30 novembre 2026, 09:30" in waiting.last.text
    assert await rows(db, "SELECT kind, state, last_error FROM outbox WHERE booking_id = ?"
                          " ORDER BY id", kept.id) == [
        ("reminder", "sent", None), ("reminder", "sent", None),
        ("confirm_deadline", "dropped", "confirmed")]
    assert await rows(db, "SELECT kind, state FROM outbox WHERE booking_id = ? ORDER BY id",
                      lost.id) == [("reminder", "sent"), ("reminder", "sent"),
                                   ("confirm_deadline", "sent"), ("booking_cancelled", "sent"),
                                   ("calendar_cancel", "sent")]


async def test_booked_shortly_before_the_deadline_the_reminder_comes_at_once(
        db: Database, office: Office, clock: FakeClock, courier: Dispatcher,
        make_user: UserFactory) -> None:
    user = make_user(1001)
    clock.set(datetime(2026, 11, 29, 8, 0, tzinfo=ROME))  # the deadline is at 09:00
    await book_directly(db, office, clock, user.id, MONDAY, "contrassegno")
    await courier.drain()
    assert "Confermi entro domenica 29 novembre 2026, 09:00" in user.last.text


async def test_booked_after_the_deadline_there_is_nothing_to_confirm(
        db: Database, office: Office, clock: FakeClock, courier: Dispatcher,
        make_user: UserFactory) -> None:
    user = make_user(1001)
    clock.set(datetime(2026, 11, 29, 10, 0, tzinfo=ROME))
    await book_directly(db, office, clock, user.id, MONDAY, "contrassegno")
    assert await rows(db, "SELECT kind FROM outbox ORDER BY due_ts") == [
        ("reminder",), ("reminder",)]
    clock.set(MONDAY - timedelta(hours=2))
    await courier.drain()
    assert "lunedì 30 novembre 2026, 09:00" in user.last.text
    assert "Confermi entro" not in user.last.text  # a deadline past before it was booked
    assert user.last.buttons() == ["✅ Ci sarò", "❌ Disdici", "🔁 Sposta"]


async def test_the_deadline_a_reminder_gives_counts_real_hours_across_a_clock_change(
        db: Database, office: Office, clock: FakeClock, courier: Dispatcher,
        make_user: UserFactory) -> None:
    # 48 hours before Monday 29 March 2027, 09:00 summer time, is Saturday 08:00 winter time
    # (the clocks go forward on the Sunday between): the wall clock's 09:00 would be too late.
    office = replace(office, services={**office.services, "contrassegno": replace(
        office.services["contrassegno"], confirm_hours=48)})
    user = make_user(1001)
    clock.set(datetime(2027, 3, 22, 9, 0, tzinfo=ROME))
    booked = await book_directly(db, office, clock, user.id,
                                 datetime(2027, 3, 29, 9, 0, tzinfo=ROME), "contrassegno")
    assert await rows(db, "SELECT datetime(due_ts, 'unixepoch') FROM outbox"
                          " WHERE kind = 'confirm_deadline'") == [("2027-03-27 07:00:00",)]
    courier.deps.current.replace(office)
    clock.set(datetime(2027, 3, 26, 18, 0, tzinfo=ROME))
    await courier.drain()
    assert "Confermi entro sabato 27 marzo 2027, 08:00" in user.last.text

    clock.set(datetime(2027, 3, 27, 8, 0, tzinfo=ROME))
    await courier.drain()
    assert await rows(db, "SELECT status FROM bookings WHERE id = ?", booked.id) == [
        ("cancelled",)]
