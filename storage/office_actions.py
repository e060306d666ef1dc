"""What the office does to bookings, each audited in the same transaction: book on a citizen's
behalf, cancel one booking, close days (cancelling the bookings they cover), lift a closure.

A cancellation drops the booking's pending reminders and queues one notice for a citizen who
booked on Telegram: outbox kind `booking_cancelled`, payload {"reason": ..., "by": "operator" or
"closure"}, due at once, pointless after the appointment's start.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from bot.model import Booking, Channel, Closure, to_ts
from bot.visit import Visit
from storage import audit, bookings, closures, outbox
from storage.agenda import cancellable
from storage.bookings import Booked, Refusal, Request

NOTICE = "booking_cancelled"


def book(conn: sqlite3.Connection, request: Request, now: int) -> Booked | Refusal:
    """A booking by an operator (`request.created_by`) for a citizen on the phone or present."""
    assert request.created_by is not None
    assert request.channel in (Channel.PHONE, Channel.DESK), request.channel
    booked = bookings.book(conn, request, now)
    if isinstance(booked, Booked):
        audit.record(conn, now, request.created_by, "add", booked.id)
    return booked


def cancel(conn: sqlite3.Connection, booking_id: int, now: int, *, actor: int, by: str,
           reason: str) -> Booking | None:
    """None when the booking is no longer 'booked' (served, already cancelled, ...)."""
    cancelled = bookings.cancel(conn, booking_id, now, by=by, reason=reason)
    if cancelled is None:
        return None
    audit.record(conn, now, actor, "cancel", booking_id, reason)
    if cancelled.user_id is not None:
        outbox.enqueue(conn, cancelled.user_id, NOTICE, now, now, booking_id=booking_id,
                       expires=to_ts(cancelled.start), payload={"reason": reason, "by": by})
    return cancelled


def close(conn: sqlite3.Connection, first: date, last: date, desk: str | None, reason: str,
          *, start: int, end: int, actor: int, now: int) -> tuple[Closure, list[Visit]]:
    """Close [first, last] (instants [start, end)) and cancel the bookings still to come there;
    return the closure and what was cancelled."""
    closure = closures.add(conn, first, last, desk, reason, actor, now)
    audit.record(conn, now, actor, "close",
                 detail=f"{closure.id} {first.isoformat()}..{last.isoformat()} {desk or '*'}")
    return closure, [visit for visit in cancellable(conn, start, end, desk, now)
                     if cancel(conn, visit.id, now, actor=actor, by="closure", reason=reason)]


def reopen(conn: sqlite3.Connection, closure_id: int, *, actor: int, now: int) -> Closure | None:
    lifted = closures.lift(conn, closure_id, actor, now)
    if lifted is not None:
        audit.record(conn, now, actor, "reopen", detail=str(closure_id))
    return lifted
