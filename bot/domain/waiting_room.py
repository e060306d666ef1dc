"""Who is in the waiting room now, desk by desk (pure): served since when, waiting since when,
late, and the day's average wait and service time so far.

A wait runs from the moment the citizen was due, by the same rule as the statistics'
(bot/domain/waiting.py: the booked time, or the arrival if later; a walk-in's arrival), to the
start of the service; for someone still waiting, to now.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.domain.booking import Booking, Status
from bot.domain.waiting import due_at


@dataclass(slots=True)
class Desk:
    code: str
    serving: Booking | None = None
    waiting: list[Booking] = field(default_factory=list)
    late: list[Booking] = field(default_factory=list)
    """Booked, their time has come, not arrived (and not marked as no-show)."""


@dataclass(frozen=True, slots=True)
class Room:
    desks: list[Desk]
    average_wait: float | None
    """Minutes, over today's visits already started."""
    average_service: float | None
    """Minutes at the desk, over today's visits served."""
    average_booked: float | None
    """Minutes booked, over the same visits."""

    @property
    def serving(self) -> int:
        return sum(desk.serving is not None for desk in self.desks)

    @property
    def waiting(self) -> int:
        return sum(len(desk.waiting) for desk in self.desks)

    @property
    def late(self) -> int:
        return sum(len(desk.late) for desk in self.desks)


def waited(visit: Booking, now: datetime) -> timedelta:
    """The wait so far (or in all, once started); nothing before the wait begins."""
    since = due_at(visit)
    if since is None:
        return timedelta()
    return max(timedelta(), (visit.started if visit.started is not None else now) - since)


def _mean_minutes(spans: Sequence[timedelta]) -> float | None:
    return statistics.fmean(span.total_seconds() for span in spans) / 60 if spans else None


def room(desk_codes: Sequence[str], visits: Sequence[Booking], now: datetime) -> Room:
    """`visits`: today's, at every desk; desks listed in `desk_codes` order."""
    desks = {code: Desk(code) for code in desk_codes}
    waits: list[timedelta] = []
    served: list[timedelta] = []
    booked: list[timedelta] = []
    for visit in sorted(visits, key=lambda v: (v.start, v.id)):
        desk = desks.setdefault(visit.desk, Desk(visit.desk))
        if visit.status == Status.IN_SERVICE:
            desk.serving = visit
        elif visit.status == Status.CHECKED_IN:
            desk.waiting.append(visit)
        elif visit.status == Status.BOOKED and visit.start <= now:
            desk.late.append(visit)
        if visit.started is not None and visit.checked_in is not None:
            waits.append(waited(visit, now))
        if visit.started is not None and visit.served is not None:
            served.append(visit.served - visit.started)
            booked.append(visit.end - visit.start)
    return Room([desks[code] for code in desks], _mean_minutes(waits), _mean_minutes(served),
                _mean_minutes(booked))
