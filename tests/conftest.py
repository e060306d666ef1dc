"""Fixtures shared by every test: the sample office, a real database per test (a SQLite file, and
again PostgreSQL), a clock the test moves, and the real Application over the in-process Bot API
with users who talk to it."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime
from pathlib import Path
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
from bot.testing.local_api import LocalBotAPI
from bot.testing.local_user import LocalUser
from bot.testing.postgres import Cluster, Scratch, Unavailable
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


@pytest.fixture(scope="session")
def scratch(postgres: Cluster) -> Iterator[Scratch]:
    with Scratch.create(postgres, "sportello") as database:
        yield database


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
