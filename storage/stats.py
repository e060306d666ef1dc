"""What /stats counts, read in three queries over a period's instants [start, end)."""

from __future__ import annotations

from bot.domain.statistics import Facts, VisitRow
from storage.engine import Connection


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
    return Facts(made, cancelled, visits)
