"""Waiting and punctuality at the desk (pure): how long citizens waited, how often the desk
started on time, how far services ran over their slot; for the period, per service, per desk and
per day.

A visit is due at its booked time, or at the citizen's arrival if that was later; a walk-in (booked
at the desk) is due at its arrival. The wait runs from that moment to the start at the desk, and
counts as none ("attesa zero") within `zero_wait_minutes`. Where no arrival was recorded, a booked
visit is due at its booked time (the wait is then never shorter than the true one, unless the
citizen came late), and a walk-in when the operator booked it, or at the time it was given if
later. Only visits the citizen came to and the desk started are measured; walk-ins apart, since
their wait says nothing about the timetable.

Also: the delay of each start against the booked time (early is negative), and the visits that
ran at least a minute past the length of their slot, and by how much. Distributions are kept as
counts of whole minutes, so that a year of visits costs a few thousand counters, not a list of
every value, and the visits can be read in chunks.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple
from zoneinfo import ZoneInfo

from bot.model import ATTENDED, Channel, local_datetime, to_ts


class VisitTimes(NamedTuple):
    """One visit as the period's figures see it (instants in Unix seconds)."""

    service: str
    desk: str
    channel: str
    status: str
    booked: int
    """The start of the booked time."""
    booked_end: int
    created: int
    arrived: int | None
    started: int | None
    ended: int | None

    @property
    def walk_in(self) -> bool:
        return self.channel == Channel.DESK

    @property
    def due(self) -> int:
        return due(self.channel, self.booked, self.created, self.arrived)


def due(channel: str, booked: int, created: int, arrived: int | None) -> int:
    """The moment from which the citizen waits (see the module's docstring)."""
    if channel == Channel.DESK:
        return arrived if arrived is not None else max(created, booked)
    return booked if arrived is None else max(booked, arrived)


def waited(channel: str, booked: int, created: int, arrived: int | None,
           started: int | None) -> int | None:
    """Seconds from the moment due to the start at the desk; None if it has not started."""
    if started is None:
        return None
    return max(0, started - due(channel, booked, created, arrived))


def minutes(seconds: int) -> int:
    """Whole minutes, half a minute rounded up (also below zero: -90 s is -1)."""
    return (seconds + 30) // 60


