"""Which stretches of desk time are taken: by a booking that holds its time, or a live hold."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.booking import OCCUPYING, Busy
from storage.engine import Connection

OCCUPYING_SQL = "(" + ", ".join(f"'{status}'" for status in OCCUPYING) + ")"
"""Spelled as a literal so that SQLite matches the partial index `bookings_desk_time`."""
LONGEST = 43200
"""No booking lasts longer (a CHECK in the schema): bounds the index range to scan."""


def _marks(items: Sequence[object]) -> str:
    return ", ".join("?" * len(items))


def busy(conn: Connection, desks: Sequence[str], start: int, end: int, now: int,
         owner: int | None = None, excluding: int | None = None) -> list[Busy]:
    """Taken stretches overlapping [start, end) at `desks`; `owner`'s own holds and the booking
    `excluding` (the one being moved) do not count."""
    marks = _marks(desks)
    rows = conn.execute(
        f"SELECT desk, start_ts, end_ts FROM bookings"
        f" WHERE desk IN ({marks}) AND status IN {OCCUPYING_SQL}"
        f" AND start_ts > ? AND start_ts < ? AND end_ts > ? AND id IS NOT ?"
        f" UNION ALL"
        f" SELECT desk, start_ts, end_ts FROM holds"
        f" WHERE desk IN ({marks}) AND expires_ts > ? AND owner IS NOT ?"
        f" AND start_ts < ? AND end_ts > ?",
        (*desks, start - LONGEST, end, start, excluding, *desks, now, owner, end, start),
    ).fetchall()
    return [Busy(desk, s, e) for desk, s, e in rows]


def is_free(conn: Connection, desk: str, start: int, end: int, now: int,
            owner: int | None, excluding: int | None = None) -> bool:
    return not busy(conn, (desk,), start, end, now, owner, excluding)
