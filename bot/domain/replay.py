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

The replays run in one pass: the one as booked, and one per suggested duration, which follows
the one as booked until the service first comes up at a desk and keeps its own state for that
desk from then on (elsewhere nothing changes). Each keeps three instants per desk, whatever the
number of visits; they must be fed each desk's visits in booked order (the order storage/stats.py
reads them in).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.domain.booking import Status
from bot.domain.waiting import ATTENDED_STATUSES, WALK_IN, VisitTimes, due

Desk = tuple[int, int, int]
"""When the timetable frees the desk, when the replayed visits free it, when the real ones did."""


@dataclass(frozen=True, slots=True)
class LateStarts:
    """Booked visits replayed, and how many started late as booked and with the new duration."""

    visits: int
    before: int
    after: int


def _step(desk: Desk | None, visit: VisitTimes, length: int, zero: int) -> tuple[Desk, bool]:
    """The desk after `visit`, whose slot in the timetable lasts `length` seconds; and whether
    it counts as a late start."""
    _, _, channel, status, booked, booked_end, created, arrived, started, ended = visit
    planned, replayed, real = desk if desk is not None else (booked, booked, booked)
    time = booked if booked > planned else planned
    if status not in ATTENDED_STATUSES:
        return (time + length, replayed, real), False
    when = due(channel, booked, created, arrived)
    ready = when if when > booked else booked
    ready = real if real > ready else ready
    began, took = ready, booked_end - booked
    if started is not None:
        began = started
        if ended is not None:
            took = ended - started
    start = when if when > time else time
    start = (replayed if replayed > start else start) + (began - ready if began > ready else 0)
    late = channel != WALK_IN and started is not None and start - time > zero
    return (time + length, start + took, began + took), late


class Replays:
    def __init__(self, suggested: Mapping[str, int], zero_wait_minutes: int) -> None:
        """`suggested`: minutes per service, each replayed on its own against the durations
        as booked."""
        self._lengths = {code: minutes * 60 for code, minutes in suggested.items()}
        self._zero = zero_wait_minutes * 60
        self._booked: dict[str, Desk] = {}
        self._apart: dict[tuple[str, str], Desk] = {}
        """(suggested service, desk): where that replay went its own way, its desk."""
        self._apart_at: dict[str, tuple[str, ...]] = {}
        """Per desk, the suggested services whose replay went its own way there."""
        self._late_apart = dict.fromkeys(suggested, 0)
        """Per suggested service, its late starts minus those as booked, where it went apart."""
        self.visits = 0
        self.late = 0
        """As booked."""

    def add(self, visits: Iterable[VisitTimes]) -> None:
        zero, lengths, apart, late_apart = self._zero, self._lengths, self._apart, self._late_apart
        for visit in visits:
            if visit.status == Status.NO_SHOW:
                continue
            service, desk, length = visit.service, visit.desk, visit.booked_end - visit.booked
            before = self._booked.get(desk)
            codes = self._apart_at.get(desk, ())
            if service in lengths and service not in codes:  # first seen here: goes apart
                codes = self._apart_at[desk] = (*codes, service)
            for code in codes:
                state, late = _step(apart.get((code, desk), before), visit,
                                    lengths[code] if service == code else length, zero)
                apart[code, desk] = state
                late_apart[code] += late
            self._booked[desk], late = _step(before, visit, length, zero)
            self.late += late
            self.visits += (visit.started is not None and visit.channel != WALK_IN
                            and visit.status in ATTENDED_STATUSES)  # as bot/domain/waiting.py
            for code in codes:
                late_apart[code] -= late

    def result(self) -> dict[str, LateStarts]:
        return {code: LateStarts(self.visits, self.late, self.late + apart)
                for code, apart in self._late_apart.items()}
