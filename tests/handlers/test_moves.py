"""A move is a move: the booking keeps its code and its calendar event (same UID, higher
SEQUENCE); leaving a move keeps the booking; a cancellation sends a cancelling event."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.testing.local_user import LocalUser
from storage.db import Database
from tests.conftest import ROME, UserFactory
from tests.handlers.conftest import Steps, no_errors, time_arg
from tests.seed import rows

MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=ROME)
TUESDAY = datetime(2026, 12, 1, 10, 0, tzinfo=ROME)

LABELS = {
    "it": {"move": "Sposta", "cancel": "Annulla", "yes": "Sì, annulla", "quit": "Annulla",
           "moved": "Spostata da lunedì 30 novembre 2026, 10:00 a martedì 1 dicembre 2026, "
                    "10:00; il codice di prenotazione resta lo stesso.",
           "unchanged": "Spostamento interrotto: la sua prenotazione resta com'era.",
           "code": "Codice prenotazione"},
    "en": {"move": "Move", "cancel": "Cancel", "yes": "Yes, cancel", "quit": "Cancel",
           "moved": "Moved from Monday 30 November 2026, 10:00 to Tuesday 1 December 2026, "
                    "10:00; the booking code stays the same.",
           "unchanged": "Move stopped: your booking is unchanged.",
           "code": "Booking code"},
}


async def move_to(user: LocalUser, steps: Steps, code: str, labels: dict[str, str],
                  start: datetime) -> None:
    await user.send("/mybookings")
    await user.press(f"{labels['move']} {code}")
    await steps.choose(user, f"day:{start:%Y%m%d}")
    await steps.choose(user, time_arg(start))


@pytest.mark.parametrize("lang", ["it", "en"])
async def test_moved_twice_then_cancelled_one_calendar_event(
        make_user: UserFactory, steps: Steps, db: Database, lang: str) -> None:
    labels = LABELS[lang]
    user = make_user(language_code=lang)
    code = await steps.book(user, start=MONDAY)
    first = user.last.document
    assert first is not None
    assert b"SEQUENCE:0" in first[1]

    await move_to(user, steps, code, labels, TUESDAY)
    await steps.choose(user, "ok")
    confirmation, calendar = user.messages[-2:]
    assert labels["moved"] in confirmation.text
    assert f"{labels['code']}: {code}" in confirmation.text
    assert calendar.document is not None
    assert calendar.document[0] == f"{code}.ics"
    assert f"UID:{code}@sportello".encode() in calendar.document[1]
    assert b"SEQUENCE:1" in calendar.document[1]

    await move_to(user, steps, code, labels, MONDAY)
    await steps.choose(user, "ok")
    again = user.last.document
    assert again is not None
    assert b"SEQUENCE:2" in again[1]
    assert await rows(db, "SELECT count(*) FROM booking_times") == [(2,)]
    assert await rows(db, "SELECT code, status FROM bookings") == [(code, "booked")]

    await user.send("/mybookings")
    await user.press(f"{labels['cancel']} {code}")
    await user.press(labels["yes"])
    cancelling = user.last.document
    assert cancelling is not None
    assert cancelling[0] == f"{code}.ics"
    for line in (f"UID:{code}@sportello", "SEQUENCE:3", "METHOD:CANCEL", "STATUS:CANCELLED"):
        assert line.encode() in cancelling[1], line
    assert await rows(db, "SELECT status FROM bookings") == [("cancelled",)]
    no_errors(user)


@pytest.mark.parametrize("lang", ["it", "en"])
async def test_leaving_a_move_by_the_button_shows_the_booking(
        make_user: UserFactory, steps: Steps, db: Database, lang: str) -> None:
    labels = LABELS[lang]
    user = make_user(language_code=lang)
    code = await steps.book(user, start=MONDAY)
    await move_to(user, steps, code, labels, TUESDAY)
    await steps.choose(user, "quit")
    shown = user.last
    assert labels["unchanged"] in shown.text
    assert f"{labels['code']}: {code}" in shown.text
    assert await rows(db, "SELECT code, status, datetime(start_ts, 'unixepoch') FROM bookings"
                      ) == [(code, "booked", "2026-11-30 09:00:00")]
    assert await rows(db, "SELECT count(*) FROM booking_times") == [(0,)]
    no_errors(user)
