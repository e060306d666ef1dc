"""What a closure does to the bookings it covers (pure): a booking at a closed desk is kept,
at the same time and with the same code, at another desk that handles its service and is open
and free then; only a booking that cannot be kept is cancelled. And which of a closure's days
are closed already (a holiday, a closure, no opening hours), so that they are not closed twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.domain.availability import closure_reason
from bot.domain.booking import Booking, Busy
from bot.domain.model import Closure, Office, local_datetime, to_ts


@dataclass(frozen=True, slots=True)
class Plan:
    kept: dict[int, str]
    """Booking id -> the desk it moves to."""
    cancelled: list[int]


def _open_at(office: Office, desk: str, day: date, start: int, end: int) -> bool:
    for interval in office.desks[desk].hours_on(day):
        opens = to_ts(local_datetime(day, interval.start, office.tz))
        closes = to_ts(local_datetime(day, interval.end, office.tz))
        if opens <= start and end <= closes:
            return True
    return False


def _free(taken: Sequence[Busy], desk: str, start: int, end: int) -> bool:
    return not any(b.desk == desk and b.start < end and start < b.end for b in taken)


def plan(office: Office, closures: Sequence[Closure], affected: Sequence[Booking],
         busy: Iterable[Busy]) -> Plan:
    """Where each of `affected` (bookings at closed desks, in time order) can be kept, given
    `closures` (the new one included) and the desks' taken stretches `busy`."""
    taken = list(busy)
    kept: dict[int, str] = {}
    cancelled: list[int] = []
    for visit in affected:
        service = office.services.get(visit.service)
        day = visit.start.astimezone(office.tz).date()
        start, end = to_ts(visit.start), to_ts(visit.end)
        found = next((desk for desk in (service.desks if service else ())
                      if desk != visit.desk and desk in office.desks
                      and closure_reason(office, closures, day, desk) is None
                      and _open_at(office, desk, day, start, end)
                      and _free(taken, desk, start, end)), None)
        if found is None:
            cancelled.append(visit.id)
        else:
            kept[visit.id] = found
            taken.append(Busy(found, start, end))
    return Plan(kept, cancelled)


def closed_already(office: Office, closures: Sequence[Closure], first: date, last: date,
                   desk: str | None, lang: str | None = None) -> dict[date, str]:
    """The days of [first, last] on which `desk` (or the whole office) is closed already, and
    why ("" for no reason; `None` never: a day without opening hours says so with "")."""
    found: dict[date, str] = {}
    desks = [desk] if desk else list(office.desks)
    day = first
    while day <= last:
        reason = closure_reason(office, closures, day, desk, lang)
        if reason is not None:
            found[day] = reason
        elif not any(office.desks[d].hours_on(day) for d in desks if d in office.desks):
            found[day] = ""
        day += timedelta(days=1)
    return found
