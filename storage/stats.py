"""What /stats counts, added up by the database over a stretch of bookings
(bot/domain/statistics.py `Facts`), and the period's visits read in chunks for the figures that
need each visit (`Tally`)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.domain.statistics import LEAD_STEP, Facts
from bot.domain.waiting import VisitTimes
from storage.engine import Connection

Resume = tuple[int, int]
"""(start_ts, id) of the last visit read: the next chunk starts after it."""


@dataclass(frozen=True, slots=True)
class Chunk:
    visits: list[VisitTimes]
    resume: Resume | None
    """None when this chunk was the last."""


VISITS = "FROM bookings WHERE start_ts >= ? AND start_ts < ? AND status <> 'cancelled'"
"""The bookings whose appointment falls in [start, end), not cancelled."""


def facts(conn: Connection, days: Sequence[tuple[date, int, int]]) -> Facts:
    """The facts of `days`, consecutive: (day, its first instant, the next day's)."""
    start, end = days[0][1], days[-1][2]

    def count(sql: str) -> int:
        found: int = conn.tuples(sql, (start, end))[0][0]
        return found

    marks = ", ".join("(CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS BIGINT))" for _ in days)
    per_day = conn.tuples(
        f"WITH days (day, first_ts, next_ts) AS (VALUES {marks})"
        " SELECT day, count(*), sum(CASE WHEN status = 'no_show' THEN 1 ELSE 0 END)"
        " FROM days JOIN bookings ON start_ts >= first_ts AND start_ts < next_ts"
        " AND status <> 'cancelled' GROUP BY day",
        [value for day, first, following in days
         for value in (day.isoformat(), first, following)])
    timed: dict[str, dict[int, int]] = {}
    for service, seconds, visits in conn.tuples(
            f"SELECT service, served_ts - started_ts AS took, count(*) {VISITS}"
            " AND started_ts IS NOT NULL AND served_ts IS NOT NULL GROUP BY service, took",
            (start, end)):
        timed.setdefault(service, {})[seconds] = visits
    return Facts(
        made=count("SELECT count(*) FROM bookings WHERE created_ts >= ? AND created_ts < ?"),
        cancelled=count("SELECT count(*) FROM bookings WHERE cancelled_ts >= ?"
                        " AND cancelled_ts < ?"),
        moved=count("SELECT count(*) FROM booking_times WHERE moved_ts >= ? AND moved_ts < ?"),
        days={date.fromisoformat(day): (visits, no_shows) for day, visits, no_shows in per_day},
        statuses=dict(conn.tuples(f"SELECT status, count(*) {VISITS} GROUP BY status",
                                  (start, end))),
        leads=dict(conn.tuples(
            f"SELECT CASE WHEN start_ts > created_ts THEN (start_ts - created_ts) / {LEAD_STEP}"
            f" ELSE 0 END AS lead, count(*) {VISITS} GROUP BY lead", (start, end))),
        service_times=timed)


@dataclass(frozen=True, slots=True)
class Stretch:
    facts: Facts
    resume: int | None
    """The first instant of the next stretch; None when this one reached the period's end."""


def facts_from(conn: Connection, days: Sequence[tuple[date, int, int]], since: int,
               limit: int) -> Stretch:
    """The facts of the stretch of `days` (consecutive: (day, its first instant, the next
    day's)) from `since` to just before the `limit`th booking after it: a bounded read whatever
    the size of the office, or of the day (a day of 400 desks is 7,000 bookings). More than
    `limit` only when that many start at the same instant `since`. Walks the start index only,
    to find where the stretch ends."""
    end = days[-1][2]
    found = conn.tuples("SELECT start_ts FROM bookings WHERE start_ts >= ? AND start_ts < ?"
                        " ORDER BY start_ts LIMIT 1 OFFSET ?", (since, end, limit))
    until = max(found[0][0], since + 1) if found else end
    inside = []
    for day, first, following in days[bisect_right(days, since, key=_first) - 1:]:
        if first >= until:
            break
        inside.append((day, max(first, since), min(following, until)))
    return Stretch(facts(conn, inside), until if until < end else None)


def _first(day: tuple[date, int, int]) -> int:
    return day[1]


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
