"""What the office does to bookings, each audited in the same transaction: cancel one booking,
close days (keeping the bookings they cover at another desk where one can take them, cancelling
the rest), lift a closure.

A cancellation drops the booking's pending reminders and queues, for a citizen who booked on
Telegram, the notice (outbox kind `booking_cancelled`, payload {"reason": ..., "by": "operator" or
"closure"}) and the cancelling .ics after it (`calendar_cancel`), due at once, pointless after the
appointment's start (`tell_cancelled`, also for confirm-or-lose).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.domain.booking import Booking
from bot.domain.closing import Plan, plan
from bot.domain.model import Closure, Office, to_ts
from bot.domain.notices import BOOKING_CANCELLED, CALENDAR_CANCEL
from storage import audit, bookings, closures, outbox
from storage.agenda import cancellable, relocate
from storage.engine import Connection
from storage.occupancy import busy


def cancel(conn: Connection, booking_id: int, now: int, *, actor: int, by: str,
           reason: str) -> Booking | None:
    """None when the booking is no longer 'booked' (served, already cancelled, ...)."""
    cancelled = bookings.cancel(conn, booking_id, now, by=by, reason=reason)
    if cancelled is None:
        return None
    audit.record(conn, now, actor, "cancel", booking_id, reason)
    tell_cancelled(conn, cancelled, now, reason=reason, by=by)
    return cancelled


def tell_cancelled(conn: Connection, cancelled: Booking, now: int, *, reason: str,
                   by: str) -> None:
    """Queue, for a booking made on Telegram that the office or confirm-or-lose cancelled, the
    notice and then the .ics that removes it from the citizen's calendar: two rows, in order."""
    if cancelled.user_id is None:
        return
    for kind, payload in ((BOOKING_CANCELLED, {"reason": reason, "by": by}),
                          (CALENDAR_CANCEL, {"sequence": bookings.moves(conn, cancelled.id) + 1,
                                             "stamp": now})):
        outbox.enqueue(conn, cancelled.user_id, kind, now, now, booking_id=cancelled.id,
                       expires=to_ts(cancelled.start), payload=payload)


@dataclass(frozen=True, slots=True)
class Closed:
    closure: Closure
    kept: list[Booking]
    """Moved to another desk, same time and code (as they are now, at their new desk)."""
    cancelled: list[Booking]


def closing_plan(conn: Connection, office: Office, closure: Closure, *, start: int,
                 end: int, now: int) -> tuple[list[Booking], Plan]:
    """The bookings still to come that `closure` (instants [start, end)) covers, and which of
    them another desk can keep; `closure` may not be saved yet (a preview)."""
    affected = cancellable(conn, start, end, closure.desk, now)
    if closure.desk is None or not affected:
        return affected, Plan({}, [visit.id for visit in affected])
    in_force = [*closures.active(conn, closure.first), *([closure] if closure.id is None else [])]
    taken = busy(conn, list(office.desks), start, end, now)
    return affected, plan(office, in_force, affected, taken)


def close(conn: Connection, office: Office, first: date, last: date, desk: str | None,
          reason: str, *, start: int, end: int, actor: int, now: int) -> Closed:
    """Close [first, last] (instants [start, end)): each booking still to come there is kept at
    another desk where one can take it, and cancelled (the citizen told) where none can."""
    closure = closures.add(conn, first, last, desk, reason, actor, now)
    audit.record(conn, now, actor, "close",
                 detail=f"{closure.id} {first.isoformat()}..{last.isoformat()} {desk or '*'}")
    affected, planned = closing_plan(conn, office, closure, start=start, end=end, now=now)
    kept = []
    for booking_id, new_desk in planned.kept.items():
        moved = relocate(conn, booking_id, new_desk)
        if moved is not None:
            audit.record(conn, now, actor, "relocate", booking_id, new_desk)
            kept.append(moved)
    cancelled = [visit for visit in affected if visit.id in planned.cancelled
                 and cancel(conn, visit.id, now, actor=actor, by="closure", reason=reason)]
    return Closed(closure, kept, cancelled)


def reopen(conn: Connection, closure_id: int, *, actor: int, now: int) -> Closure | None:
    lifted = closures.lift(conn, closure_id, actor, now)
    if lifted is not None:
        audit.record(conn, now, actor, "reopen", detail=str(closure_id))
    return lifted
