"""Fixtures for the webhook's tests: workers in this process, each with its own connection to the
test's database as a worker process would have, and Telegram posting to them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest

from bot.domain.model import Office
from bot.testing.clock import FakeClock
from bot.testing.local_api import LocalBotAPI
from bot.testing.webhook_client import Telegram
from bot.webhook import create_app
from bot.worker import Tuning, Worker, wall_ms
from storage.db import Database

PATH = "/telegram/updates"
SECRET = "test-secret_1"


class WallClock:
    """Milliseconds for the leases, moved by the test."""

    def __init__(self) -> None:
        self.now = wall_ms()

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def connect(db: Database) -> Callable[[], Awaitable[Database]]:
    """Another connection to the test's database, as another worker process opens."""
    return lambda: Database.open(db.target)


@pytest.fixture
def database_settings(db: Database) -> dict[str, str]:
    """The environment that points `sportello serve` at the test's database."""
    if db.engine == "postgresql":
        return {"SPORTELLO_DATABASE_URL": str(db.target)}
    return {"SPORTELLO_DB": str(db.target)}


StartWorkers = Callable[..., Awaitable[list[Worker]]]


@pytest.fixture
async def start_workers(office: Office, clock: FakeClock, api: LocalBotAPI,
                        connect: Callable[[], Awaitable[Database]]
                        ) -> AsyncIterator[StartWorkers]:
    """`await start_workers(3, loops=False, now_ms=..., lanes=...)`: started workers, stopped
    at the end of the test. `loops` False: the test beats and ticks them itself."""
    running: list[Worker] = []

    async def start(count: int = 1, *, loops: bool = True,
                    now_ms: Callable[[], int] = wall_ms, **tuning: Any) -> list[Worker]:
        settings = {"lanes": 4, "send_rate": 0, "poll_seconds": 0.02} | tuning
        started = []
        for _ in range(count):
            worker = Worker(office, await connect(), name=f"worker{len(running)}", request=api,
                            clock=clock, tuning=Tuning(**settings), now_ms=now_ms)
            await worker.start(loops=loops)
            running.append(worker)
            started.append(worker)
        return started

    yield start
    for worker in reversed(running):
        if worker.application.running:  # not stopped by the test
            await worker.stop()
        await worker.db.close()


def client(worker: Worker) -> httpx.AsyncClient:
    app = create_app(PATH, SECRET)
    app.state.worker = worker
    return httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="https://bot.test")


@pytest.fixture
async def telegram_to(db: Database) -> AsyncIterator[Callable[[list[Worker]], Telegram]]:
    """Telegram posting to these workers in turn."""
    clients: list[httpx.AsyncClient] = []

    def make(workers: list[Worker]) -> Telegram:
        made = [client(worker) for worker in workers]
        clients.extend(made)
        return Telegram(made, PATH, SECRET, db)

    yield make
    for each in clients:
        await each.aclose()


def sample(text: str, name: str) -> float:
    """The value of the sample `name` (with its labels) in a Prometheus exposition."""
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.rsplit(" ", 1)[1])
    raise LookupError(f"{name} not in:\n{text}")
