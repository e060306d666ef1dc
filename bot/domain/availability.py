"""Pure booking rules: which times a service can be booked at, and which days have one.

Inputs are plain values (the office, closures, taken stretches of desk time, the current
instant); nothing here does I/O. All instants are compared as Unix seconds, so daylight-saving
changes need no special case: a desk's interval is converted to real instants once, from the
local wall clock of that day.
"""

from __future__ import annotations

import bisect
import enum
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
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


class Taken:
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


TakenOn = Callable[[Sequence[str], date], Taken]
"""The taken stretches of these desks on that day (at least: more desks or days may answer)."""


def known(busy: Iterable[Busy]) -> TakenOn:
    """Taken stretches read already: the same answer whichever desks and day are asked."""
    taken = Taken(busy)
    return lambda desks, day: taken


def _open_desks(office: Office, service: Service, day: date,
                closures: Sequence[Closure]) -> Iterator[str]:
    """The desks of `service` with hours on `day`, not closed then, in preference order."""
    return (code for code in service.desks if office.desks[code].hours_on(day)
            and closure_reason(office, closures, day, code) is None)


def _desk_slots(office: Office, service: Service, day: date, desks: Sequence[str],
                taken: Taken, earliest: int) -> Iterator[tuple[int, str]]:
    """Every free (start, desk) of `day` at `desks` (open that day), desk by desk, each desk's
    in time order."""
    step, length = office.rules.slot_step_minutes * 60, service.duration * 60
    for code in desks:
        for interval in office.desks[code].hours_on(day):
            opens = to_ts(local_datetime(day, interval.start, office.tz))
            closes = to_ts(local_datetime(day, interval.end, office.tz))
            start = opens
            if start < earliest:
                start += -(-(earliest - start) // step) * step
            while start + length <= closes:
                if taken.is_free(code, start, start + length):
                    yield start, code
                start += step


def _day_slots(office: Office, service: Service, day: date, taken_on: TakenOn,
               closures: Sequence[Closure], now: datetime) -> Iterator[tuple[int, str]]:
    """`_desk_slots` of every desk open on `day`; none outside the window or on a closed day."""
    window = booking_window(office, now)
    if day not in window or closure_reason(office, closures, day) is not None:
        return iter(())
    desks = list(_open_desks(office, service, day, closures))
    return _desk_slots(office, service, day, desks, taken_on(desks, day), window.earliest)


def free_slots(office: Office, service: Service, day: date, taken_on: TakenOn,
               closures: Sequence[Closure], now: datetime) -> list[Slot]:
    """The free start times of `day`, each with the first desk free for the whole duration."""
    first_desk: dict[int, str] = {}
    for start, desk in _day_slots(office, service, day, taken_on, closures, now):
        first_desk.setdefault(start, desk)
    return [Slot(from_ts(start, office.tz), desk) for start, desk in sorted(first_desk.items())]


def _state(office: Office, service: Service, day: date, desks: Iterator[str],
           taken_on: TakenOn, earliest: int) -> DayState:
    """Free at the first of `desks` (those open on `day`) with a free time, full if none has
    one, closed if there are none. The desks are looked at (and their taken stretches asked
    for) 1, 2, 4, ... at a time: a day that is not full costs a few desks whatever the size of
    the office; a full day, every desk."""
    size, state = 1, DayState.CLOSED
    while chunk := list(itertools.islice(desks, size)):
        if next(_desk_slots(office, service, day, chunk, taken_on(chunk, day), earliest),
                None) is not None:
            return DayState.FREE
        size, state = size * 2, DayState.FULL
    return state


def iter_day_states(office: Office, service: Service, days: Iterable[date],
                    taken_on: TakenOn, closures: Sequence[Closure],
                    now: datetime) -> Iterator[tuple[date, DayState]]:
    """Each day, in order, with its state, worked out only when asked for: the search for the
    first free day stops there."""
    window = booking_window(office, now)
    for day in days:
        if day not in window or closure_reason(office, closures, day) is not None:
            yield day, DayState.CLOSED
        else:
            yield day, _state(office, service, day, _open_desks(office, service, day, closures),
                              taken_on, window.earliest)


def day_states(office: Office, service: Service, days: Iterable[date], taken_on: TakenOn,
               closures: Sequence[Closure], now: datetime) -> dict[date, DayState]:
    """For each day: free (at least one time), full, or closed (or outside the window)."""
    return dict(iter_day_states(office, service, days, taken_on, closures, now))


def desks_free_at(office: Office, service: Service, start: datetime, taken_on: TakenOn,
                  closures: Sequence[Closure], now: datetime) -> list[str]:
    """The desks at which `service` may be booked at exactly `start`, in preference order.

    Empty when `start` is not an offered time: outside the hours, off the slot grid, closed,
    taken, too soon or past the horizon. Callback data is checked with this before any write.
    """
    wanted = to_ts(start)
    return [desk for at, desk in _day_slots(office, service, start.astimezone(office.tz).date(),
                                            taken_on, closures, now) if at == wanted]
