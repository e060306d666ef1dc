"""The counter's view of bookings: a day's visits, one visit, the next at a desk, its steps."""

from __future__ import annotations

import sqlite3

from bot.model import Channel, Status
from bot.visit import Step, Visit
from storage import audit

_COLUMNS = (
    "id, code, user_id, service, desk, start_ts, end_ts, status, name, codice_fiscale, note,"
    " created_ts, created_by, confirmed_ts, checked_in_ts, started_ts, served_ts, no_show_ts,"
    " channel"
)
_OPEN = "('booked', 'checked_in', 'in_service')"
"""Visits the counter has not finished with."""


def _visit(row: sqlite3.Row) -> Visit:
    return Visit(*row[:7], Status(row[7]), *row[8:18], Channel(row[18]))


def between(conn: sqlite3.Connection, start: int, end: int,
            desk: str | None = None) -> list[Visit]:
    """Visits starting in [start, end), at `desk` or every desk, in time order; not cancelled."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM bookings WHERE start_ts >= ? AND start_ts < ?"
        " AND status <> 'cancelled' AND (? IS NULL OR desk = ?) ORDER BY start_ts, desk, id",
        (start, end, desk, desk),
    ).fetchall()
    return [_visit(row) for row in rows]


def visit(conn: sqlite3.Connection, booking_id: int) -> Visit | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM bookings WHERE id = ?", (booking_id,)).fetchone()
    return _visit(row) if row else None


def next_at(conn: sqlite3.Connection, desk: str, start: int, end: int) -> Visit | None:
    """The visit to deal with next at `desk` among those starting in [start, end): the one in
    service, else the earliest not finished."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM bookings WHERE desk = ? AND start_ts >= ? AND start_ts < ?"
        f" AND status IN {_OPEN} ORDER BY status <> 'in_service', start_ts LIMIT 1",
        (desk, start, end),
    ).fetchone()
    return _visit(row) if row else None


def take_step(conn: sqlite3.Connection, booking_id: int, step: Step, actor: int,
              now: int) -> Visit | None:
    """Move the visit on (and audit it), only if it is still in one of the step's sources."""
    sources = ", ".join("?" * len(step.sources))
    row = conn.execute(
        f"UPDATE bookings SET status = ?, {step.column} = ?"
        f" WHERE id = ? AND status IN ({sources}) RETURNING {_COLUMNS}",
        (step.target, now, booking_id, *step.sources),
    ).fetchone()
    if row is None:
        return None
    audit.record(conn, now, actor, step.target, booking_id)
    return _visit(row)


def cancellable(conn: sqlite3.Connection, start: int, end: int, desk: str | None,
                now: int) -> list[Visit]:
    """Bookings still to come in [start, end) (at `desk`, or anywhere) that a closure cancels."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM bookings WHERE status = 'booked' AND start_ts >= ?"
        " AND start_ts >= ? AND start_ts < ? AND (? IS NULL OR desk = ?) ORDER BY start_ts, desk",
        (now, start, end, desk, desk),
    ).fetchall()
    return [_visit(row) for row in rows]
