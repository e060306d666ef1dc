"""The period's visits for /stats, read in chunks: each once, in booked order, along the start
index without sorting."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

from bot.domain.arguments import Period
from bot.domain.booking import Channel
from bot.domain.model import Office, to_ts
from bot.domain.statistics import Facts, FactsTotal, day_bounds
from bot.domain.waiting import VisitTimes
from storage import bookings
from storage import stats as stored
from storage.db import Database
from storage.sqlite import SqliteConnection
from tests.conftest import NOW
from tests.figures import facts_of
from tests.seed import book, fill_day, insert_history, rows


def read_all(conn: sqlite3.Connection, start: int, end: int, limit: int) -> list[list]:
    chunks, resume = [], None
    while True:
        chunk = stored.visit_times(conn, start, end, resume, limit)
        chunks.append(chunk.visits)
        if chunk.resume is None:
            return chunks
        resume = chunk.resume


async def test_chunks_hold_each_visit_once_in_booked_order(db: Database, office: Office) -> None:
    day = NOW.date() + timedelta(days=1)
    await fill_day(db, office, day, 60, NOW)  # 25 desks: many visits start at the same time
    cancelled = await book(db, office, "tari", NOW.replace(hour=12) + timedelta(days=1), NOW)
    await db.write(bookings.cancel, cancelled, to_ts(NOW), by="citizen")
    start, end = Period(day, day).bounds(office.tz)
    [whole] = await db.read(read_all, start, end, 1000)
    assert len(whole) == 60
    assert [visit.booked for visit in whole] == sorted(visit.booked for visit in whole)
    assert len({(visit.desk, visit.booked) for visit in whole}) == 60
    for limit in (1, 7, 25, 60):
        chunks = await db.read(read_all, start, end, limit)
        assert [visit for chunk in chunks for visit in chunk] == whole
        assert max(len(chunk) for chunk in chunks) == limit
    assert {visit.channel for visit in whole} == {Channel.CHAT}


async def test_a_visit_as_the_figures_read_it(db: Database, office: Office) -> None:
    start = NOW.replace(hour=10)
    await book(db, office, "cie", start, NOW - timedelta(days=2), desk="S03",
               channel=Channel.PHONE, created_by=600)
    [[visit]] = await db.read(read_all, to_ts(start), to_ts(start) + 1, 10)
    assert visit == ("cie", "S03", "phone", "booked", to_ts(start), to_ts(start) + 1800,
                     to_ts(NOW - timedelta(days=2)), None, None, None)


async def test_the_chunks_walk_the_start_index_without_sorting(tmp_path: Path) -> None:
    """SQLite's plan (EXPLAIN QUERY PLAN is its own)."""
    def plan(conn: SqliteConnection) -> str:
        sql: list[str] = []
        conn.raw.set_trace_callback(sql.append)
        stored.visit_times(conn, 0, 1, (0, 0), 10)
        conn.raw.set_trace_callback(None)
        query = next(statement for statement in sql if statement.startswith("SELECT"))
        return " ".join(row[-1] for row in conn.raw.execute(f"EXPLAIN QUERY PLAN {query}"))

    db = await Database.open(tmp_path / "plan.db")
    try:
        found = await db.read(plan)
    finally:
        await db.close()
    assert "USING INDEX bookings_start" in found
    assert "TEMP B-TREE" not in found


async def counted_one_by_one(db: Database, office: Office,
                              period: Period) -> tuple[list[VisitTimes], Facts]:
    """The period's visits, read one by one, and their facts worked out in Python."""
    start, end = period.bounds(office.tz)
    visits = [visit for chunk in await db.read(read_all, start, end, 1000) for visit in chunk]
    [(made,)] = await rows(db, "SELECT count(*) FROM bookings WHERE created_ts >= ?"
                               " AND created_ts < ?", start, end)
    [(cancelled,)] = await rows(db, "SELECT count(*) FROM bookings WHERE cancelled_ts >= ?"
                                    " AND cancelled_ts < ?", start, end)
    return visits, facts_of(visits, office, made=made, cancelled=cancelled)


async def test_a_period_added_up_by_the_database_is_every_visit_counted_one_by_one(
        db: Database, office: Office) -> None:
    period = Period(date(2026, 10, 14), date(2026, 11, 10))  # summer time ends on 25 October
    await db.write(insert_history, office, date(2026, 10, 1), date(2026, 11, 20), 60)
    visits, expected = await counted_one_by_one(db, office, period)
    days = day_bounds(period, office)
    added_up = Facts()
    for first in range(0, len(days), 5):  # any chunks: the same sums
        added_up += await db.read(stored.facts, days[first:first + 5])
    assert added_up == expected
    assert sum(visits for visits, _ in added_up.days.values()) == len(visits) > 1000


async def test_stretches_of_bookings_add_up_to_every_visit_counted_one_by_one(
        db: Database, office: Office) -> None:
    """Each read adds up at most `limit` bookings, whatever the size of a day: a day is split
    between reads, and the days' counts are added up across them."""
    period = Period(date(2026, 10, 20), date(2026, 10, 30))  # summer time ends on 25 October
    await db.write(insert_history, office, date(2026, 10, 15), date(2026, 11, 5), 120)
    visits, expected = await counted_one_by_one(db, office, period)
    start, end = period.bounds(office.tz)
    days = day_bounds(period, office)
    for limit in (1, 37, 120, 5000):
        total, since, stretches = FactsTotal(), start, 0
        while since is not None:
            stretch = await db.read(stored.facts_from, days, since, limit)
            until = end if stretch.resume is None else stretch.resume
            [(held, first)] = await rows(db, "SELECT count(*), min(start_ts) FROM bookings"
                                             " WHERE start_ts >= ? AND start_ts < ?", since, until)
            assert held <= limit or {first} == {since}
            total.add(stretch.facts)
            since, stretches = stretch.resume, stretches + 1
        assert total.result() == expected
        assert (stretches > 1) == (limit < len(visits))
