"""What /healthz and /metrics read: figures of the whole deployment, the same whichever worker
answers, since they come from the database all workers share."""

from __future__ import annotations

from dataclasses import dataclass

from storage import leases
from storage.engine import Connection


@dataclass(frozen=True, slots=True)
class Figures:
    bookings_made: int
    """Every booking ever written, whatever became of it."""
    outbox_due: int
    """Messages due now and not yet sent: the outbox's backlog."""
    outbox_sent: int
    outbox_failed: int
    inbox_pending: int
    """Updates received and not yet processed."""
    jobs_leader: bool
    """Whether some worker holds the jobs' lease."""


def ping(conn: Connection) -> None:
    conn.execute("SELECT 1 FROM leases LIMIT 1").fetchall()


def figures(conn: Connection, now_ts: int, now_ms: int) -> Figures:
    def count(sql: str, *args: object) -> int:
        return int(conn.execute(sql, args).fetchone()[0])

    return Figures(
        bookings_made=count("SELECT count(*) FROM bookings"),
        outbox_due=count("SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending')"
                         " AND due_ts <= ?", now_ts),
        outbox_sent=count("SELECT count(*) FROM outbox WHERE state = 'sent'"),
        outbox_failed=count("SELECT count(*) FROM outbox WHERE state = 'failed'"),
        inbox_pending=count("SELECT count(*) FROM inbox WHERE state = 'pending'"),
        jobs_leader=leases.holder(conn, leases.JOBS, now_ms) is not None,
    )
