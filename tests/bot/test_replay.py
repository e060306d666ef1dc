"""Late starts replayed with a new duration (bot/domain/replay.py), on one desk's hand-made day."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import load_office
from bot.domain.arguments import Period
from bot.domain.booking import Channel, Status
from bot.domain.replay import LateStarts, Replays
from bot.domain.waiting import VisitTimes, WaitTally
from tests.conftest import ROME
from tests.figures import MINUTE, at, stats_of, visit

OFFICE = load_office()
DAY = date(2026, 11, 25)


def clock(hour: int, minute: int = 0) -> int:
    return at(DAY, hour, minute)


def late(visits: list[VisitTimes], **durations: int) -> tuple[int, int]:
    """(visits counted, late starts) as booked, or replaying the one service in `durations`."""
    replays = Replays(durations, 5)
    replays.add(visits)
    if not durations:
        return replays.visits, replays.late
    [found] = replays.result().values()
    assert (found.visits, found.before) == (replays.visits, replays.late)
    return found.visits, found.after


def packed_morning() -> list[VisitTimes]:
    """Five certificates booked every 10 minutes from 9:00 that each took 15: the desk runs
    0, 5, 10, 15 and 20 minutes behind."""
    visits = []
    for n in range(5):
        start = clock(9, 15 * n)
        visits.append(visit(clock(9, 10 * n), arrived=clock(9, 10 * n) - MINUTE, started=start,
                            ended=start + 15 * MINUTE))
    return visits


def test_as_booked_the_replay_gives_the_real_late_starts() -> None:
    assert late(packed_morning()) == (5, 3)
    stats = stats_of(packed_morning(), OFFICE, Period(DAY, DAY))
    assert stats.waiting.period.late == 3


def test_slots_as_long_as_the_service_would_have_started_everyone_on_time() -> None:
    assert late(packed_morning(), certificati=20) == (5, 0)
    assert late(packed_morning(), certificati=10) == (5, 3)
    assert late(packed_morning(), cie=40) == (5, 3)  # another service: nothing moves


def test_a_suggestion_says_what_it_would_have_done() -> None:
    stats = stats_of(packed_morning(), OFFICE, Period(DAY, DAY), chunks=3)
    [certificati] = [item for item in stats.services if item.service == "certificati"]
    assert certificati.suggested == 20
    assert certificati.late_starts == LateStarts(visits=5, before=3, after=0)
    assert all(item.late_starts is None for item in stats.services if item is not certificati)


def test_the_desk_s_own_delay_stays_whatever_the_duration() -> None:
    after_a_break = [visit(clock(9), started=clock(9), ended=clock(9, 10)),
                     visit(clock(11), arrived=clock(10, 55), started=clock(11, 20),
                           ended=clock(11, 30))]
    assert late(after_a_break) == (2, 1)
    assert late(after_a_break, certificati=20) == (2, 1)


def test_no_shows_hold_nothing_and_unmarked_visits_hold_the_timetable() -> None:
    came_late = visit(clock(9, 10), arrived=clock(9, 22), started=clock(9, 23),
                      ended=clock(9, 30))
    no_show = visit(clock(9), status=Status.NO_SHOW)
    assert late([no_show, came_late]) == (1, 1)  # 13 minutes after the booked 9:10
    assert late([no_show, came_late], certificati=20) == (1, 1)
    unmarked = visit(clock(9))
    # the 9:00 visit, 20 minutes long, would have pushed 9:10 to 9:20: started 3 minutes after
    assert late([unmarked, came_late], certificati=20) == (1, 0)


def test_walk_ins_take_the_desk_but_are_not_counted() -> None:
    walk_in = visit(clock(9), channel=Channel.DESK, created=clock(9), started=clock(9),
                    ended=clock(9, 25))
    next_one = visit(clock(9, 10), arrived=clock(9, 5), started=clock(9, 25),
                     ended=clock(9, 35))
    assert late([walk_in, next_one]) == (1, 1)
    assert late([walk_in, next_one], certificati=20) == (1, 0)  # at 9:20, started 9:25


def test_each_desk_is_replayed_on_its_own() -> None:
    mornings = packed_morning() + [visit(v.booked, desk="S08", started=v.booked,
                                         ended=v.booked + 5 * MINUTE) for v in packed_morning()]
    mornings.sort(key=lambda v: v.booked)
    assert late(mornings) == (10, 3)
    assert late(mornings, certificati=20) == (10, 0)


@given(st.lists(st.tuples(st.integers(0, 30), st.sampled_from([10, 20, 30]),
                          st.none() | st.integers(-20, 20), st.integers(0, 15),
                          st.integers(1, 45)), max_size=25))
@settings(max_examples=80, deadline=None)
def test_as_booked_the_replay_agrees_with_the_measured_late_starts(
        drawn: list[tuple[int, int, int | None, int, int]]) -> None:
    """A desk that never starts early: whatever the gaps, arrivals, delays and lengths, the
    replay with the durations as booked counts the late starts the waiting figures measure."""
    visits, booked, free = [], clock(8), clock(8)
    for gap, length, arrival, delay, took in drawn:
        booked += gap * MINUTE
        arrived = None if arrival is None else booked + arrival * MINUTE
        started = max(booked, arrived or booked, free) + delay * MINUTE
        free = started + took * MINUTE
        visits.append(visit(booked, minutes=length, arrived=arrived, started=started, ended=free))
        booked += length * MINUTE
    measured = WaitTally([DAY], ROME, 5)
    measured.add(visits)
    assert late(visits) == (len(visits), measured.result().period.late)


def test_several_suggestions_in_one_pass_are_each_replayed_alone() -> None:
    """Certificates and identity cards share desk S08 (in this made-up day); each suggestion
    replayed with the other is what it is alone."""
    day = packed_morning()
    for n in range(4):
        start = clock(11, 35 * n)
        day.append(visit(clock(11, 30 * n), service="cie", desk="S08", minutes=30,
                         started=start, ended=start + 35 * MINUTE))
        day.append(visit(clock(11, 30 * n), service="certificati", desk="S09",
                         started=clock(11, 30 * n), ended=clock(11, 30 * n) + 5 * MINUTE))
    day.append(visit(clock(13), desk="S08", started=clock(13, 20), ended=clock(13, 35)))
    day.sort(key=lambda v: v.booked)
    both = Replays({"certificati": 20, "cie": 40}, 5)
    both.add(day)
    found = both.result()
    assert found["certificati"] == LateStarts(14, 6, late(day, certificati=20)[1])
    assert found["cie"] == LateStarts(14, 6, late(day, cie=40)[1])
    assert late(day) == (14, 6)  # 3 in the packed morning, 2 identity cards, 13:00 at S08
    assert late(day, certificati=20) == (14, 3)  # the morning on time
    assert late(day, cie=40) == (14, 3)  # the identity cards and the 13:00 after them
