"""The audit log: who did what, when, to which booking. Written in the transaction of the act."""

from __future__ import annotations

from storage.engine import Connection

COMMAND_LINE = 0
"""The actor of what is done with the `sportello` command line rather than in a chat."""


def record(conn: Connection, now: int, actor: int, action: str,
           booking_id: int | None = None, detail: str = "") -> None:
    conn.execute(
        "INSERT INTO audit (ts, actor, action, booking_id, detail) VALUES (?, ?, ?, ?, ?)",
        (now, actor, action, booking_id, detail),
    )
