"""The counter's view of bookings: a day's visits, the next at a desk, a visit's steps."""

from __future__ import annotations

from bot.domain.booking import Booking
from bot.domain.visits import Undo, VisitStep
from storage import audit
from storage.bookings import from_row
from storage.engine import Connection, IntegrityError, savepoint

_OPEN = "('booked', 'checked_in', 'in_service')"
"""Bookings the counter has not finished with."""


def between(conn: Connection, start: int, end: int,
            desk: str | None = None) -> list[Booking]:
    """Bookings starting in [start, end), at `desk` or every desk, in time order; not cancelled."""
    rows = conn.execute(
        "SELECT * FROM bookings WHERE start_ts >= ? AND start_ts < ?"
        " AND status <> 'cancelled' AND (CAST(? AS TEXT) IS NULL OR desk = ?)"
        " ORDER BY start_ts, desk, id",
        (start, end, desk, desk),
    ).fetchall()
    return [from_row(row) for row in rows]


def by_code(conn: Connection, code: str) -> Booking | None:
    row = conn.execute("SELECT * FROM bookings WHERE code = ?", (code,)).fetchone()
    return from_row(row) if row else None


def next_at(conn: Connection, desk: str, start: int, end: int) -> Booking | None:
    """The visit to deal with next at `desk` among those starting in [start, end): the one in
    service, else the earliest not finished."""
    row = conn.execute(
        f"SELECT * FROM bookings WHERE desk = ? AND start_ts >= ? AND start_ts < ?"
        f" AND status IN {_OPEN} ORDER BY status <> 'in_service', start_ts LIMIT 1",
        (desk, start, end),
    ).fetchone()
    return from_row(row) if row else None


def take_step(conn: Connection, booking_id: int, step: VisitStep, actor: int,
              now: int) -> Booking | None:
    """Move the visit on (and audit it), only if it is still in one of the step's sources."""
    sources = ", ".join("?" * len(step.sources))
    row = conn.execute(
        f"UPDATE bookings SET status = ?, {step.column} = ?"
        f" WHERE id = ? AND status IN ({sources}) RETURNING *",
        (step.target, now, booking_id, *step.sources),
    ).fetchone()
    if row is None:
        return None
    audit.record(conn, now, actor, step.target, booking_id)
    return from_row(row)


def relocate(conn: Connection, booking_id: int, desk: str) -> Booking | None:
    """Move a booking still to come to `desk`, same time (the overlap trigger refuses a desk
    that is taken then)."""
    row = conn.execute(
        "UPDATE bookings SET desk = ? WHERE id = ? AND status = 'booked' RETURNING *",
        (desk, booking_id),
    ).fetchone()
    return from_row(row) if row else None


def step_taken_by(conn: Connection, visit: Booking) -> int | None:
    """Who took the step that led the visit to its status, from the audit."""
    row = conn.execute(
        "SELECT actor FROM audit WHERE booking_id = ? AND action = ? ORDER BY id DESC LIMIT 1",
        (visit.id, visit.status),
    ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def undo_step(conn: Connection, booking_id: int, undo: Undo, actor: int,
              now: int) -> Booking | None:
    """Take the last step back (and audit it), only if the visit is still where it led; None
    if not, or if the desk time a no-show freed has been booked since."""
    try:
        with savepoint(conn):
            row = conn.execute(
                f"UPDATE bookings SET status = ?, {undo.column} = NULL WHERE id = ? AND status = ?"
                " RETURNING *",
                (undo.target, booking_id, undo.source),
            ).fetchone()
    except IntegrityError:  # an overlap rule: the freed time was booked since
        return None
    if row is None:
        return None
    audit.record(conn, now, actor, "undo", booking_id, undo.source)
    return from_row(row)


def cancellable(conn: Connection, start: int, end: int, desk: str | None,
                now: int) -> list[Booking]:
    """Bookings still to come in [start, end) (at `desk`, or anywhere) that a closure cancels."""
    rows = conn.execute(
        "SELECT * FROM bookings WHERE status = 'booked' AND start_ts >= ?"
        " AND start_ts >= ? AND start_ts < ? AND (CAST(? AS TEXT) IS NULL OR desk = ?)"
        " ORDER BY start_ts, desk",
        (now, start, end, desk, desk),
    ).fetchall()
    return [from_row(row) for row in rows]
