"""Pure booking rules: which times a service can be booked at, and which days have one.

Inputs are plain values (the office, closures, taken stretches of desk time, the current
instant); nothing here does I/O. All instants are compared as Unix seconds, so daylight-saving
changes need no special case: a desk's interval is converted to real instants once, from the
local wall clock of that day.
"""

from __future__ import annotations

import bisect
import enum
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.domain.booking import Busy, Slot
from bot.domain.model import Closure, Office, Service, from_ts, local_datetime, to_ts


class DayState(enum.StrEnum):
    FREE = "free"
    FULL = "full"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Window:
    """The days a citizen may book now: from today to today + horizon, office time."""

    first: date
    last: date
    earliest: int
    """No start before this instant (now + minimum notice), Unix seconds."""

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def __contains__(self, day: date) -> bool:
        return self.first <= day <= self.last


def booking_window(office: Office, now: datetime) -> Window:
    rules = office.rules
    today = now.astimezone(office.tz).date()
    return Window(
        first=today,
        last=today + timedelta(days=rules.horizon_days),
        earliest=to_ts(now) + rules.min_notice_minutes * 60,
    )


def closure_reason(office: Office, closures: Iterable[Closure], day: date,
                   desk: str | None = None, lang: str | None = None) -> str | None:
    """Why the office (or `desk`) is closed on `day` ("" when no reason was given), or None when
    it is open; a holiday is named in `lang`."""
    if day in office.holidays:
        return office.holiday(day, lang)
    for closure in (*office.closures, *closures):
        if closure.covers(day, desk):
            return closure.reason
    return None


def service_closure(office: Office, service: Service, closures: Iterable[Closure],
                    day: date) -> str | None:
    """Why every desk of `service` is closed on `day` ("" without a reason), or None when one
    of them is open."""
    reasons = [closure_reason(office, closures, day, desk) for desk in service.desks]
    if not reasons or None in reasons:
        return None
    return next((reason for reason in reasons if reason), "")


class _Taken:
    """Taken stretches per desk, merged and sorted, answering "is [start, end) free?"."""

    def __init__(self, busy: Iterable[Busy]) -> None:
        per_desk: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for item in busy:
            per_desk[item.desk].append((item.start, item.end))
        self._starts: dict[str, list[int]] = {}
        self._ends: dict[str, list[int]] = {}
        for desk, spans in per_desk.items():
            spans.sort()
            merged: list[list[int]] = []
            for start, end in spans:
                if merged and start <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], end)
                else:
                    merged.append([start, end])
            self._starts[desk] = [s for s, _ in merged]
            self._ends[desk] = [e for _, e in merged]

    def is_free(self, desk: str, start: int, end: int) -> bool:
        starts = self._starts.get(desk)
        if not starts:
            return True
        # the last merged stretch starting before `end` is the only one that can overlap
        index = bisect.bisect_left(starts, end) - 1
        return index < 0 or self._ends[desk][index] <= start


def _desk_slots(office: Office, service: Service, day: date, closures: Sequence[Closure],
                taken: _Taken, earliest: int) -> Iterable[tuple[int, str]]:
    """Every free (start, desk) of `day`, desk by desk, each desk's in time order."""
    step, length = office.rules.slot_step_minutes * 60, service.duration * 60
    for code in service.desks:
        desk = office.desks[code]
        if closure_reason(office, closures, day, code) is not None:
            continue
        for interval in desk.hours_on(day):
            opens = to_ts(local_datetime(day, interval.start, office.tz))
            closes = to_ts(local_datetime(day, interval.end, office.tz))
            start = opens
            if start < earliest:
                start += -(-(earliest - start) // step) * step
            while start + length <= closes:
                if taken.is_free(code, start, start + length):
                    yield start, code
                start += step


def free_slots(office: Office, service: Service, day: date, busy: Iterable[Busy],
               closures: Sequence[Closure], now: datetime) -> list[Slot]:
    """The free start times of `day`, each with the first desk free for the whole duration."""
    window = booking_window(office, now)
    if day not in window or closure_reason(office, closures, day) is not None:
        return []
    first_desk: dict[int, str] = {}
    for start, desk in _desk_slots(office, service, day, closures, _Taken(busy), window.earliest):
        first_desk.setdefault(start, desk)
    return [Slot(from_ts(start, office.tz), desk) for start, desk in sorted(first_desk.items())]


def iter_day_states(office: Office, service: Service, days: Iterable[date],
                    busy: Iterable[Busy], closures: Sequence[Closure],
                    now: datetime) -> Iterator[tuple[date, DayState]]:
    """Each day, in order, with its state, worked out only when asked for: the search for the
    first free day stops there."""
    window = booking_window(office, now)
    taken = _Taken(busy)
    for day in days:
        if day not in window or closure_reason(office, closures, day) is not None:
            yield day, DayState.CLOSED
            continue
        slots = _desk_slots(office, service, day, closures, taken, window.earliest)
        if next(iter(slots), None) is not None:
            yield day, DayState.FREE
        elif any(office.desks[d].hours_on(day) and closure_reason(office, closures, day, d) is None
                 for d in service.desks):
            yield day, DayState.FULL
        else:
            yield day, DayState.CLOSED


def day_states(office: Office, service: Service, days: Iterable[date], busy: Iterable[Busy],
               closures: Sequence[Closure], now: datetime) -> dict[date, DayState]:
    """For each day: free (at least one time), full, or closed (or outside the window)."""
    return dict(iter_day_states(office, service, days, busy, closures, now))


def desks_free_at(office: Office, service: Service, start: datetime, busy: Iterable[Busy],
                  closures: Sequence[Closure], now: datetime) -> list[str]:
    """The desks at which `service` may be booked at exactly `start`, in preference order.

    Empty when `start` is not an offered time: outside the hours, off the slot grid, closed,
    taken, too soon or past the horizon. Callback data is checked with this before any write.
    """
    day = start.astimezone(office.tz).date()
    window = booking_window(office, now)
    if day not in window or closure_reason(office, closures, day) is not None:
        return []
    wanted = to_ts(start)
    return [desk for at, desk in _desk_slots(office, service, day, closures, _Taken(busy),
                                             window.earliest) if at == wanted]
