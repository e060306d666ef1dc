"""Free days and times of one service, read once from the database and asked many questions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.context import Deps
from bot.domain import availability
from bot.domain.availability import DayState, Window
from bot.domain.model import Busy, Closure, Office, Service, Slot, local_datetime, to_ts
from storage import closures, occupancy
from storage.engine import Connection


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


async def load(deps: Deps, service: Service, first: date, last: date,
               owner: int | None) -> Calendar:
    """Bookings, others' live holds and run-time closures from `first` to `last`, in one read."""
    office, now = deps.office, deps.clock.now()
    start = to_ts(local_datetime(first, 0, office.tz))
    end = to_ts(local_datetime(last + timedelta(days=1), 0, office.tz))

    def read(conn: Connection) -> tuple[list[Busy], list[Closure]]:
        return (occupancy.busy(conn, service.desks, start, end, to_ts(now), owner),
                closures.active(conn, first))

    busy, closed = await deps.db.read(read)
    return Calendar(office, service, busy, closed, now)


async def load_window(deps: Deps, service: Service, owner: int | None) -> Calendar:
    window = availability.booking_window(deps.office, deps.clock.now())
    return await load(deps, service, window.first, window.last, owner)
