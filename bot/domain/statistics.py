"""/stats from the facts of a period (pure): counts, no-show rate, lead time, service times,
and what the period's visits, read one by one (`Tally`), say about waiting (bot/domain/waiting.py),
channels (bot/domain/channels.py) and the suggested durations (bot/domain/replay.py).

The measured service time of a visit is start -> end at the desk (started_ts -> served_ts). Where
at least `MIN_TIMED` visits were timed and the median, rounded up to the slot step, differs from the
configured duration, that is the suggested duration.

The facts are added up by the database a stretch of bookings at a time (storage/stats.py):
counts per day and per status, and how many visits had each lead time and each service time,
never a row per booking, so that a period of 1.7 million bookings takes as little memory as a
day's. Service times are counted to the second, as recorded, so their median and 90th
percentile are exact; lead times to LEAD_STEP, well under the tenth of a day they are shown to.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import TypeVar

from bot.domain.arguments import Period
from bot.domain.booking import ATTENDED, Status
from bot.domain.channels import Channels, ChannelTally
from bot.domain.model import Office, local_datetime, to_ts
from bot.domain.replay import LateStarts, Replays
from bot.domain.waiting import VisitTimes, Waiting, WaitTally

K = TypeVar("K")
MIN_TIMED = 5
LEAD_STEP = 600
"""Seconds: lead times are counted in steps of ten minutes."""
Histogram = Mapping[int, int]
"""How many visits had each value."""


@dataclass(frozen=True, slots=True)
class Facts:
    made: int = 0
    """Bookings created in the period."""
    cancelled: int = 0
    """Bookings cancelled in the period."""
    moved: int = 0
    """Moves made in the period (a booking moved twice counts twice; it is still one booking)."""
    days: Mapping[date, tuple[int, int]] = field(default_factory=dict)
    """Bookings not cancelled whose appointment falls on each day: (visits, no-shows)."""
    statuses: Mapping[str, int] = field(default_factory=dict)
    """Those visits, by status."""
    leads: Histogram = field(default_factory=dict)
    """Those visits by lead time (booking to appointment) in LEAD_STEPs; a walk-in booked after
    its start counts as 0."""
    service_times: Mapping[str, Histogram] = field(default_factory=dict)
    """Those visits timed at the desk, by service, by seconds from start to end."""

    def __add__(self, other: Facts) -> Facts:
        """The facts of two stretches of time that do not overlap (a day may be split between
        them)."""
        total = FactsTotal()
        total.add(self)
        total.add(other)
        return total.result()


class FactsTotal:
    """Facts added up in place, stretch after stretch: adding one costs its own size, not the
    size of the total so far (a year of 400 desks is read in a couple of thousand stretches)."""

    def __init__(self) -> None:
        self.made = self.cancelled = self.moved = 0
        self.days: dict[date, tuple[int, int]] = {}
        self.statuses: dict[str, int] = {}
        self.leads: dict[int, int] = {}
        self.service_times: dict[str, dict[int, int]] = {}

    def add(self, facts: Facts) -> None:
        self.made += facts.made
        self.cancelled += facts.cancelled
        self.moved += facts.moved
        for day, (visits, no_shows) in facts.days.items():
            before = self.days.get(day, (0, 0))
            self.days[day] = (before[0] + visits, before[1] + no_shows)
        _add_to(self.statuses, facts.statuses)
        _add_to(self.leads, facts.leads)
        for code, seconds in facts.service_times.items():
            _add_to(self.service_times.setdefault(code, {}), seconds)

    def result(self) -> Facts:
        return Facts(self.made, self.cancelled, self.moved, dict(self.days), dict(self.statuses),
                     dict(self.leads), {code: dict(seconds)
                                        for code, seconds in self.service_times.items()})


def _add_to(total: dict[K, int], more: Mapping[K, int]) -> None:
    for key, count in more.items():
        total[key] = total.get(key, 0) + count


def day_bounds(period: Period, office: Office) -> list[tuple[date, int, int]]:
    """Each day of `period` with its instants [start, end) in office time, Unix seconds."""
    days = [period.first + timedelta(days=n) for n in range(period.days + 1)]
    midnights = [to_ts(local_datetime(day, 0, office.tz)) for day in days]
    return list(zip(days, midnights, midnights[1:], strict=False))


@dataclass(frozen=True, slots=True)
class ServiceTime:
    service: str
    configured: int
    timed: int
    median: float | None
    p90: float | None
    suggested: int | None
    """Minutes, only where it differs from `configured`."""
    late_starts: LateStarts | None = None
    """With a suggestion: the period replayed with it."""


@dataclass(frozen=True, slots=True)
class DayCount:
    day: date
    visits: int
    no_shows: int


@dataclass(frozen=True, slots=True)
class Stats:
    period: Period
    made: int
    cancelled: int
    moved: int
    visits: int
    served: int
    no_shows: int
    no_show_rate: float | None
    """No-shows among the visits resolved (arrived or no-show)."""
    lead_median: float | None
    lead_p90: float | None
    """Days from booking to visit."""
    days: list[DayCount]
    services: list[ServiceTime]
    waiting: Waiting
    channels: Channels


@dataclass(frozen=True, slots=True)
class Timing:
    """What the period's visits, read one by one, say beyond `Facts`."""

    waiting: Waiting
    channels: Channels
    late_starts: Mapping[str, LateStarts]
    """Per service with a suggested duration."""


