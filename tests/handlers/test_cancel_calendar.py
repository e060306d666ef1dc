"""A cancellation by the office (an operator, a closure) or by confirm-or-lose removes the event
from the citizen's calendar too: after the notice, the outbox sends the cancelling .ics (same UID,
a higher SEQUENCE than any file sent before, METHOD:CANCEL), a row of its own, once."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.domain.model import Office, to_ts
from bot.outbox import Dispatcher
from bot.services import counter
from bot.testing.client import ChatMessage
from bot.testing.clock import FakeClock
from bot.testing.local_user import LocalUser
from storage import outbox
from storage.db import Database
from storage.engine import Connection
from tests.conftest import ROME, UserFactory
from tests.handlers.conftest import Steps, no_errors, time_arg
from tests.seed import rows

MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=ROME)
TUESDAY = datetime(2026, 12, 1, 10, 0, tzinfo=ROME)
TEXTS = {
    "it": ("annullata dall'ufficio: Guasto", "Lo apra per togliere l'appuntamento dal suo "
           "calendario.", "Sposta"),
    "en": ("was cancelled by the office: Guasto", "Open it to remove the appointment from your "
           "calendar.", "Move"),
}


def cancelling(message: ChatMessage, code: str, sequence: int, start: datetime) -> None:
    assert message.document is not None
    name, content = message.document
    assert name == f"{code}.ics"
    for line in ("METHOD:CANCEL", f"UID:{code}@sportello", f"SEQUENCE:{sequence}",
                 "STATUS:CANCELLED", f"DTSTART;TZID=Europe/Rome:{start:%Y%m%dT%H%M%S}"):
        assert f"\r\n{line}\r\n".encode() in content, line


@pytest.mark.parametrize("lang", ["it", "en"])
async def test_an_operator_cancellation_sends_the_notice_then_the_cancelling_event(
        db: Database, clock: FakeClock, courier: Dispatcher, steps: Steps,
        make_user: UserFactory, lang: str) -> None:
    notice_text, caption, move = TEXTS[lang]
    user = make_user(1001, language_code=lang)
    code = await steps.book(user, start=MONDAY)
    await user.send("/mybookings" if lang == "en" else "/appuntamenti")
    await user.press(f"{move} {code}")
    await steps.choose(user, f"day:{TUESDAY:%Y%m%d}")
    await steps.choose(user, time_arg(TUESDAY))
    await steps.choose(user, "ok")
    assert b"SEQUENCE:1" in (user.last.document or ("", b""))[1]  # the move's file
    [(booking_id,)] = await rows(db, "SELECT id FROM bookings")
    now = to_ts(clock.now())

    def cancel(conn: Connection) -> None:
        counter.cancel(conn, booking_id, now, actor=1, by="operator", reason="Guasto")

    await db.write(cancel)
    await courier.drain()
    notice, calendar = user.messages[-2:]
    assert notice_text in notice.text
    assert calendar.text == caption
    assert calendar.buttons() == []
    cancelling(calendar, code, 2, TUESDAY)
    assert await rows(db, "SELECT kind, state, payload FROM outbox WHERE booking_id = ?"
                          " AND kind IN ('booking_cancelled', 'calendar_cancel') ORDER BY id",
                      booking_id) == [
        ("booking_cancelled", "sent", '{"reason": "Guasto", "by": "operator"}'),
        ("calendar_cancel", "sent", f'{{"sequence": 2, "stamp": {now}}}')]
    no_errors(user)


async def test_a_closure_sends_each_citizen_the_cancelling_event(
        db: Database, office: Office, clock: FakeClock, courier: Dispatcher, steps: Steps,
        make_user: UserFactory) -> None:
    user = make_user(1001)
    code = await steps.book(user, start=MONDAY)
    start, end = to_ts(MONDAY.replace(hour=0)), to_ts(TUESDAY.replace(hour=0))
    await db.write(counter.close, office, date(2026, 11, 30), date(2026, 11, 30), None,
                   "Sciopero", start=start, end=end, actor=1, now=to_ts(clock.now()))
    await courier.drain()
    notice, calendar = user.messages[-2:]
    assert "annullata dall'ufficio: Sciopero" in notice.text
    cancelling(calendar, code, 1, MONDAY)


async def test_a_cancelling_event_sent_again_after_a_crash_is_the_same_file(
        db: Database, clock: FakeClock, courier: Dispatcher, steps: Steps,
        make_user: UserFactory) -> None:
    user: LocalUser = make_user(1001, language_code="en")
    code = await steps.book(user, start=MONDAY)
    [(booking_id,)] = await rows(db, "SELECT id FROM bookings")
    now = to_ts(clock.now())

    def cancel(conn: Connection) -> None:
        counter.cancel(conn, booking_id, now, actor=1, by="operator", reason="")

    await db.write(cancel)
    await courier.drain()
    first = user.last.document
    # a crash after the send, before it was marked sent: the row goes out again, the same
    await db.write(lambda conn: conn.execute(
        "UPDATE outbox SET state = 'sending' WHERE kind = 'calendar_cancel'"))
    clock.advance(minutes=5)
    assert await db.write(outbox.recover) == 1
    await courier.drain()
    assert user.last.document == first
    cancelling(user.last, code, 1, MONDAY)
    assert await rows(db, "SELECT kind, state FROM outbox WHERE kind = 'calendar_cancel'") == [
        ("calendar_cancel", "sent")]
