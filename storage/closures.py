"""Closures made at run time by operators (configured ones come from the office TOML)."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.domain.model import Closure
from storage.engine import Connection


def _closure(row: Any) -> Closure:
    return Closure(date.fromisoformat(row["first_day"]), date.fromisoformat(row["last_day"]),
                   row["desk"], row["reason"], row["id"])


def add(conn: Connection, first: date, last: date, desk: str | None, reason: str,
        by: int | None, now: int) -> Closure:
    [closure_id] = conn.execute(
        "INSERT INTO closures (first_day, last_day, desk, reason, created_by, created_ts)"
        " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        (first.isoformat(), last.isoformat(), desk, reason, by, now),
    ).fetchone()
    return Closure(first, last, desk, reason, closure_id)


def lift(conn: Connection, closure_id: int, by: int | None, now: int) -> Closure | None:
    row = conn.execute(
        "UPDATE closures SET lifted_by = ?, lifted_ts = ? WHERE id = ? AND lifted_ts IS NULL"
        " RETURNING *",
        (by, now, closure_id),
    ).fetchone()
    return _closure(row) if row else None


def active(conn: Connection, since: date) -> list[Closure]:
    """Closures not lifted that end on or after `since`."""
    rows = conn.execute(
        "SELECT * FROM closures WHERE lifted_ts IS NULL AND last_day >= ? ORDER BY first_day, id",
        (since.isoformat(),),
    ).fetchall()
    return [_closure(row) for row in rows]


def covering(conn: Connection, day: date, desk: str) -> bool:
    """Whether a run-time closure not lifted covers `desk` (or the whole office) on `day`."""
    return conn.execute(
        "SELECT 1 FROM closures WHERE lifted_ts IS NULL AND first_day <= ? AND last_day >= ?"
        " AND (desk IS NULL OR desk = ?) LIMIT 1",
        (day.isoformat(), day.isoformat(), desk),
    ).fetchone() is not None
