"""One webhook worker: the Application, fed from the inbox by its lanes (bot/inbox.py), and its
share of the deployment's duties. bot/webhook.py serves it over HTTP.

Every quarter of a lease a worker renews its leases: the jobs' (bot/leadership.py) and its lanes'
chats' (bot/inbox.py), each from a task of its own that waits for nothing else. Every `poll`
seconds it looks for chats waiting that nobody holds, and the one holding
the jobs' lease (bot/leadership.py) delivers the outbox if anything is due (a handler of another
worker queued it: its nudge does nothing there). Every minute each worker reads the services'
durations again (an administrator's /calibrate went through one worker), and the jobs' holder
forgets processed updates a day old.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from apscheduler.schedulers.base import BaseScheduler  # type: ignore[import-untyped]  # no py.typed
from telegram.ext import BaseRateLimiter
from telegram.request import BaseRequest

from bot import outbox
from bot.app import build_application, prepare
from bot.context import Context, Deps
from bot.domain.calibration import with_durations
from bot.domain.clock import Clock
from bot.domain.model import Office, to_ts
from bot.inbox import Lanes
from bot.leadership import Leadership
from bot.metrics import Metrics
from bot.pacing import Pace, PacedLimiter, Unpaced
from bot.testing.local_api import OFFLINE_TOKEN
from bot.updates import CONCURRENT_UPDATES, parse
from storage import inbox, leases, monitoring, service_durations
from storage import outbox as queued
from storage.db import Database

log = logging.getLogger(__name__)
CHORES_EVERY = 60_000
"""Milliseconds between two rounds of the minutely chores."""
KEEP_INBOX = 24 * 3600_000
"""Processed updates are kept a day: Telegram redelivers an update for no longer."""
HEALTH_TIMEOUT = 5.0


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


class BadUpdate(ValueError):
    """What the webhook received is not an update."""


@dataclass(frozen=True)
class Tuning:
    lease_seconds: float = 10.0
    """Of the jobs' lease and of each chat's: how soon a dead worker's share is taken over."""
    poll_seconds: float = 0.5
    lanes: int = CONCURRENT_UPDATES
    """Chats one worker processes at the same time."""
    send_rate: int = 30
    """Messages a second this worker may send, its replies and (while it holds the jobs' lease)
    the outbox's together: Telegram's 30 divided among the workers (0: no pacing)."""