class Distribution:
    """Whole minutes, counted: median and percentiles without keeping every value."""

    __slots__ = ("_counts", "count")

    def __init__(self) -> None:
        self._counts: Counter[int] = Counter()
        self.count = 0

    def add(self, value: int) -> None:
        self._counts[value] += 1
        self.count += 1

    def _at(self, rank: int) -> int:
        """The value at this 1-based rank, ascending."""
        seen = 0
        for value in sorted(self._counts):
            seen += self._counts[value]
            if seen >= rank:
                return value
        raise IndexError(rank)

    def spread(self) -> Spread:
        """The median (halfway between the two middle values, for an even count) and the 90th
        percentile (nearest rank), as bot/stats.py computes them from a list."""
        n = self.count
        if not n:
            return Spread(0, None, None)
        median = (self._at((n + 1) // 2) + self._at(n // 2 + 1)) / 2
        return Spread(n, median, self._at(max(1, math.ceil(0.9 * n))))


@dataclass(frozen=True, slots=True)
class Spread:
    count: int
    median: float | None
    p90: float | None
    """Minutes."""


@dataclass(frozen=True, slots=True)
class Punctuality:
    """The waiting figures of a group of visits (the period, a service, a desk)."""

    waits: Spread
    """Booked visits (not walk-ins) the desk started."""
    zero_waits: int
    """Of `waits`, those that waited at most the "attesa zero" minutes."""
    walk_ins: Spread
    walk_in_zero_waits: int
    delays: Spread
    """Starts against the booked time, booked visits; early is negative."""
    late: int
    """Of `delays`, the starts more than the "attesa zero" minutes after the booked time."""
    timed: int
    """Visits with a start and an end."""
    overruns: Spread
    """Of `timed`, the visits that ran a minute or more past their slot: by how much."""

    @property
    def zero_wait_share(self) -> float | None:
        return _share(self.zero_waits, self.waits.count)

    @property
    def walk_in_zero_wait_share(self) -> float | None:
        return _share(self.walk_in_zero_waits, self.walk_ins.count)

    @property
    def late_share(self) -> float | None:
        return _share(self.late, self.delays.count)

    @property
    def overrun_share(self) -> float | None:
        return _share(self.overruns.count, self.timed)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True, slots=True)
class Waiting:
    zero_wait_minutes: int
    period: Punctuality
    services: Mapping[str, Punctuality]
    desks: Mapping[str, Punctuality]
    days: Sequence[tuple[date, Spread]]
    """Each day of the period with the waits of its booked visits."""


class _Running:
    """The counters behind one `Punctuality`."""

    __slots__ = ("delays", "late", "overruns", "timed", "waits", "walk_in_zero_waits",
                 "walk_ins", "zero_waits")

    def __init__(self) -> None:
        self.waits, self.walk_ins = Distribution(), Distribution()
        self.delays, self.overruns = Distribution(), Distribution()
        self.zero_waits = self.walk_in_zero_waits = self.late = self.timed = 0

    def add(self, visit: VisitTimes, started: int, wait: int, zero: int) -> None:
        if visit.walk_in:
            self.walk_ins.add(minutes(wait))
            self.walk_in_zero_waits += wait <= zero
        else:
            self.waits.add(minutes(wait))
            self.zero_waits += wait <= zero
            self.delays.add(minutes(started - visit.booked))
            self.late += started - visit.booked > zero
        if visit.ended is not None:
            self.timed += 1
            over = (visit.ended - started) - (visit.booked_end - visit.booked)
            if over >= 60:
                self.overruns.add(minutes(over))

    def result(self) -> Punctuality:
        return Punctuality(self.waits.spread(), self.zero_waits, self.walk_ins.spread(),
                           self.walk_in_zero_waits, self.delays.spread(), self.late, self.timed,
                           self.overruns.spread())


def midnights(days: Sequence[date], tz: ZoneInfo) -> list[int]:
    """The instant each of `days` begins in `tz`: bisect an instant in it to find its day."""
    return [to_ts(local_datetime(day, 0, tz)) for day in days]


class WaitTally:
    """Fed the period's visits in any order and in any number of chunks."""

    def __init__(self, days: Sequence[date], tz: ZoneInfo, zero_wait_minutes: int) -> None:
        self._days = list(days)
        self._midnights = midnights(self._days, tz)
        self._zero_minutes = zero_wait_minutes
        self._zero = zero_wait_minutes * 60
        self._period = _Running()
        self._services: dict[str, _Running] = {}
        self._desks: dict[str, _Running] = {}
        self._daily = [Distribution() for _ in self._days]

    def add(self, visits: Iterable[VisitTimes]) -> None:
        for visit in visits:
            started = visit.started
            if started is None or visit.status not in ATTENDED:
                continue
            wait = max(0, started - visit.due)
            for group in (self._period, _group(self._services, visit.service),
                          _group(self._desks, visit.desk)):
                group.add(visit, started, wait, self._zero)
            if not visit.walk_in:
                day = bisect.bisect_right(self._midnights, visit.booked) - 1
                self._daily[day].add(minutes(wait))

    def result(self) -> Waiting:
        return Waiting(
            zero_wait_minutes=self._zero_minutes, period=self._period.result(),
            services={code: item.result() for code, item in sorted(self._services.items())},
            desks={code: item.result() for code, item in sorted(self._desks.items())},
            days=[(day, item.spread()) for day, item in zip(self._days, self._daily,
                                                             strict=True)],
        )


def _group(groups: dict[str, _Running], key: str) -> _Running:
    found = groups.get(key)
    if found is None:
        found = groups[key] = _Running()
    return found
