"""What /stats counts: three queries over a period's instants [start, end), and the period's
visits read in chunks for the figures that need each visit (bot/domain/statistics.py `Tally`)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.statistics import Facts, VisitRow
from bot.domain.waiting import VisitTimes
from storage.engine import Connection

Resume = tuple[int, int]
"""(start_ts, id) of the last visit read: the next chunk starts after it."""


@dataclass(frozen=True, slots=True)
class Chunk:
    visits: list[VisitTimes]
    resume: Resume | None
    """None when this chunk was the last."""


def facts(conn: Connection, start: int, end: int) -> Facts:
    made = conn.execute("SELECT count(*) FROM bookings WHERE created_ts >= ? AND created_ts < ?",
                        (start, end)).fetchone()[0]
    cancelled = conn.execute(
        "SELECT count(*) FROM bookings WHERE cancelled_ts >= ? AND cancelled_ts < ?", (start, end)
    ).fetchone()[0]
    visits: list[VisitRow] = conn.tuples(  # plain tuples: a year is 100,000 rows
        "SELECT service, status, start_ts, created_ts, started_ts, served_ts FROM bookings"
        " WHERE start_ts >= ? AND start_ts < ? AND status <> 'cancelled'",
        (start, end),
    )
    moved = conn.execute(
        "SELECT count(*) FROM booking_times WHERE moved_ts >= ? AND moved_ts < ?", (start, end)
    ).fetchone()[0]
    return Facts(made, cancelled, visits, moved)


def visit_times(conn: Connection, start: int, end: int, after: Resume | None,
                limit: int) -> Chunk:
    """Up to `limit` visits (bookings not cancelled) starting in [start, end), after `after`, in
    booked order; each chunk is its own short read, so the database is never held for long.
    Walks the start index (whose entries end with the id) without sorting."""
    since, last_id = after if after is not None else (start, 0)
    rows = conn.tuples(
        "SELECT service, desk, channel, status, start_ts, end_ts, created_ts, checked_in_ts,"
        " started_ts, served_ts, id FROM bookings"
        " WHERE start_ts >= ? AND start_ts < ? AND (start_ts, id) > (?, ?)"
        " AND status <> 'cancelled' ORDER BY start_ts, id LIMIT ?",
        (since, end, since, last_id, limit))
    resume = (rows[-1][4], rows[-1][10]) if len(rows) == limit else None
    return Chunk([VisitTimes(*row[:10]) for row in rows], resume)
