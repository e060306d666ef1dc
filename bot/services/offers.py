"""The waiting list: freed times offered to those waiting, first come first served.

`offer_free_times` runs after anything that frees desk time (a cancellation, a lifted closure,
an offer declined or let expire) and every minute (a desk opened, an offer expired). For each
place in the queue, oldest first, it looks for the earliest free time of the service on the
citizen's days that was not offered to them before; it holds that time for them for
`office.waitlist_offer_minutes` and queues the offer in the outbox. An offer not taken in time
expires at the next run, and its time goes to the next in the queue.

A citizen joins only when no time is free on the days they can come (`join_unless_free`): a time
free already is theirs to choose at once, never an offer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from bot.domain.availability import booking_window, free_slots, known
from bot.domain.booking import Slot
from bot.domain.model import Closure, Office, Service, local_datetime, to_ts
from bot.domain.notices import WAITLIST_OFFER
from bot.services.free_time import as_asked
from bot.services.scope import Scope
from storage import closures, drafts, holds, outbox, waitlist
from storage.engine import Connection
from storage.occupancy import busy


class _FreeTimes:
    """Free times per service and day, read once per run (until a hold changes them)."""

    def __init__(self, conn: Connection, office: Office, closed: Sequence[Closure],
                 now: datetime) -> None:
        self.conn, self.office, self.closed, self.now = conn, office, closed, now
        self.earliest = now + timedelta(
            minutes=office.rules.min_notice_minutes + office.waitlist_offer_minutes)
        """The citizen may take the offer at its last minute and still book with notice."""
        self._known: dict[tuple[str, date], list[Slot]] = {}

    def on(self, service: Service, day: date) -> list[Slot]:
        key = (service.code, day)
        if key not in self._known:
            tz = self.office.tz
            taken = known(busy(self.conn, service.desks, to_ts(local_datetime(day, 0, tz)),
                               to_ts(local_datetime(day + timedelta(days=1), 0, tz)),
                               to_ts(self.now)))
            self._known[key] = [slot for slot in free_slots(self.office, service, day, taken,
                                                             self.closed, self.now)
                                if slot.start >= self.earliest]
        return self._known[key]

    def forget(self) -> None:
        self._known.clear()


def _hold_first_fit(conn: Connection, office: Office, entry: waitlist.Entry,
                    service: Service, times: _FreeTimes, now: datetime) -> holds.Hold | None:
    window = booking_window(office, now)
    day, last = max(entry.first, window.first), min(entry.last, window.last)
    while day <= last:
        for slot in times.on(service, day):
            start = to_ts(slot.start)
            if waitlist.offered_before(conn, entry.id, start):
                continue
            expires = to_ts(now) + office.waitlist_offer_minutes * 60
            hold = holds.place(conn, entry.user_id, service.code, (slot.desk,), start,
                               start + service.duration * 60, to_ts(now), expires,
                               purpose="offer")
            if hold:
                times.forget()
                return hold
        day += timedelta(days=1)
    return None


SHOWN = 8
"""Free times shown instead of a place in the queue."""


def free_between(conn: Connection, office: Office, service: Service, first: date, last: date,
                 now: datetime, owner: int) -> list[Slot]:
    """The first free times of `service` from `first` to `last`, as /book would show them."""
    cal = as_asked(conn, office, service, now, owner)
    return cal.first_free(first, SHOWN, last)


def join_unless_free(conn: Connection, office: Office, service: Service, user_id: int,
                     first: date, last: date,
                     now: datetime) -> tuple[waitlist.Entry, bool] | list[Slot]:
    """A place in the queue for `service` from `first` to `last` (and the /book conversation
    that asked for it ends), as `waitlist.join`; or, if times are free on those days, those."""
    free = free_between(conn, office, service, first, last, now, user_id)
    if free:
        return free
    drafts.delete(conn, user_id)
    return waitlist.join(conn, user_id, service.code, first, last, to_ts(now))


def make_offers(conn: Connection, office: Office, now: datetime) -> int:
    """Expire what is over, then offer each place the first free time that fits it."""
    now_ts, today = to_ts(now), now.astimezone(office.tz).date()
    waitlist.expire(conn, today, now_ts)
    entries = waitlist.waiting(conn, now_ts)
    if not entries:
        return 0
    times = _FreeTimes(conn, office, closures.active(conn, today), now)
    offered: set[int] = set()
    for entry in entries:
        service = office.services.get(entry.service)
        if service is None or entry.user_id in offered:
            continue
        hold = _hold_first_fit(conn, office, entry, service, times, now)
        if hold is None:
            continue
        made = waitlist.offer(conn, entry, hold, now_ts)
        outbox.enqueue(conn, entry.user_id, WAITLIST_OFFER, now_ts, now_ts, expires=hold.expires,
                       payload={"offer": made.id})
        offered.add(entry.user_id)
    return len(offered)


async def offer_free_times(deps: Scope) -> int:
    """Offer every free time that fits someone waiting; return how many offers were made.

    Called after anything that frees desk time (a cancellation, a lifted closure) and by a
    repeating job.
    """
    made = await deps.db.write(make_offers, deps.office, deps.clock.now())
    deps.nudge()  # the offers, and any notice queued by what freed the time, go out now
    return made
