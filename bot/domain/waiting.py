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
from datetime import date, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from bot.domain.booking import ATTENDED, Booking, Channel
from bot.domain.model import local_datetime, to_ts

WALK_IN = Channel.DESK
ATTENDED_STATUSES = frozenset(ATTENDED)


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


def due(channel: str, booked: int, created: int, arrived: int | None) -> int:
    """The moment from which the citizen waits (see the module's docstring); `channel` is the
    booking's (`Channel`, a `str`)."""
    if channel == WALK_IN:
        if arrived is not None:
            return arrived
        return created if created > booked else booked
    return arrived if arrived is not None and arrived > booked else booked


def waited(channel: str, booked: int, created: int, arrived: int | None,
           started: int | None) -> int | None:
    """Seconds from the moment due to the start at the desk; None if it has not started."""
    if started is None:
        return None
    return max(0, started - due(channel, booked, created, arrived))


def due_at(visit: Booking) -> datetime | None:
    """When `visit` became due (see the module's docstring), once the citizen has arrived or the
    desk has started; None for someone not (yet) come: late, not waiting."""
    if visit.checked_in is None and visit.started is None:
        return None
    arrived = None if visit.checked_in is None else to_ts(visit.checked_in)
    moment = due(visit.channel, to_ts(visit.start), to_ts(visit.created), arrived)
    return datetime.fromtimestamp(moment, visit.start.tzinfo)


def minutes_waited(visit: Booking) -> int | None:
    """One booking's wait as the figures count it, in whole minutes; None until started."""
    since = due_at(visit)
    if visit.started is None or since is None:
        return None
    return minutes(max(0, to_ts(visit.started) - to_ts(since)))


def minutes(seconds: int) -> int:
    """Whole minutes, half a minute rounded up (also below zero: -90 s is -1)."""
    return (seconds + 30) // 60


def spread(counts: Counter[int]) -> Spread:
    """From whole minutes counted: the median (halfway between the two middle values, for an
    even count) and the 90th percentile (nearest rank), as bot/domain/statistics.py does from a
    list."""
    n = counts.total()
    if not n:
        return Spread(0, None, None)
    ordered = sorted(counts.items())

    def at(rank: int) -> int:
        seen = 0
        for value, count in ordered:
            seen += count
            if seen >= rank:
                return value
        raise IndexError(rank)

    return Spread(n, (at((n + 1) // 2) + at(n // 2 + 1)) / 2, at(max(1, math.ceil(0.9 * n))))


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
    """The counters behind one `Punctuality`: minutes counted, not listed."""

    __slots__ = ("delays", "late", "overruns", "timed", "waits", "walk_in_zero_waits",
                 "walk_ins", "zero_waits")

    def __init__(self) -> None:
        self.waits: Counter[int] = Counter()
        self.walk_ins: Counter[int] = Counter()
        self.delays: Counter[int] = Counter()
        self.overruns: Counter[int] = Counter()
        self.zero_waits = self.walk_in_zero_waits = self.late = self.timed = 0

    @classmethod
    def merged(cls, parts: Iterable[_Running]) -> Punctuality:
        whole = cls()
        for part in parts:
            whole.waits.update(part.waits)
            whole.walk_ins.update(part.walk_ins)
            whole.delays.update(part.delays)
            whole.overruns.update(part.overruns)
            whole.zero_waits += part.zero_waits
            whole.walk_in_zero_waits += part.walk_in_zero_waits
            whole.late += part.late
            whole.timed += part.timed
        return Punctuality(spread(whole.waits), whole.zero_waits, spread(whole.walk_ins),
                           whole.walk_in_zero_waits, spread(whole.delays), whole.late,
                           whole.timed, spread(whole.overruns))


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
        self._groups: dict[tuple[str, str], _Running] = {}
        """Per service and desk: the period, each service and each desk are merged from them."""
        self._daily: list[Counter[int]] = [Counter() for _ in self._days]

    def add(self, visits: Iterable[VisitTimes]) -> None:
        """A year is 100,000 visits: one pass, fields unpacked, counters bumped in place."""
        zero, groups, daily, bounds = self._zero, self._groups, self._daily, self._midnights
        for (service, desk, channel, status, booked, booked_end, created, arrived, started,
             ended) in visits:
            if started is None or status not in ATTENDED_STATUSES:
                continue
            group = groups.get((service, desk)) or groups.setdefault((service, desk), _Running())
            wait = started - due(channel, booked, created, arrived)
            waited_minutes = minutes(wait if wait > 0 else 0)
            if channel == WALK_IN:
                group.walk_ins[waited_minutes] += 1
                group.walk_in_zero_waits += wait <= zero
            else:
                delay = started - booked
                group.waits[waited_minutes] += 1
                group.zero_waits += wait <= zero
                group.delays[minutes(delay)] += 1
                group.late += delay > zero
                daily[bisect.bisect_right(bounds, booked) - 1][waited_minutes] += 1
            if ended is not None:
                group.timed += 1
                over = (ended - started) - (booked_end - booked)
                if over >= 60:
                    group.overruns[minutes(over)] += 1

    def result(self) -> Waiting:
        services: dict[str, list[_Running]] = {}
        desks: dict[str, list[_Running]] = {}
        for (service, desk), group in sorted(self._groups.items()):
            services.setdefault(service, []).append(group)
            desks.setdefault(desk, []).append(group)
        return Waiting(
            zero_wait_minutes=self._zero_minutes, period=_Running.merged(self._groups.values()),
            services={code: _Running.merged(parts) for code, parts in sorted(services.items())},
            desks={code: _Running.merged(parts) for code, parts in sorted(desks.items())},
            days=[(day, spread(counts)) for day, counts in zip(self._days, self._daily,
                                                                strict=True)],
        )

