"""What a new duration would have done to the period's late starts (pure): the period's visits
replayed desk by desk, in booked order, with one service's slots lengthened or shortened.

The timetable: each visit keeps its booked time, unless the visit before it at the same desk,
given the length its service would have had, still holds the desk then: it is pushed to just after
(as the times would have been offered). The desk: each visit the citizen came to starts when it is
due (its time in that timetable, or the arrival if later; see bot/domain/waiting.py) and the desk is
free, plus the delay the desk really added of its own (the real start past the moment the visit
was due and the desk free: a break, a phone call), and takes the time measured from start to end,
or its booked length if it was not timed. A start more than the "attesa zero" minutes after the
visit's time is late. No-shows hold neither the timetable nor the desk; visits never marked hold
the timetable only; visits never started and walk-ins queue at the desk but are not counted
(a walk-in's time was given as they came). With the durations as booked, the replay gives the
period's real late starts (bookings never overlap at a desk), save after a desk started a visit
early: the replay starts it on time, which may delay the next.

A replay keeps three instants per desk, whatever the number of visits; it must be fed each desk's
visits in booked order (the order storage/stats.py reads them in).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.domain.waiting import VisitTimes
from bot.model import ATTENDED, Status


@dataclass(frozen=True, slots=True)
class LateStarts:
    """Booked visits replayed, and how many started late as booked and with the new duration."""

    visits: int
    before: int
    after: int


@dataclass(slots=True)
class _Desk:
    planned: int
    """When the timetable frees the desk."""
    replayed: int
    """When the replayed visits free it."""
    real: int
    """When the real visits freed it."""


class Replay:
    def __init__(self, durations: Mapping[str, int], zero_wait_minutes: int) -> None:
        """`durations`: minutes per service that differ from those booked."""
        self._lengths = {code: minutes * 60 for code, minutes in durations.items()}
        self._zero = zero_wait_minutes * 60
        self._desks: dict[str, _Desk] = {}
        self.visits = 0
        self.late = 0

    def add(self, visits: Iterable[VisitTimes]) -> None:
        for visit in visits:
            if visit.status == Status.NO_SHOW:
                continue
            booked_length = visit.booked_end - visit.booked
            desk = self._desks.get(visit.desk)
            if desk is None:
                desk = self._desks[visit.desk] = _Desk(visit.booked, visit.booked, visit.booked)
            time = max(visit.booked, desk.planned)
            desk.planned = time + self._lengths.get(visit.service, booked_length)
            if visit.status not in ATTENDED:
                continue
            ready = max(visit.booked, visit.due, desk.real)
            began, took = ready, booked_length
            if visit.started is not None:
                began = visit.started
                if visit.ended is not None:
                    took = visit.ended - visit.started
            start = max(time, visit.due, desk.replayed) + max(0, began - ready)
            desk.real, desk.replayed = began + took, start + took
            if not visit.walk_in and visit.started is not None:  # as bot/domain/waiting.py
                self.visits += 1
                self.late += start - time > self._zero


def replays(suggested: Mapping[str, int], zero_wait_minutes: int) -> dict[str | None, Replay]:
    """The replay as booked (key None) and one per service with a suggested duration."""
    found: dict[str | None, Replay] = {None: Replay({}, zero_wait_minutes)}
    found.update({code: Replay({code: minutes}, zero_wait_minutes)
                  for code, minutes in suggested.items()})
    return found


def late_starts(replayed: Mapping[str | None, Replay]) -> dict[str, LateStarts]:
    booked = replayed[None]
    return {code: LateStarts(booked.visits, booked.late, replay.late)
            for code, replay in replayed.items() if code is not None}
