"""Waiting and punctuality (bot/domain/waiting.py) on hand-made visits: early, late, walk-in, no
arrival recorded, across midnight and across both daylight-saving changes."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.config import load_office
from bot.domain.arguments import Period
from bot.domain.booking import Booking, Channel, Status
from bot.domain.statistics import percentile
from bot.domain.waiting import (
    VisitTimes,
    Waiting,
    WaitTally,
    minutes,
    minutes_waited,
    spread,
    waited,
)
from bot.domain.waiting_room import waited as room_waited
from tests.conftest import ROME
from tests.figures import MINUTE, at, stats_of, visit

OFFICE = load_office()
DAY = date(2026, 11, 25)
NINE = at(DAY, 9)


def waiting_of(*visits: VisitTimes, zero: int = 5, first: date = DAY,
               last: date = DAY) -> Waiting:
    tally = WaitTally([first + timedelta(days=n) for n in range((last - first).days + 1)], ROME,
                      zero)
    tally.add(visits)
    return tally.result()


def test_an_early_citizen_waits_from_the_booked_time() -> None:
    early = visit(NINE, arrived=NINE - 10 * MINUTE, started=NINE + 3 * MINUTE)
    assert waited(early.channel, early.booked, early.created, early.arrived, early.started) == 180
    period = waiting_of(early).period
    assert (period.waits.count, period.waits.median, period.zero_waits) == (1, 3, 1)
    assert (period.delays.median, period.late) == (3, 0)


def test_a_late_citizen_waits_from_the_arrival_and_the_start_is_late() -> None:
    late = visit(NINE, arrived=NINE + 12 * MINUTE, started=NINE + 14 * MINUTE)
    period = waiting_of(late).period
    assert (period.waits.median, period.zero_wait_share) == (2, 1.0)
    assert (period.delays.median, period.late_share) == (14, 1.0)  # late against the booked time


def test_no_arrival_recorded_waits_from_the_booked_time() -> None:
    period = waiting_of(visit(NINE, started=NINE + 7 * MINUTE)).period
    assert (period.waits.median, period.zero_waits, period.late) == (7, 0, 1)


def test_a_start_before_the_booked_time_is_no_wait_and_an_early_start() -> None:
    period = waiting_of(visit(NINE, arrived=NINE - 15 * MINUTE, started=NINE - 5 * MINUTE)).period
    assert (period.waits.median, period.zero_waits) == (0, 1)
    assert (period.delays.median, period.late) == (-5, 0)


def test_the_zero_wait_bound_is_included() -> None:
    on_the_bound = visit(NINE, started=NINE + 5 * MINUTE)
    past_it = visit(NINE + 600, started=NINE + 600 + 5 * MINUTE + 1)
    period = waiting_of(on_the_bound, past_it).period
    assert (period.zero_waits, period.late) == (1, 1)
    assert waiting_of(on_the_bound, past_it, zero=0).period.zero_waits == 0


def test_walk_ins_are_counted_apart_from_their_arrival() -> None:
    booked_now = visit(NINE, channel=Channel.DESK, created=NINE + 7 * MINUTE,
                       started=NINE + 20 * MINUTE)  # entered at 9:07 in the 9:00 slot
    marked = visit(NINE + 3600, channel=Channel.DESK, created=NINE + 3000,
                   arrived=NINE + 3600 + 2 * MINUTE, started=NINE + 3600 + 6 * MINUTE)
    came_back = visit(at(DAY, 11), channel=Channel.DESK, created=NINE,
                      started=at(DAY, 11, 2))  # given 11:00 at 9:00, came back for it
    period = waiting_of(booked_now, marked, came_back).period
    assert period.waits.count == 0
    assert period.delays.count == 0  # a walk-in is never late against a time given at the desk
    assert (period.walk_ins.count, period.walk_ins.median, period.walk_ins.p90) == (3, 4, 13)
    assert period.walk_in_zero_waits == 2


def test_visits_not_started_or_not_come_are_not_measured() -> None:
    period = waiting_of(
        visit(NINE),                                          # never marked
        visit(NINE, arrived=NINE),                            # arrived, not started yet
        visit(NINE, status=Status.NO_SHOW),
        visit(NINE, started=NINE + 60, ended=None),           # at the desk: measured, not timed
    ).period
    assert (period.waits.count, period.timed) == (1, 0)


def test_overruns_of_the_slot() -> None:
    period = waiting_of(
        visit(NINE, started=NINE, ended=NINE + 14 * MINUTE),              # 4 over a 10' slot
        visit(NINE, started=NINE, ended=NINE + 10 * MINUTE + 59),         # under a minute over
        visit(NINE, started=NINE, ended=NINE + 8 * MINUTE),
        visit(NINE, started=NINE, ended=NINE + 40 * MINUTE, minutes=30),  # 10 over 30'
        visit(NINE, channel=Channel.DESK, created=NINE, started=NINE,
              ended=NINE + 12 * MINUTE),                                  # walk-ins run over too
    ).period
    assert period.timed == 5
    assert (period.overruns.count, period.overruns.median, period.overruns.p90) == (3, 4, 10)
    assert period.overrun_share == 3 / 5


def test_across_midnight_the_wait_belongs_to_the_booked_day() -> None:
    late_evening = at(DAY, 23, 50)
    night = visit(late_evening, started=late_evening + 20 * MINUTE,
                  ended=late_evening + 35 * MINUTE)
    waiting = waiting_of(night, first=DAY, last=date(2026, 11, 26))
    assert [(day, spread.count, spread.median) for day, spread in waiting.days] == [
        (DAY, 1, 20), (date(2026, 11, 26), 0, None)]
    assert waiting.period.overruns.median == 5


def test_waits_are_real_minutes_across_daylight_saving() -> None:
    autumn = date(2026, 10, 25)  # 03:00 CEST is 02:00 CET again
    before_the_change = at(autumn, 1, 50)  # CEST
    fall_back = visit(before_the_change, started=before_the_change + 75 * MINUTE)  # 02:05 CET
    spring = date(2026, 3, 29)  # 02:00 CET is 03:00 CEST
    spring_forward = visit(at(spring, 1, 55), started=at(spring, 3, 5))  # 10 real minutes
    assert waiting_of(fall_back, first=autumn, last=autumn).period.waits.median == 75
    assert waiting_of(spring_forward, first=spring, last=spring).period.waits.median == 10
    both = stats_of([fall_back, spring_forward], OFFICE, Period(spring, autumn))
    days = dict(both.waiting.days)
    assert days[autumn].median == 75
    assert days[spring].median == 10
    assert sum(spread.count for spread in days.values()) == 2


def test_per_service_and_per_desk() -> None:
    waiting = waiting_of(
        visit(NINE, started=NINE + 2 * MINUTE),
        visit(NINE, desk="S08", started=NINE + 12 * MINUTE),
        visit(NINE, service="cie", desk="S01", minutes=30, started=NINE + 30 * MINUTE),
    )
    assert {code: item.waits.median for code, item in waiting.services.items()} == {
        "certificati": 7, "cie": 30}
    assert {code: item.late for code, item in waiting.desks.items()} == {
        "S01": 1, "S07": 0, "S08": 1}


def test_whole_minutes_round_half_up() -> None:
    assert [minutes(s) for s in (0, 29, 30, 89, 90, -29, -30, -90, -91)] == [
        0, 0, 1, 1, 2, 0, 0, -1, -2]


@given(st.lists(st.integers(min_value=-600, max_value=600), min_size=1, max_size=60))
def test_a_counted_distribution_agrees_with_the_list(values: list[int]) -> None:
    counted = spread(Counter(values))
    ordered = sorted(values)
    assert counted.count == len(values)
    assert counted.median == statistics.median(ordered)
    assert counted.p90 == percentile(ordered, 0.9)


@given(st.sampled_from(Channel), st.integers(-60, 60), st.one_of(st.none(), st.integers(-30, 90)),
       st.integers(0, 120))
def test_the_waiting_room_and_the_figures_count_one_wait(
        channel: Channel, created: int, arrived: int | None, started: int) -> None:
    """/room's wait of a started visit is the statistics' (the same moment due), whatever the
    channel, and whether or not an arrival was recorded."""
    start = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)

    def after(minutes: int) -> datetime:
        return start + timedelta(minutes=minutes)

    one = Booking(1, "ABC234", None, "cie", "S01", start, after(30), Status.SERVED, "Mario Rossi",
                  None, None, after(created), channel=channel,
                  checked_in=None if arrived is None else after(arrived),
                  started=after(started), served=after(started + 20))
    assert minutes(int(room_waited(one, after(200)).total_seconds())) == minutes_waited(one)
