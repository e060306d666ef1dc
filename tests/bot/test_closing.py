"""Closing a desk: which bookings another desk keeps, and which days are closed already."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.config import load_office
from bot.domain.booking import Booking, Busy, Status
from bot.domain.closing import closed_already, plan
from bot.domain.model import Closure, to_ts
from tests.conftest import ROME

OFFICE = load_office()
DAY = date(2026, 12, 3)


def visit(booking_id: int, desk: str, hour: int, service: str = "cie") -> Booking:
    start = datetime(2026, 12, 3, hour, 0, tzinfo=ROME)
    return Booking(booking_id, f"CODE{booking_id:02}", None, service, desk, start,
                   start + timedelta(minutes=30), Status.BOOKED, None, None, None, start)


def test_bookings_go_to_free_desks_of_their_service_and_never_share_one() -> None:
    closed = [Closure(DAY, DAY, "S01")]
    desks = OFFICE.services["cie"].desks
    affected = [visit(1, "S01", 10), visit(2, "S01", 11)]
    # every other desk but the last is taken at 10:00
    busy = [Busy(d, to_ts(affected[0].start), to_ts(affected[0].end)) for d in desks[1:-1]]
    result = plan(OFFICE, closed, affected, busy)
    assert result.kept[1] == desks[-1]
    assert result.kept[2] in desks
    assert result.kept[2] != "S01"
    assert result.cancelled == []
    two_at_ten = [visit(1, "S01", 10), visit(3, "S01", 10)]
    crowded = plan(OFFICE, closed, two_at_ten, busy)
    assert crowded.kept == {1: desks[-1]}
    assert crowded.cancelled == [3]


def test_nothing_is_kept_when_no_other_desk_is_open_then() -> None:
    whole = [Closure(DAY, DAY, None)]
    assert plan(OFFICE, whole, [visit(1, "S01", 10)], []).cancelled == [1]
    evening = visit(2, "S01", 20)  # no desk is open at 20:00
    assert plan(OFFICE, [Closure(DAY, DAY, "S01")], [evening], []).cancelled == [2]


def test_days_closed_already_are_named_in_the_language_asked() -> None:
    found = closed_already(OFFICE, [], date(2026, 12, 6), date(2026, 12, 8), None, "en")
    assert found == {date(2026, 12, 6): "", date(2026, 12, 8): "Immaculate Conception"}
    assert closed_already(OFFICE, [], DAY, DAY + timedelta(days=1), "S01") == {}
