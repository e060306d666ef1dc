"""Fixtures shared by every test: the sample office, a real database per test (a SQLite file, and
again PostgreSQL), a clock the test moves, and the real Application over the in-process Bot API
with users who talk to it."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from telegram.ext import Application

from bot.app import build_application, prepare
from bot.config import load_office
from bot.context import Deps
from bot.domain.model import Office
from bot.outbox import Dispatcher
from bot.pacing import Pace
from bot.testing.clock import FakeClock
from bot.testing.local_api import LocalBotAPI, LocalUser
from bot.testing.postgres import Cluster, Unavailable
from storage.db import Database

ROME = ZoneInfo("Europe/Rome")
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=ROME)
"""A Thursday morning, the office open."""


@pytest.fixture(scope="session")
def office() -> Office:
    return load_office()


@pytest.fixture(scope="session")
def postgres() -> Iterator[Cluster]:
    """A throw-away PostgreSQL server for the whole run. Without one the PostgreSQL tests are
    skipped, saying why; under CI=true that is a failure."""
    try:
        cluster = Cluster.start()
    except Unavailable as why:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and PostgreSQL is unavailable: {why}")
        pytest.skip(f"PostgreSQL unavailable: {why}")
    yield cluster
    cluster.stop()


@dataclass
class Scratch:
    """One migrated PostgreSQL database for the whole run, emptied before each test that uses
    it: every table emptied and every id counter back to 1, as in a new SQLite file (many times
    faster than TRUNCATE or a new database)."""

    url: str
    conn: Any
    emptying: str

    def empty(self) -> None:
        self.conn.execute(self.emptying)


@pytest.fixture(scope="session")
def scratch(postgres: Cluster) -> Iterator[Scratch]:
    from storage.postgres import connect, migrate  # psycopg: only with the postgres extra

    url = postgres.create_database("sportello")
    with connect(url) as conn:
        migrate(conn)
        tables = [row[0] for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            " AND tablename <> 'schema_migrations'")]
        counters = [row[0] for row in conn.execute(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")]
        conn.execute("SET session_replication_role = replica")  # no foreign keys: any order
        conn.execute("SET lock_timeout = '10s'")  # a test that left a transaction open: fail
        yield Scratch(url, conn, "; ".join([
            *(f"DELETE FROM {table}" for table in tables),
            *(f"ALTER SEQUENCE {counter} RESTART" for counter in counters)]))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """The test's own empty database, on each engine in turn."""
    if request.param == "sqlite":
        database = await Database.open(tmp_path / "sportello.db")
    else:
        empty: Scratch = request.getfixturevalue("scratch")
        empty.empty()
        database = await Database.open(empty.url)
    yield database
    await database.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def api() -> LocalBotAPI:
    return LocalBotAPI()


@pytest.fixture
async def app(office: Office, db: Database, clock: FakeClock,
              api: LocalBotAPI) -> AsyncIterator[Application]:
    application = build_application(office, db, request=api, clock=clock)
    async with application:
        await prepare(application)
        yield application


UserFactory = Callable[..., LocalUser]


@pytest.fixture
def make_user(api: LocalBotAPI, app: Application) -> UserFactory:
    def make(user_id: int = 1001, **kwargs: object) -> LocalUser:
        return LocalUser(api, app, user_id, **kwargs)  # type: ignore[arg-type]

    return make


@pytest.fixture
def deps(app: Application) -> Deps:
    return app.bot_data["deps"]


@pytest.fixture
def pace(clock: FakeClock) -> Pace:
    """Telegram's limits kept on the test's clock: waiting moves the clock, never sleeps."""
    return Pace(monotonic=clock.monotonic, sleep=clock.sleep)


@pytest.fixture
def courier(app: Application, pace: Pace) -> Dispatcher:
    """The outbox dispatcher, as the repeating job runs it, paced on the test's clock."""
    return Dispatcher(app.bot_data["deps"], app.bot, pace)
