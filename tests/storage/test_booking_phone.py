"""A caller's phone number (issue 11): read in one international form, stored with the booking,
erased by retention and /deletemydata like the name, the codice fiscale and the note."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.model import Office, to_ts
from bot.domain.phone import read_phone
from storage import bookings, privacy
from storage.db import Database
from tests.conftest import NOW
from tests.seed import book, rows


@pytest.mark.parametrize(("typed", "kept"), [
    ("333 123 4567", "+39 333 123 4567"),
    ("0039 333-1234567", "+39 333 123 4567"),
    ("+39 06 6982", "+39 06 6982"),
    ("06 69821", "+39 06 69821"),
    ("+44 20 7946 0958", "+44 20 7946 0958"),
    ("00 1 202 555 0143", "+1 202-555-0143"),
])
def test_italian_and_international_numbers(typed: str, kept: str) -> None:
    assert read_phone(typed) == kept


@pytest.mark.parametrize("typed", ["", "12", "abc", "333 123", "+99 123 456 789",
                                   "3" * 41, "+39 333 123 4567 ext. <b>"])
def test_not_numbers(typed: str) -> None:
    assert read_phone(typed) is None


async def test_kept_with_the_booking_and_erased_with_the_person(
        db: Database, office: Office) -> None:
    past = await book(db, office, "cie", NOW - timedelta(days=40), NOW - timedelta(days=41),
                      phone="+39 333 123 4567")
    chat = await book(db, office, "cie", NOW.replace(hour=11), NOW, user_id=7,
                      phone="+39 333 765 4321", desk="S01")
    kept = await book(db, office, "cie", NOW.replace(hour=11), NOW, phone="+44 20 7946 0958",
                      desk="S02", cf="BNCNNA90D43A390D")
    found = await db.read(bookings.get, kept)
    assert found is not None
    assert found.phone == "+44 20 7946 0958"
    now = to_ts(NOW)
    await db.write(privacy.purge_older_than, now - 30 * 86400, now)
    await db.write(privacy.erase_identity, 7, now)
    assert await rows(db, "SELECT id, phone FROM bookings ORDER BY id") == [
        (past, None), (chat, None), (kept, "+44 20 7946 0958")]
