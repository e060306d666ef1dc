"""Free days and times of one service: the one way every flow (citizen, operator) reads what the
availability rules need. A day's times are read at once (`load`: every desk's bookings that day);
the days of the window only as the questions need them (`ask`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

from bot.domain import availability
from bot.domain.availability import DayState, Taken, TakenOn, Window, known
from bot.domain.booking import Slot
from bot.domain.model import Closure, Office, Service, local_datetime, to_ts
from bot.domain.walk_in import counter_now, counter_office
from bot.services.scope import Scope
from storage import closures, holds
from storage.engine import Connection
from storage.free_time import taken
from storage.occupancy import busy

T = TypeVar("T")


@dataclass(frozen=True)
class Calendar:
    office: Office
    service: Service
    taken_on: TakenOn
    closures: list[Closure]
    now: datetime

    @property
    def window(self) -> Window:
        return availability.booking_window(self.office, self.now)

    def states(self, days: list[date]) -> dict[date, DayState]:
        return availability.day_states(self.office, self.service, days, self.taken_on,
                                       self.closures, self.now)

    def slots(self, day: date) -> list[Slot]:
        return availability.free_slots(self.office, self.service, day, self.taken_on,
                                       self.closures, self.now)

    def desks_at(self, start: datetime) -> list[str]:
        return availability.desks_free_at(self.office, self.service, start, self.taken_on,
                                          self.closures, self.now)

    def closure(self, day: date) -> str | None:
        return availability.service_closure(self.office, self.service, self.closures, day)

    def first_free(self, since: date, count: int = 1, until: date = date.max) -> list[Slot]:
        """The earliest free times from `since` to `until`, across days."""
        found: list[Slot] = []
        days = [d for d in self.window.days() if since <= d <= until]
        for day, state in availability.iter_day_states(self.office, self.service, days,
                                                       self.taken_on, self.closures, self.now):
            if state is DayState.FREE:
                found += self.slots(day)[: count - len(found)]
            if len(found) >= count:
                break
        return found


def _office_now(deps: Scope, at_counter: bool) -> tuple[Office, datetime]:
    """The office and the time, by the rules an operator books by (bot/domain/walk_in.py) when
    `at_counter`."""
    office, now = deps.office, deps.clock.now()
    return (counter_office(office), counter_now(office, now)) if at_counter else (office, now)


async def load(deps: Scope, service: Service, first: date, last: date,
               owner: int | None = None, *, at_counter: bool = False) -> Calendar:
    """Bookings, others' live holds and run-time closures from `first` to `last`, in one read."""
    office, now = _office_now(deps, at_counter)
    return await deps.db.read(on_days, office, service, first, last, now, owner)


def on_days(conn: Connection, office: Office, service: Service, first: date, last: date,
            now: datetime, owner: int | None) -> Calendar:
    """The free times from `first` to `last`, read in the caller's transaction."""
    found, closed = taken(conn, service.desks, to_ts(local_datetime(first, 0, office.tz)),
                          to_ts(local_datetime(last + timedelta(days=1), 0, office.tz)),
                          to_ts(now), first, owner)
    return Calendar(office, service, known(found), closed, now)


def as_asked(conn: Connection, office: Office, service: Service, now: datetime,
             owner: int | None) -> Calendar:
    """The free times of any day of the window, each desk's day read in the caller's
    transaction only when a question needs it (a month's free days: a few desks a day).

    A day is first asked about one desk, mostly the same desk every day: that desk is read for
    the whole window at once, the first time, so a month of free days is one read of one desk's
    month, not a read a day. More desks are read for the day asked only (a full day)."""
    tz, now_ts = office.tz, to_ts(now)
    window = availability.booking_window(office, now)
    alone: dict[str, Taken] = {}

    def read(desks: Sequence[str], first: date, last: date) -> Taken:
        return Taken(busy(conn, desks, to_ts(local_datetime(first, 0, tz)),
                          to_ts(local_datetime(last + timedelta(days=1), 0, tz)), now_ts, owner))

    def taken_on(desks: Sequence[str], day: date) -> Taken:
        if len(desks) != 1 or day not in window:
            return read(desks, day, day)
        if desks[0] not in alone:
            alone[desks[0]] = read(desks, window.first, window.last)
        return alone[desks[0]]

    today = now.astimezone(tz).date()
    return Calendar(office, service, taken_on, closures.active(conn, today), now)


async def ask(deps: Scope, service: Service, question: Callable[[Calendar], T],
              owner: int | None = None, *, at_counter: bool = False) -> T:
    """`question` answered in one read by a calendar that reads only what it needs: the days'
    states and the first free times of the booking window."""
    office, now = _office_now(deps, at_counter)
    return await deps.db.read(lambda conn: question(as_asked(conn, office, service, now, owner)))


def on_the_day(conn: Connection, office: Office, service: Service, start: datetime,
               now: datetime, owner: int | None) -> Calendar:
    """The free times of `start`'s day, read in the caller's transaction."""
    day = start.astimezone(office.tz).date()
    return on_days(conn, office, service, day, day, now, owner)


def hold(conn: Connection, office: Office, service: Service, owner: int, start: datetime,
         now: datetime) -> holds.Hold | Calendar:
    """Keep `start` for `owner` for the office's hold minutes, at a desk found free in the same
    transaction; when there is none, the day's free times, which say why."""
    cal = on_the_day(conn, office, service, start, now, owner)
    desks = cal.desks_at(start)
    begins, held_from = to_ts(start), to_ts(now)
    held = holds.place(conn, owner, service.code, desks, begins,
                       begins + service.duration * 60, held_from,
                       held_from + office.rules.hold_minutes * 60) if desks else None
    return held or cal
