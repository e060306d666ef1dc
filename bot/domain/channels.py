"""How citizens booked (pure): the period's visits by channel, the share booked online, and its
trend week by week (month by month over a longer period) against the office's target.

A visit here is a booking not cancelled whose appointment falls in the period and that was not a
no-show: the citizens who came, or whose visit was never marked. Online means booked by the
citizen, in the chat or by taking up a waiting-list offer (`ONLINE`). The trend is the slope of the
online share across the weeks or months, each weighed by its visits (least squares), so that a
stub week at either end of the period counts for what it holds.
"""

from __future__ import annotations

import bisect
import enum
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.domain.booking import ONLINE, Channel, Status
from bot.domain.waiting import VisitTimes, midnights

WEEKS_UP_TO = 92
"""Days: a longer period is followed month by month."""


class Unit(enum.StrEnum):
    WEEK = "week"
    MONTH = "month"


def unit_for(first: date, last: date) -> Unit:
    return Unit.WEEK if (last - first).days + 1 <= WEEKS_UP_TO else Unit.MONTH


def stretches(first: date, last: date) -> list[date]:
    """The first day, within [first, last], of each week (from Monday) or month it touches."""
    unit = unit_for(first, last)
    starts, day = [first], first
    while True:
        if unit is Unit.WEEK:
            day = day + timedelta(days=7 - day.weekday())
        else:
            day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        if day > last:
            return starts
        starts.append(day)


@dataclass(frozen=True, slots=True)
class ChannelCount:
    first: date
    """The first day counted: of the period, or of a week or month in it."""
    visits: Mapping[Channel, int]

    @property
    def total(self) -> int:
        return sum(self.visits.values())

    @property
    def online(self) -> int:
        return sum(self.visits[channel] for channel in ONLINE)

    @property
    def online_share(self) -> float | None:
        total = self.total
        return self.online / total if total else None


@dataclass(frozen=True, slots=True)
class Channels:
    period: ChannelCount
    unit: Unit
    trend: Sequence[ChannelCount]
    slope: float | None
    """Change of the online share per week or month (0.02: two points more each week); None
    with fewer than two weeks or months holding visits."""
    target: float | None


class ChannelTally:
    """Fed the period's visits in any order and in any number of chunks."""

    def __init__(self, first: date, last: date, tz: ZoneInfo, target: float | None) -> None:
        self._first, self._unit, self._target = first, unit_for(first, last), target
        self._starts = stretches(first, last)
        self._bounds = midnights(self._starts, tz)
        self._counts: list[Counter[str]] = [Counter() for _ in self._starts]

    def add(self, visits: Iterable[VisitTimes]) -> None:
        for visit in visits:
            if visit.status != Status.NO_SHOW:
                stretch = bisect.bisect_right(self._bounds, visit.booked) - 1
                self._counts[stretch][visit.channel] += 1

    def result(self) -> Channels:
        trend = [_count(start, counts) for start, counts in zip(self._starts, self._counts,
                                                                strict=True)]
        whole: Counter[str] = sum(self._counts, Counter())
        return Channels(_count(self._first, whole), self._unit, trend, slope(trend), self._target)


def _count(first: date, counts: Counter[str]) -> ChannelCount:
    return ChannelCount(first, {channel: counts[channel] for channel in Channel})


def slope(trend: Sequence[ChannelCount]) -> float | None:
    """Weighted least squares of the online share against the stretch's position."""
    points = [(x, item.online / item.total, item.total) for x, item in enumerate(trend)
              if item.total]
    if len(points) < 2:
        return None
    weight = sum(w for _, _, w in points)
    mean_x = sum(x * w for x, _, w in points) / weight
    mean_y = sum(y * w for _, y, w in points) / weight
    spread = sum(w * (x - mean_x) ** 2 for x, _, w in points)
    return sum(w * (x - mean_x) * (y - mean_y) for x, y, w in points) / spread
