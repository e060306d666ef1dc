"""Slot holds: a time kept for one citizen for a few minutes; an expired hold is worth nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storage.engine import Connection
from storage.occupancy import is_free


@dataclass(frozen=True, slots=True)
class Hold:
    id: int
    owner: int
    purpose: str
    service: str
    desk: str
    start: int
    end: int
    expires: int


def place(conn: Connection, owner: int, service: str, desks: Sequence[str],
          start: int, end: int, now: int, expires: int, purpose: str = "booking") -> Hold | None:
    """Hold [start, end) at the first of `desks` free then, replacing `owner`'s previous hold
    of the same purpose. None when every desk is taken."""
    conn.execute("DELETE FROM holds WHERE owner = ? AND purpose = ?", (owner, purpose))
    for desk in desks:
        if is_free(conn, desk, start, end, now, owner):
            [hold_id] = conn.execute(
                "INSERT INTO holds (owner, purpose, service, desk, start_ts, end_ts, expires_ts)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (owner, purpose, service, desk, start, end, expires),
            ).fetchone()
            return Hold(hold_id, owner, purpose, service, desk, start, end, expires)
    return None


def live(conn: Connection, owner: int, now: int, purpose: str = "booking") -> Hold | None:
    row = conn.execute(
        "SELECT id, owner, purpose, service, desk, start_ts, end_ts, expires_ts FROM holds"
        " WHERE owner = ? AND purpose = ? AND expires_ts > ?",
        (owner, purpose, now),
    ).fetchone()
    return Hold(*row) if row else None


def release(conn: Connection, owner: int, purpose: str = "booking") -> None:
    conn.execute("DELETE FROM holds WHERE owner = ? AND purpose = ?", (owner, purpose))


def purge_expired(conn: Connection, now: int) -> int:
    return conn.execute("DELETE FROM holds WHERE expires_ts <= ?", (now,)).rowcount
