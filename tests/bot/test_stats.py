from datetime import date, timedelta

import pytest

from bot.config import load_office
from bot.domain.arguments import Period
from bot.domain.statistics import LEAD_STEP, Facts, compute, percentile

OFFICE = load_office()


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
    timed: dict[int, int] = {}
    for m in minutes:
        timed[m * 60] = timed.get(m * 60, 0) + 1
    stats = compute(Facts(days={day: (len(minutes), 0)}, statuses={"served": len(minutes)},
                          service_times={"certificati": timed}), OFFICE, Period(day, day))
    [measured] = [s for s in stats.services if s.service == "certificati"]
    assert measured.timed == len(minutes)
    assert measured.suggested == suggested


def test_medians_and_percentiles_count_each_visit_as_the_values_would() -> None:
    day = date(2026, 11, 25)
    # 4 visits: 11, 11, 12 and 30 minutes: median (11 + 12) / 2, 90th percentile the 4th
    stats = compute(Facts(service_times={"cie": {660: 2, 720: 1, 1800: 1}},
                          leads={0: 1, 144: 2, 145: 1}), OFFICE, Period(day, day))
    [cie] = [s for s in stats.services if s.service == "cie"]
    assert (cie.median, cie.p90) == (11.5, 30.0)
    assert stats.lead_median == pytest.approx(144 * LEAD_STEP / 86400)  # one day
    assert stats.lead_p90 == pytest.approx(145 * LEAD_STEP / 86400)


def test_facts_of_two_stretches_add_up() -> None:
    one = Facts(2, 1, {date(2026, 11, 2): (3, 1)}, {"served": 2, "no_show": 1}, {6: 3},
                {"cie": {600: 2}})
    other = Facts(1, 0, {date(2026, 11, 9): (1, 0)}, {"served": 1}, {6: 1, 7: 1},
                  {"cie": {600: 1}, "tari": {300: 1}})
    assert one + other == Facts(3, 1, {date(2026, 11, 2): (3, 1), date(2026, 11, 9): (1, 0)},
                                {"served": 3, "no_show": 1}, {6: 4, 7: 1},
                                {"cie": {600: 3}, "tari": {300: 1}})


def test_an_empty_period() -> None:
    stats = compute(Facts(), OFFICE, Period(date(2026, 11, 1), date(2026, 11, 30)))
    assert stats.no_show_rate is None
    assert stats.lead_median is None
    assert len(stats.days) == 30
    assert stats.days[0].day == date(2026, 11, 1)
    assert stats.days[-1].day == date(2026, 11, 1) + timedelta(days=29)
