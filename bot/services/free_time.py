"""Free days and times of one service, read once from the database and asked many questions:
the one way every flow (citizen, operator) reads what the availability rules need."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.domain import availability
from bot.domain.availability import DayState, Window
from bot.domain.booking import Busy, Slot
from bot.domain.model import Closure, Office, Service, local_datetime, to_ts
from bot.domain.walk_in import counter_now, counter_office
from bot.services.scope import Scope
from storage import holds
from storage.engine import Connection
from storage.free_time import taken


@dataclass(frozen=True)
class Calendar:
    office: Office
    service: Service
    busy: list[Busy]
    closures: list[Closure]
    now: datetime

    @property
    def window(self) -> Window:
        return availability.booking_window(self.office, self.now)

    def states(self, days: list[date]) -> dict[date, DayState]:
        return availability.day_states(self.office, self.service, days, self.busy, self.closures,
                                       self.now)

    def slots(self, day: date) -> list[Slot]:
        return availability.free_slots(self.office, self.service, day, self.busy, self.closures,
                                       self.now)

    def desks_at(self, start: datetime) -> list[str]:
        return availability.desks_free_at(self.office, self.service, start, self.busy,
                                          self.closures, self.now)

    def closure(self, day: date) -> str | None:
        return availability.service_closure(self.office, self.service, self.closures, day)

    def first_free(self, since: date, count: int = 1) -> list[Slot]:
        """The earliest free times from `since` on, across days."""
        found: list[Slot] = []
        days = [d for d in self.window.days() if d >= since]
        for day, state in availability.iter_day_states(self.office, self.service, days,
                                                       self.busy, self.closures, self.now):
            if state is DayState.FREE:
                found += self.slots(day)[: count - len(found)]
            if len(found) >= count:
                break
        return found


async def load(deps: Scope, service: Service, first: date, last: date,
               owner: int | None = None, *, at_counter: bool = False) -> Calendar:
    """Bookings, others' live holds and run-time closures from `first` to `last`, in one read.
    `at_counter`: by the rules an operator books by (bot/domain/walk_in.py)."""
    office, now = deps.office, deps.clock.now()
    if at_counter:
        office, now = counter_office(office), counter_now(office, now)
    start = to_ts(local_datetime(first, 0, office.tz))
    end = to_ts(local_datetime(last + timedelta(days=1), 0, office.tz))
    busy, closed = await deps.db.read(taken, service.desks, start, end, to_ts(now), first, owner)
    return Calendar(office, service, busy, closed, now)


async def load_window(deps: Scope, service: Service, owner: int | None) -> Calendar:
    window = availability.booking_window(deps.office, deps.clock.now())
    return await load(deps, service, window.first, window.last, owner)


def on_days(conn: Connection, office: Office, service: Service, first: date, last: date,
            now: datetime, owner: int | None) -> Calendar:
    """The free times from `first` to `last`, read in the caller's transaction."""
    busy, closed = taken(conn, service.desks, to_ts(local_datetime(first, 0, office.tz)),
                         to_ts(local_datetime(last + timedelta(days=1), 0, office.tz)),
                         to_ts(now), first, owner)
    return Calendar(office, service, busy, closed, now)


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
