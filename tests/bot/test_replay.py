"""Late starts replayed with a new duration (bot/domain/replay.py), on one desk's hand-made day."""

from __future__ import annotations

from datetime import date

from bot.arguments import Period
from bot.config import load_office
from bot.domain.replay import LateStarts, Replay
from bot.domain.waiting import VisitTimes
from bot.model import Channel, Status
from tests.figures import MINUTE, at, stats_of, visit

OFFICE = load_office()
DAY = date(2026, 11, 25)


def clock(hour: int, minute: int = 0) -> int:
    return at(DAY, hour, minute)


def late(visits: list[VisitTimes], **durations: int) -> tuple[int, int]:
    """(visits counted, late starts) replaying certificati (10 minutes booked) as `durations`."""
    replay = Replay(durations, 5)
    replay.add(visits)
    return replay.visits, replay.late


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
