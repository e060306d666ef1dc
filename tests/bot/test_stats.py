from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import load_office
from bot.domain.arguments import Period
from bot.domain.booking import Channel, Status
from bot.domain.statistics import percentile
from tests.figures import MINUTE, at, stats_of, visit

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
    nine = at(day, 9)
    visits = [visit(nine, started=nine, ended=nine + m * MINUTE) for m in minutes]
    stats = stats_of(visits, OFFICE, Period(day, day))
    [timed] = [s for s in stats.services if s.service == "certificati"]
    assert timed.timed == len(minutes)
    assert timed.suggested == suggested
    assert (timed.late_starts is None) == (suggested is None)


def test_visits_fall_on_their_local_day_across_daylight_saving() -> None:
    first, last = date(2026, 10, 24), date(2026, 10, 26)
    visits = [visit(at(first, 23, 30), status=Status.NO_SHOW, created=0),
              visit(at(date(2026, 10, 25), 23, 30), status=Status.SERVED, created=0),
              visit(at(last, 0, 10), status=Status.SERVED, created=0)]
    stats = stats_of(visits, OFFICE, Period(first, last), made=3)
    assert [(d.day, d.visits, d.no_shows) for d in stats.days] == [
        (first, 1, 1), (first + timedelta(days=1), 1, 0), (last, 1, 0)]
    assert stats.no_show_rate == pytest.approx(1 / 3)


def test_an_empty_period() -> None:
    stats = stats_of([], OFFICE, Period(date(2026, 11, 1), date(2026, 11, 30)))
    assert stats.no_show_rate is None
    assert stats.lead_median is None
    assert len(stats.days) == 30
    assert stats.waiting.period.waits.count == 0
    assert stats.channels.period.online_share is None
    assert stats.channels.slope is None


CHANNELS = st.sampled_from(list(Channel))
VISITS = st.lists(st.tuples(
    st.integers(0, 20 * 24 * 60), st.sampled_from(["S07", "S08"]), CHANNELS,
    st.none() | st.integers(-30, 60), st.none() | st.integers(-10, 90), st.integers(1, 40),
    st.booleans()), max_size=40)


@given(VISITS, st.integers(1, 5))
@settings(max_examples=60, deadline=None)
def test_the_figures_do_not_depend_on_how_the_visits_are_chunked(
        drawn: list[tuple], chunks: int) -> None:
    """The stream is read in chunks of any size: the same figures as in one go."""
    first = date(2026, 10, 19)
    start = at(first, 0)
    visits = []
    for minute, desk, channel, arrival, began, took, no_show in drawn:
        booked = start + minute * MINUTE
        started = None if began is None else booked + began * MINUTE
        visits.append(visit(
            booked, desk=desk, channel=channel, created=booked - 3600,
            arrived=None if arrival is None else booked + arrival * MINUTE, started=started,
            ended=None if started is None else started + took * MINUTE,
            status=Status.NO_SHOW if no_show and started is None else None))
    period = Period(first, first + timedelta(days=20))
    whole = stats_of(visits, OFFICE, period)
    assert stats_of(visits, OFFICE, period, chunks=chunks) == whole
