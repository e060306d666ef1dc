"""A worker's lanes: each takes a chat no other lane of any worker holds, processes its pending
updates through the Application one after the other, in update_id order, then lets it go.

Lanes sleep while there is nothing to take. An update received by this worker wakes one at once
(`arrived`); one received by another worker, or a chat whose worker died (its lease expired), is
found by the poll every `poll` seconds (`poll_once`). While a long update runs (a CSV export), its
lane renews the chat's lease, so no other lane takes the chat meanwhile.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from collections.abc import Callable

from bot.context import App
from bot.metrics import Metrics
from bot.updates import parse
from storage import inbox, leases
from storage.db import Database
from storage.engine import Connection
from storage.inbox import Delivery

log = logging.getLogger(__name__)


def _finish_and_let_go(conn: Connection, delivery: Delivery, holder: str,
                       now: int) -> None:
    inbox.finish(conn, delivery.update_id, "done", now)
    leases.release(conn, leases.chat(delivery.chat_id), holder)


class Lanes:
    def __init__(self, db: Database, application: App, worker: str, *, count: int,
                 lease_ms: int, now_ms: Callable[[], int], metrics: Metrics) -> None:
        self.db, self.application, self.worker = db, application, worker
        self.count, self.lease_ms, self.now_ms, self.metrics = count, lease_ms, now_ms, metrics
        self._idle: deque[asyncio.Future[None]] = deque()
        self._arrivals = 0
        """Counts wake-ups, so that a lane that found nothing while one came tries again."""
        self._stopping = False
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._lane(f"{self.worker}/{n}"), name=f"lane {n}")
                       for n in range(self.count)]

    async def stop(self) -> None:
        """Each lane finishes the update in hand, marks it done and lets its chat go."""
        self._stopping = True
        self.wake(self.count)
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def arrived(self) -> None:
        self.wake(1)

    def wake(self, count: int) -> None:
        self._arrivals += 1
        while count and self._idle:
            waiting = self._idle.popleft()
            if not waiting.done():
                waiting.set_result(None)
                count -= 1

    async def poll_once(self) -> int:
        """Wake as many lanes as there are chats waiting that no one holds; how many."""
        found = await self.db.read(inbox.claimable, self.now_ms())
        if found:
            self.wake(found)
        return found

    async def _sleep(self) -> None:
        waiting = asyncio.get_running_loop().create_future()
        self._idle.append(waiting)
        await waiting

    async def _lane(self, holder: str) -> None:
        delivery: Delivery | None = None
        while not self._stopping or delivery is not None:  # one in hand is seen through
            seen = self._arrivals
            try:
                if delivery is None:
                    delivery = await self.db.write_relaxed(inbox.claim, holder, self.now_ms(),
                                                           self.lease_ms)
                else:
                    await self._process(delivery, holder)
                    delivery = await self._next(delivery, holder)
                if delivery is None and seen == self._arrivals and not self._stopping:
                    await self._sleep()
            except Exception:  # the database may come back: the poll wakes this lane then
                log.exception("lane %s", holder)
                self.metrics.errors.labels("worker").inc()
                delivery = None
                if not self._stopping:
                    await self._sleep()

    async def _next(self, delivery: Delivery, holder: str) -> Delivery | None:
        now = self.now_ms()
        self.metrics.processed.inc()
        self.metrics.latency.observe(max(0, now - delivery.received_ms) / 1000)
        if self._stopping:
            await self.db.write_relaxed(_finish_and_let_go, delivery, holder, now)
            return None
        return await self.db.write_relaxed(inbox.finish_and_next, delivery, holder, now,
                                           self.lease_ms)  # this chat's next, or another's

    async def _process(self, delivery: Delivery, holder: str) -> None:
        if delivery.attempts > 1:
            log.warning("update %d goes through again (attempt %d of %d): the worker processing "
                        "it stopped", delivery.update_id, delivery.attempts, inbox.MAX_ATTEMPTS)
        update = parse(json.loads(delivery.payload), self.application.bot)
        # Handlers' exceptions go to the application's error handlers; none comes out here.
        running = asyncio.ensure_future(self.application.process_update(update))
        while not (await asyncio.wait({running}, timeout=self.lease_ms / 3000))[0]:
            await self.db.write_relaxed(leases.take, leases.chat(delivery.chat_id), holder,
                                        self.now_ms(), self.lease_ms)
        running.result()
