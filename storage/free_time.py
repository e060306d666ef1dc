"""What the availability rules need to know from the database about a stretch of time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.domain.booking import Busy
from bot.domain.model import Closure
from storage import closures
from storage.engine import Connection
from storage.occupancy import busy


def taken(conn: Connection, desks: Sequence[str], start: int, end: int, now: int,
          today: date, owner: int | None = None) -> tuple[list[Busy], list[Closure]]:
    """Taken stretches at `desks` in [start, end) (but for `owner`'s own hold), and the run-time
    closures not yet over."""
    return busy(conn, desks, start, end, now, owner), closures.active(conn, today)
