"""/stats from the facts of a period (pure): counts, no-show rate, lead time, service times,
and what the period's visits, read one by one (`Tally`), say about waiting (bot/domain/waiting.py),
channels (bot/domain/channels.py) and the suggested durations (bot/domain/replay.py).

The measured service time of a visit is start -> end at the desk (started_ts -> served_ts). Where
at least `MIN_TIMED` visits were timed and the median, rounded up to the slot step, differs from the
configured duration, that is the suggested duration.
"""

from __future__ import annotations

import bisect
import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from bot.domain.arguments import Period
from bot.domain.channels import Channels, ChannelTally
from bot.domain.model import ATTENDED, Office, Status, local_datetime, to_ts
from bot.domain.replay import LateStarts, Replays
from bot.domain.waiting import VisitTimes, Waiting, WaitTally

VisitRow = tuple[str, str, int, int, int | None, int | None]
"""service, status, start, created, started, served (Unix seconds)."""
MIN_TIMED = 5


@dataclass(frozen=True, slots=True)
class Facts:
    made: int
    """Bookings created in the period."""
    cancelled: int
    """Bookings cancelled in the period."""
    visits: Sequence[VisitRow]
    """Bookings not cancelled whose appointment falls in the period."""
    moved: int = 0
    """Moves made in the period (a booking moved twice counts twice; it is still one booking)."""


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


def _spread(values: list[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    values.sort()
    return statistics.median(values), percentile(values, 0.9)


def suggestions(facts: Facts, office: Office) -> dict[str, int]:
    """The suggested duration of each service that has one, in minutes."""
    return {item.service: item.suggested for item in _service_times(facts, office)
            if item.suggested is not None}


def _service_times(facts: Facts, office: Office) -> list[ServiceTime]:
    timed: dict[str, list[float]] = {code: [] for code in office.services}
    for service, _status, _start, _created, started, served in facts.visits:
        if started is not None and served is not None and service in timed:
            timed[service].append((served - started) / 60)
    return [_service_time(office, code, minutes) for code, minutes in timed.items()]


def compute(facts: Facts, office: Office, period: Period, timing: Timing) -> Stats:
    days = [period.first + timedelta(days=n) for n in range(period.days)]
    midnights = [to_ts(local_datetime(day, 0, office.tz)) for day in days]
    visits, no_shows = [0] * len(days), [0] * len(days)
    leads: list[float] = []
    counts: dict[str, int] = dict.fromkeys(Status, 0)  # a StrEnum member is its string
    for _service, status, start, created, _started, _served in facts.visits:
        index = bisect.bisect_right(midnights, start) - 1
        visits[index] += 1
        counts[status] += 1
        if status == Status.NO_SHOW:
            no_shows[index] += 1
        leads.append(max(0, start - created) / 86400)  # a walk-in may be booked late
    resolved = counts[Status.NO_SHOW] + sum(counts[s] for s in ATTENDED)
    lead_median, lead_p90 = _spread(leads)
    return Stats(
        period=period, made=facts.made, cancelled=facts.cancelled, moved=facts.moved,
        visits=len(facts.visits),
        served=counts[Status.SERVED], no_shows=counts[Status.NO_SHOW],
        no_show_rate=counts[Status.NO_SHOW] / resolved if resolved else None,
        lead_median=lead_median, lead_p90=lead_p90,
        days=[DayCount(day, v, n) for day, v, n in zip(days, visits, no_shows, strict=True)],
        services=[replace(item, late_starts=timing.late_starts.get(item.service))
                  for item in _service_times(facts, office)],
        waiting=timing.waiting, channels=timing.channels,
    )


def _service_time(office: Office, code: str, minutes: list[float]) -> ServiceTime:
    configured = office.services[code].duration
    median, p90 = _spread(minutes)
    suggested = None
    if median is not None and len(minutes) >= MIN_TIMED:
        step = office.rules.slot_step_minutes
        rounded = max(step, math.ceil(median / step) * step)
        suggested = rounded if rounded != configured else None
    return ServiceTime(code, configured, len(minutes), median, p90, suggested)
