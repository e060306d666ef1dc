"""/stats from the facts of a period (pure): counts, no-show rate, lead time, service times.

The measured service time of a visit is start -> end at the desk (started_ts -> served_ts). Where
at least `MIN_TIMED` visits were timed and the median, rounded up to the slot step, differs from the
configured duration, that is the suggested duration.
"""

from __future__ import annotations

import bisect
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.domain.arguments import Period
from bot.domain.model import Office, Status, local_datetime, to_ts

VisitRow = tuple[str, str, int, int, int | None, int | None]
"""service, status, start, created, started, served (Unix seconds)."""
MIN_TIMED = 5
ATTENDED = {Status.CHECKED_IN, Status.IN_SERVICE, Status.SERVED}


@dataclass(frozen=True, slots=True)
class Facts:
    made: int
    """Bookings created in the period."""
    cancelled: int
    """Bookings cancelled in the period."""
    visits: Sequence[VisitRow]
    """Bookings not cancelled whose appointment falls in the period."""


@dataclass(frozen=True, slots=True)
class ServiceTime:
    service: str
    configured: int
    timed: int
    median: float | None
    p90: float | None
    suggested: int | None
    """Minutes, only where it differs from `configured`."""


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


def percentile(ordered: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of sorted values."""
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _spread(values: list[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    values.sort()
    return statistics.median(values), percentile(values, 0.9)


def compute(facts: Facts, office: Office, period: Period) -> Stats:
    days = [period.first + timedelta(days=n) for n in range(period.days)]
    midnights = [to_ts(local_datetime(day, 0, office.tz)) for day in days]
    visits, no_shows = [0] * len(days), [0] * len(days)
    timed: dict[str, list[float]] = {code: [] for code in office.services}
    leads: list[float] = []
    counts: dict[str, int] = dict.fromkeys(Status, 0)  # a StrEnum member is its string
    for service, status, start, created, started, served in facts.visits:
        index = bisect.bisect_right(midnights, start) - 1
        visits[index] += 1
        counts[status] += 1
        if status == Status.NO_SHOW:
            no_shows[index] += 1
        leads.append(max(0, start - created) / 86400)  # a walk-in may be booked late
        if started is not None and served is not None and service in timed:
            timed[service].append((served - started) / 60)
    resolved = counts[Status.NO_SHOW] + sum(counts[s] for s in ATTENDED)
    lead_median, lead_p90 = _spread(leads)
    return Stats(
        period=period, made=facts.made, cancelled=facts.cancelled, visits=len(facts.visits),
        served=counts[Status.SERVED], no_shows=counts[Status.NO_SHOW],
        no_show_rate=counts[Status.NO_SHOW] / resolved if resolved else None,
        lead_median=lead_median, lead_p90=lead_p90,
        days=[DayCount(day, v, n) for day, v, n in zip(days, visits, no_shows, strict=True)],
        services=[_service_time(office, code, minutes) for code, minutes in timed.items()],
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
