"""Every job that runs on a timer reads and writes through an index: none scans a table that
grows with the office's history (the bookings of years, the outbox's sent messages, the offers
made), whatever SQLite's planner would otherwise choose. SQLite's plans (EXPLAIN QUERY PLAN is
SQLite's own): the job's statements are caught as they run, then asked for their plan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.app import build_application, prepare
from bot.context import App, Deps
from bot.domain.model import Office, to_ts
from bot.outbox import Dispatcher
from bot.pacing import Pace
from bot.services import erasure, housekeeping
from bot.testing.clock import FakeClock
from bot.testing.local_api import LocalBotAPI
from storage import waitlist
from storage.sqlite import SqliteDatabase
from tests.conftest import NOW
from tests.seed import fill_day, insert_history


@pytest.fixture
async def app(tmp_path: Path, office: Office, clock: FakeClock) -> AsyncIterator[App]:
    db = await SqliteDatabase.open(tmp_path / "sportello.db")
    application = build_application(office, db, request=LocalBotAPI(), clock=clock)
    async with application:
        await prepare(application)
        yield application
    await db.close()


def scans(db: SqliteDatabase, statements: list[str]) -> list[str]:
    """The statements (those that read tables) with a step that reads a whole table."""
    found = []
    for sql in dict.fromkeys(statements):
        if not sql.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE", "INSERT", "WITH")):
            continue
        plan = [row[-1] for row in db._reader.execute(f"EXPLAIN QUERY PLAN {sql}")]  # noqa: SLF001
        whole = [step for step in plan if step.startswith("SCAN ") and " USING " not in step
                 and not step.startswith(("SCAN CONSTANT", "SCAN days"))]
        if whole:
            found.append(f"{sql}\n    {whole}")
    return found


async def test_the_jobs_on_a_timer_use_indexes(app: App, office: Office,
                                                clock: FakeClock) -> None:
    deps: Deps = app.bot_data["deps"]
    db = deps.db
    assert isinstance(db, SqliteDatabase)
    await db.write(insert_history, office, NOW.date() - timedelta(days=400),
                   NOW.date() - timedelta(days=1), 30)
    await fill_day(db, office, NOW.date() + timedelta(days=1), 40, NOW)
    await db.write(lambda conn: conn.execute(
        "INSERT INTO citizens (user_id, created_ts) VALUES (1001, 0)"))
    await db.write(waitlist.join, 1001, "cie", date(2026, 11, 27), date(2026, 12, 20), to_ts(NOW))
    statements: list[str] = []
    db._reader.set_trace_callback(statements.append)  # noqa: SLF001
    await db._run(lambda conn: conn.set_trace_callback(statements.append))  # noqa: SLF001

    await erasure.purge_expired(deps)
    await housekeeping.tidy(deps)
    await deps.offer_free_times()
    clock.set(NOW + timedelta(hours=9))  # the day-before reminders fall due
    await Dispatcher(deps, app.bot, Pace(monotonic=clock.monotonic, sleep=clock.sleep)).drain()

    db._reader.set_trace_callback(None)  # noqa: SLF001
    await db._run(lambda conn: conn.set_trace_callback(None))  # noqa: SLF001
    assert len(statements) > 20
    found = scans(db, statements)
    assert found == [], "\n".join(found)
