"""What /stats counts over a few days, added up by the database: counts per day and per status,
and how many visits had each lead time and each service time (bot/domain/statistics.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date

from bot.domain.statistics import LEAD_STEP, Facts

VISITS = "FROM bookings WHERE start_ts >= ? AND start_ts < ? AND status <> 'cancelled'"
"""The bookings whose appointment falls in [start, end), not cancelled."""


def facts(conn: sqlite3.Connection, days: Sequence[tuple[date, int, int]]) -> Facts:
    """The facts of `days`, consecutive: (day, its first instant, the next day's)."""
    start, end = days[0][1], days[-1][2]
    cursor = conn.cursor()
    cursor.row_factory = None
    made = cursor.execute("SELECT count(*) FROM bookings WHERE created_ts >= ? AND created_ts < ?",
                          (start, end)).fetchone()[0]
    cancelled = cursor.execute(
        "SELECT count(*) FROM bookings WHERE cancelled_ts >= ? AND cancelled_ts < ?", (start, end)
    ).fetchone()[0]
    marks = ", ".join("(?, ?, ?)" for _ in days)
    per_day = cursor.execute(
        f"WITH days (day, first, next) AS (VALUES {marks})"
        " SELECT day, count(*), sum(CASE WHEN status = 'no_show' THEN 1 ELSE 0 END)"
        " FROM days JOIN bookings ON start_ts >= first AND start_ts < next"
        " AND status <> 'cancelled' GROUP BY day",
        [value for day, first, following in days
         for value in (day.isoformat(), first, following)]).fetchall()
    statuses = cursor.execute(f"SELECT status, count(*) {VISITS} GROUP BY status",
                              (start, end)).fetchall()
    leads = cursor.execute(
        f"SELECT CASE WHEN start_ts > created_ts THEN (start_ts - created_ts) / {LEAD_STEP}"
        f" ELSE 0 END AS lead, count(*) {VISITS} GROUP BY lead", (start, end)).fetchall()
    timed: dict[str, dict[int, int]] = {}
    for service, seconds, count in cursor.execute(
            f"SELECT service, served_ts - started_ts AS took, count(*) {VISITS}"
            " AND started_ts IS NOT NULL AND served_ts IS NOT NULL GROUP BY service, took",
            (start, end)):
        timed.setdefault(service, {})[seconds] = count
    return Facts(made, cancelled,
                 {date.fromisoformat(day): (visits, no_shows) for day, visits, no_shows in per_day},
                 dict(statuses), dict(leads), timed)
