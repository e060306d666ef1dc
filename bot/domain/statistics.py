"""/stats from the facts of a period (pure): counts, no-show rate, lead time, service times.

The measured service time of a visit is start -> end at the desk (started_ts -> served_ts). Where
at least `MIN_TIMED` visits were timed and the median, rounded up to the slot step, differs from the
configured duration, that is the suggested duration.

The facts are added up by the database, a few days at a time (bot/services/statistics.py): counts
per day and per status, and how many visits had each lead time and each service time, never a row
per booking, so that a period of 1.7 million bookings takes as little memory as a week's. Service
times are counted to the second, as recorded, so their median and 90th percentile are exact; lead
times to LEAD_STEP, a thirtieth of the tenth of a day they are shown to.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar

from babel.numbers import format_decimal, format_percent

from bot.domain.arguments import Period
from bot.domain.model import Office, Status, local_datetime, to_ts
from bot.i18n import Html, Translator

K = TypeVar("K")
MIN_TIMED = 5
ATTENDED = {Status.CHECKED_IN, Status.IN_SERVICE, Status.SERVED}
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
    days: Mapping[date, tuple[int, int]] = field(default_factory=dict)
    """Bookings not cancelled whose appointment falls on each day: (visits, no-shows)."""
    statuses: Mapping[str, int] = field(default_factory=dict)
    """Those visits, by status."""
    leads: Histogram = field(default_factory=dict)
    """Those visits by lead time, booking to appointment, in LEAD_STEPs."""
    service_times: Mapping[str, Histogram] = field(default_factory=dict)
    """Those visits timed at the desk, by service, by seconds from start to end."""

    def __add__(self, other: Facts) -> Facts:
        """The facts of two stretches of time that do not overlap."""
        return Facts(
            self.made + other.made, self.cancelled + other.cancelled,
            {**self.days, **other.days}, _sum(self.statuses, other.statuses),
            _sum(self.leads, other.leads),
            {code: _sum(self.service_times.get(code, {}), other.service_times.get(code, {}))
             for code in {*self.service_times, *other.service_times}})


def _sum(some: Mapping[K, int], more: Mapping[K, int]) -> dict[K, int]:
    total = dict(some)
    for key, count in more.items():
        total[key] = total.get(key, 0) + count
    return total


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


def _spread(histogram: Histogram, unit: float) -> tuple[float | None, float | None]:
    """Median and 90th percentile (nearest rank) of the values `histogram` counts, times `unit`."""
    total = sum(histogram.values())
    if not total:
        return None, None
    values = sorted(histogram.items())

    def nth(rank: int) -> int:  # 0 the smallest
        seen = 0
        for value, count in values:
            seen += count
            if seen > rank:
                return value
        raise AssertionError("rank beyond the count")

    middle = (nth((total - 1) // 2) + nth(total // 2)) / 2
    return middle * unit, nth(max(0, math.ceil(0.9 * total) - 1)) * unit


def compute(facts: Facts, office: Office, period: Period) -> Stats:
    days = [period.first + timedelta(days=n) for n in range(period.days)]
    counts: Counter[str] = Counter(facts.statuses)
    no_shows = counts[Status.NO_SHOW]
    resolved = no_shows + sum(counts[s] for s in ATTENDED)
    lead_median, lead_p90 = _spread(facts.leads, LEAD_STEP / 86400)
    return Stats(
        period=period, made=facts.made, cancelled=facts.cancelled,
        visits=sum(visits for visits, _ in facts.days.values()),
        served=counts[Status.SERVED], no_shows=no_shows,
        no_show_rate=no_shows / resolved if resolved else None,
        lead_median=lead_median, lead_p90=lead_p90,
        days=[DayCount(day, *facts.days.get(day, (0, 0))) for day in days],
        services=[_service_time(office, code, facts.service_times.get(code, {}))
                  for code in office.services],
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


def render(stats: Stats, office: Office, t: Translator) -> Html:
    def number(value: float) -> str:
        return format_decimal(value, format="#,##0.#", locale=t.lang)

    lines = [
        t.gettext("<b>Statistics from {first} to {last}</b>",
                  first=t.date(stats.period.first), last=t.date(stats.period.last)),
        t.gettext("Bookings made: {made} · cancelled: {cancelled}",
                  made=number(stats.made), cancelled=number(stats.cancelled)),
        t.gettext("Visits booked: {visits} · served: {served} · no-shows: {no_shows}",
                  visits=number(stats.visits), served=number(stats.served),
                  no_shows=number(stats.no_shows)),
    ]
    if stats.no_show_rate is not None:
        lines.append(t.gettext("No-show rate: {rate}",
                               rate=format_percent(stats.no_show_rate, "#,##0.0%",
                                                   locale=t.lang)))
    if stats.lead_median is not None and stats.lead_p90 is not None:
        lines.append(t.gettext("Booked ahead: median {median} days, 90% within {p90} days",
                               median=number(stats.lead_median), p90=number(stats.lead_p90)))
    lines += ["", t.gettext("<b>Service time at the desk</b> (median · 90th percentile · "
                            "configured, minutes)")]
    unmeasured = []
    for item in stats.services:
        name = office.services[item.service].name.get(t.lang)
        if item.median is None or item.p90 is None:
            unmeasured.append(name)
            continue
        line = t.ngettext("{name}: {median} · {p90} · {configured} ({n} visit timed)",
                          "{name}: {median} · {p90} · {configured} ({n} visits timed)",
                          item.timed, name=name, median=number(item.median),
                          p90=number(item.p90), configured=item.configured)
        if item.suggested is not None:
            line += " " + t.gettext("→ suggested: <b>{minutes}</b> (code {code})",
                                    minutes=item.suggested, code=item.service)
        lines.append(line)
    if unmeasured:
        lines.append(t.gettext("Not measured yet: {services}", services="; ".join(unmeasured)))
    return Html("\n".join(lines))
