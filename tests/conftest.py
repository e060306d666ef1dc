"""Fixtures shared by every test: the sample office, a real SQLite file per test, a clock the
test moves, and the real Application over the in-process Bot API with users who talk to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
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
from bot.testing.local_api import LocalBotAPI, LocalUser
from storage.db import Database

ROME = ZoneInfo("Europe/Rome")
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=ROME)
"""A Thursday morning, the office open."""


@pytest.fixture(scope="session")
def office() -> Office:
    return load_office()


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "sportello.db")
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