class Worker:
    def __init__(self, office: Office, db: Database, *, name: str, token: str = OFFLINE_TOKEN,
                 request: BaseRequest | None = None, base_url: str | None = None,
                 clock: Clock | None = None, tuning: Tuning = Tuning(),
                 now_ms: Callable[[], int] = wall_ms) -> None:
        self.db, self.name, self.token, self.tuning, self.now_ms = db, name, token, tuning, now_ms
        lease_ms = int(tuning.lease_seconds * 1000)
        self.metrics = Metrics()
        self.leadership = Leadership(db, name, lease_ms, now_ms, gained=self._take_over,
                                     lost=self._hand_over)
        limiter: BaseRateLimiter[Any] = (PacedLimiter(Pace(tuning.send_rate))
                                         if tuning.send_rate else Unpaced())
        self.application = build_application(
            office, db, token=token, request=request, base_url=base_url, clock=clock,
            rate_limiter=limiter, polling=False, on_duty=self.leadership.on_duty)
        self.application.add_error_handler(self._count_error)
        self.deps: Deps = self.application.bot_data["deps"]
        self.lanes = Lanes(db, self.application, name, count=tuning.lanes, lease_ms=lease_ms,
                           now_ms=now_ms, metrics=self.metrics)
        self._loops: list[asyncio.Task[None]] = []
        self._durations: dict[str, int] = {}
        self._next_chores = 0

    @property
    def _scheduler(self) -> BaseScheduler:
        assert self.application.job_queue is not None
        return self.application.job_queue.scheduler

    async def start(self, *, loops: bool = True) -> None:
        """`loops` False: the test calls `leadership.beat` and `tick` itself."""
        await self.application.initialize()
        await prepare(self.application, recover_outbox=False)
        self._scheduler.start(paused=True)  # the jobs run only while this worker leads
        await self.application.start()
        self.lanes.start()
        if loops:
            self._loops = [
                asyncio.create_task(self._every(self.leadership.interval, self.leadership.beat)),
                asyncio.create_task(self._every(self.leadership.interval, self.lanes.keep)),
                asyncio.create_task(self._every(self.tuning.poll_seconds, self.tick)),
            ]

    async def stop(self) -> None:
        """Finish the updates in hand and the message in flight, then hand the jobs over."""
        for loop in self._loops:
            loop.cancel()
        await asyncio.gather(*self._loops, return_exceptions=True)
        await self.lanes.stop()
        await self.application.stop()
        await self.leadership.release()
        await self.application.shutdown()

    async def _every(self, seconds: float, work: Callable[[], Awaitable[object]]) -> None:
        while True:
            try:
                await work()
            except Exception:
                log.exception("worker %s", self.name)
                self.metrics.errors.labels("worker").inc()
            await asyncio.sleep(seconds)

    async def _take_over(self) -> None:
        await outbox.dispatcher(self.application).recover()
        self._scheduler.resume()

    def _hand_over(self) -> None:
        if self._scheduler.running:
            self._scheduler.pause()

    async def _count_error(self, update: object, context: Context) -> None:
        self.metrics.errors.labels("handler").inc()

    async def tick(self) -> None:
        await self.lanes.poll_once()
        now = self.now_ms()
        if now >= self._next_chores:
            self._next_chores = now + CHORES_EVERY
            await self._chores(now)
        if self.leadership.on_duty() and await self.db.read(queued.any_due,
                                                              to_ts(self.deps.clock.now())):
            self.deps.nudge()

    async def _chores(self, now: int) -> None:
        durations = await self.db.read(service_durations.all_durations)
        if durations != self._durations:
            self._durations = durations
            self.deps.current.replace(with_durations(self.deps.office, durations))
        if self.leadership.on_duty():
            await self.db.queue(inbox.purge_finished, now - KEEP_INBOX)
            await self.db.queue(leases.purge_expired, now - KEEP_INBOX)

    async def receive(self, body: bytes) -> bool:
        """Keep an update received by the webhook; False if it was a second delivery."""
        try:
            data = json.loads(body)
            update = parse(data, self.application.bot)
            update_id = int(data["update_id"])
        except Exception as error:
            self.metrics.errors.labels("webhook").inc()
            raise BadUpdate(str(error)) from None
        who = update.effective_chat or update.effective_user
        new = await self.db.queue(inbox.receive, update_id, who.id if who else 0,
                                  body.decode(), self.now_ms())
        self.metrics.received.labels("new" if new else "repeated").inc()
        if new:
            self.lanes.arrived()
        return new

    async def health(self) -> tuple[bool, dict[str, object]]:
        """Whether the database and the Bot API answer, and what they said if not."""
        report: dict[str, object] = {"worker": self.name, "jobs": self.leadership.on_duty()}
        checks: dict[str, Callable[[], Awaitable[object]]] = {
            "database": lambda: self.db.read(monitoring.ping),
            "bot_api": self.application.bot.get_me}
        for name, check in checks.items():
            try:
                await asyncio.wait_for(check(), HEALTH_TIMEOUT)
                report[name] = "ok"
            except Exception as error:
                report[name] = f"{type(error).__name__}: {error}".replace(self.token, "<token>")
        return all(report[name] == "ok" for name in checks), report

    async def metrics_text(self) -> bytes:
        figures = await self.db.read(monitoring.figures, to_ts(self.deps.clock.now()),
                                     self.now_ms())
        return self.metrics.exposition(figures)
