from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import load_office
from bot.domain.arguments import Period
from bot.domain.statistics import Facts, compute, percentile

OFFICE = load_office()
ROME = ZoneInfo("Europe/Rome")


def ts(day: date, hour: int, minute: int = 0) -> int:
    return int(datetime(day.year, day.month, day.day, hour, minute, tzinfo=ROME).timestamp())


def test_nearest_rank_percentile() -> None:
    assert percentile([1.0], 0.9) == 1.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 0.9) == 9.0
    assert percentile([1.0, 2.0, 3.0], 0.5) == 2.0


@pytest.mark.parametrize(("minutes", "suggested"), [
    ((10, 10, 10, 10, 10), None),  # as configured
    ((11, 11, 12, 12, 30), 20),    # the median rounded up to the 10-minute step
    ((3, 3, 4, 4, 4), None),       # never under one step: 10, as configured
    ((11, 11, 12, 12), None),      # too few timed to suggest anything
])
def test_suggested_duration(minutes: tuple[int, ...], suggested: int | None) -> None:
    day = date(2026, 11, 25)
    rows = [("certificati", "served", ts(day, 9), ts(day, 9) - 86400, ts(day, 9),
             ts(day, 9) + m * 60) for m in minutes]
    stats = compute(Facts(0, 0, rows), OFFICE, Period(day, day))
    [timed] = [s for s in stats.services if s.service == "certificati"]
    assert timed.timed == len(minutes)
    assert timed.suggested == suggested


def test_visits_fall_on_their_local_day_across_daylight_saving() -> None:
    first, last = date(2026, 10, 24), date(2026, 10, 26)
    rows = [("cie", "no_show", ts(first, 23, 30), 0, None, None),
            ("cie", "served", ts(date(2026, 10, 25), 23, 30), 0, None, None),
            ("cie", "served", ts(last, 0, 10), 0, None, None)]
    stats = compute(Facts(3, 0, rows), OFFICE, Period(first, last))
    assert [(d.day, d.visits, d.no_shows) for d in stats.days] == [
        (first, 1, 1), (first + timedelta(days=1), 1, 0), (last, 1, 0)]
    assert stats.no_show_rate == pytest.approx(1 / 3)


def test_an_empty_period() -> None:
    stats = compute(Facts(0, 0, []), OFFICE, Period(date(2026, 11, 1), date(2026, 11, 30)))
    assert stats.no_show_rate is None
    assert stats.lead_median is None
    assert len(stats.days) == 30