class Tally:
    """Fed the period's visits in chunks, in booked order (as the replays need)."""

    def __init__(self, office: Office, period: Period, suggested: Mapping[str, int]) -> None:
        goals = office.goals
        days = [period.first + timedelta(days=n) for n in range(period.days)]
        self._waiting = WaitTally(days, office.tz, goals.zero_wait_minutes)
        self._channels = ChannelTally(period.first, period.last, office.tz,
                                      goals.online_share_target)
        self._replays = Replays(suggested, goals.zero_wait_minutes) if suggested else None
        """Only with a suggestion to replay."""

    def add(self, visits: Sequence[VisitTimes]) -> None:
        self._waiting.add(visits)
        self._channels.add(visits)
        if self._replays is not None:
            self._replays.add(visits)

    def result(self) -> Timing:
        return Timing(self._waiting.result(), self._channels.result(),
                      {} if self._replays is None else self._replays.result())


def percentile(ordered: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of sorted values."""
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _spread(histogram: Histogram, unit: float) -> tuple[float | None, float | None]:
    """Median and 90th percentile (nearest rank) of the values `histogram` counts, times `unit`."""
    total = sum(histogram.values())
    if not total:
        return None, None
    values = sorted(histogram.items())

    def nth(rank: int) -> int:  # 0: the smallest
        seen = 0
        for value, count in values:
            seen += count
            if seen > rank:
                return value
        raise AssertionError("a rank beyond the count")

    middle = (nth((total - 1) // 2) + nth(total // 2)) / 2
    return middle * unit, nth(max(0, math.ceil(0.9 * total) - 1)) * unit


def suggestions(facts: Facts, office: Office) -> dict[str, int]:
    """The suggested duration of each service that has one, in minutes."""
    return {item.service: item.suggested for item in _service_times(facts, office)
            if item.suggested is not None}


def _service_times(facts: Facts, office: Office) -> list[ServiceTime]:
    return [_service_time(office, code, facts.service_times.get(code, {}))
            for code in office.services]


def compute(facts: Facts, office: Office, period: Period, timing: Timing) -> Stats:
    days = [period.first + timedelta(days=n) for n in range(period.days)]
    counts = {status: facts.statuses.get(status, 0) for status in Status}
    resolved = counts[Status.NO_SHOW] + sum(counts[s] for s in ATTENDED)
    lead_median, lead_p90 = _spread(facts.leads, LEAD_STEP / 86400)
    return Stats(
        period=period, made=facts.made, cancelled=facts.cancelled, moved=facts.moved,
        visits=sum(visits for visits, _ in facts.days.values()),
        served=counts[Status.SERVED], no_shows=counts[Status.NO_SHOW],
        no_show_rate=counts[Status.NO_SHOW] / resolved if resolved else None,
        lead_median=lead_median, lead_p90=lead_p90,
        days=[DayCount(day, *facts.days.get(day, (0, 0))) for day in days],
        services=[replace(item, late_starts=timing.late_starts.get(item.service))
                  for item in _service_times(facts, office)],
        waiting=timing.waiting, channels=timing.channels,
    )


def _service_time(office: Office, code: str, seconds: Histogram) -> ServiceTime:
    configured = office.services[code].duration
    median, p90 = _spread(seconds, 1 / 60)
    timed = sum(seconds.values())
    suggested = None
    if median is not None and timed >= MIN_TIMED:
        step = office.rules.slot_step_minutes
        rounded = max(step, math.ceil(median / step) * step)
        suggested = rounded if rounded != configured else None
    return ServiceTime(code, configured, timed, median, p90, suggested)
