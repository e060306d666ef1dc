"""bot/domain/time_groups.py: a day's times in groups of at most 24, in order, none lost."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.booking import Slot
from bot.domain.time_groups import MOST, groups

ROME = ZoneInfo("Europe/Rome")
DAY = datetime(2026, 12, 1, 0, 0, tzinfo=ROME)


def grid(first: int, last: int, step: int) -> list[Slot]:
    """Times every `step` minutes from minute `first` to minute `last` of the day."""
    return [Slot(DAY + timedelta(minutes=m), "S01") for m in range(first, last, step)]


def test_a_day_that_fits_is_one_group_and_no_day_none() -> None:
    assert groups(grid(540, 540 + 24 * 10, 10), ROME) == [grid(540, 780, 10)]
    assert groups([], ROME) == []


def test_morning_and_afternoon_then_even_parts_at_whole_hours() -> None:
    def spans(slots: list[Slot]) -> list[tuple[str, str]]:
        return [(f"{p[0].start:%H:%M}", f"{p[-1].start:%H:%M}") for p in groups(slots, ROME)]

    afternoon = grid(900, 1030, 10)  # 15:00-17:00, 13 times
    assert spans(grid(510, 750, 10) + afternoon) == [("08:30", "12:20"), ("15:00", "17:00")]
    assert spans(grid(510, 760, 10) + afternoon) == [  # a morning of 25: two of 15 and 10
        ("08:30", "10:50"), ("11:00", "12:30"), ("15:00", "17:00")]


@given(st.integers(0, 600), st.integers(0, 840), st.sampled_from([1, 2, 5, 10, 15, 30]))
def test_every_time_once_in_order_never_more_than_most(start: int, length: int,
                                                       step: int) -> None:
    slots = grid(start, start + length, step)
    parts = groups(slots, ROME)
    assert [slot for part in parts for slot in part] == slots
    assert all(0 < len(part) <= MOST for part in parts)
