"""An office small enough to fill in a test, and filled."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.domain.model import Desk, Interval, Office
from bot.testing.clock import FakeClock
from storage.bookings import Booked
from storage.db import Database
from tests.handlers.conftest import book_directly


def tiny_office(office: Office) -> Office:
    """The sample office with one desk, open on Mondays from 09:00 to 10:00: a week has two
    30-minute times of `cie`, and two of `contrassegno` (confirm-or-lose, 24 hours), which
    share them."""
    closed: tuple[Interval, ...] = ()
    desk = Desk("S01", "Sportello 1", ((Interval(540, 600),), *(closed,) * 6))
    cie = replace(office.services["cie"], desks=("S01",))
    contrassegno = replace(office.services["contrassegno_disabili"], code="contrassegno",
                           desks=("S01",), duration=30, confirm_hours=24)
    return replace(office, desks={"S01": desk},
                   services={"cie": cie, "contrassegno": contrassegno})


async def book_times(db: Database, office: Office, clock: FakeClock,
                starts: list[datetime]) -> list[Booked]:
    """`cie` booked at each of `starts`, by the office for people not on Telegram."""
    return [await book_directly(db, office, clock, None, start) for start in starts]
