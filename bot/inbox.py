"""A worker's lanes: each takes a chat no other lane of any worker holds, processes its pending
updates through the Application one after the other, in update_id order, then lets it go.

Lanes sleep while there is nothing to take. An update received by this worker wakes one at once
(`arrived`); one received by another worker, or a chat whose worker died (its lease expired), is
found by the poll every `poll` seconds (`poll_once`).

The leases of the chats the lanes hold are renewed every quarter of a lease by the worker's
heartbeat (`keep`), on a database connection kept for it, whatever the lanes are doing: a slow
update, a busy pool, a database refusing writes for a while do not cost a chat its lease. A lane
whose lease is late by its own clock (half of it gone: the worker stalled) asks the database
before processing the next update, and leaves it to whoever took the chat over if it is no longer
its own; and only the holder marks an update done (storage/inbox.py). So an update is processed
twice only when its worker stalled longer than a lease, or died. A lane that processed an update
but could not mark it done (the database failed) tries again, its lease kept meanwhile, rather
than leave the update to be processed again.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from bot.context import App
from bot.metrics import Metrics
from bot.updates import parse
from storage import inbox, leases
from storage.db import Database
from storage.inbox import Delivery

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Hold:
    """A lane's lease on a chat."""

    chat_id: int
    until: int
    """When it runs out, by this worker's clock, unless renewed."""


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
        self._held: dict[str, Hold] = {}
        """The chat each lane holds, by the lane's name (its holder name in the leases)."""

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

    async def keep(self) -> int:
        """Renew the leases of the chats the lanes hold; how many turned out lost (another
        worker took them over while this one could not renew them)."""
        held = dict(self._held)
        if not held:
            return 0
        now = self.now_ms()
        kept = await self.db.heartbeat(
            leases.renew_all, [(leases.chat(hold.chat_id), lane) for lane, hold in held.items()],
            now, self.lease_ms)
        lost = 0
        for lane, hold in held.items():
            if self._held.get(lane) is not hold:
                continue  # the lane moved on meanwhile, its new hold is fresher than this
            if (leases.chat(hold.chat_id), lane) in kept:
                self._held[lane] = Hold(hold.chat_id, now + self.lease_ms)
            else:
                log.warning("lane %s lost chat %d: another worker took it over", lane,
                            hold.chat_id)
                del self._held[lane]
                lost += 1
        return lost

    async def _lane(self, holder: str) -> None:
        delivery: Delivery | None = None
        """Taken, to be processed."""
        processed: Delivery | None = None
        """Processed, to be marked done."""
        failures = 0
        while not self._stopping or delivery is not None or processed is not None:
            seen = self._arrivals  # one in hand is seen through
            try:
                if processed is not None:
                    delivery = await self._next(processed, holder)
                    processed = None
                elif delivery is None:
                    delivery = await self._take(holder, inbox.claim)
                elif await self._still_held(delivery, holder):
                    await self._process(delivery)
                    processed, delivery = delivery, None
                else:
                    delivery = None
                failures = 0
                if (delivery is None and processed is None and seen == self._arrivals
                        and not self._stopping):
                    await self._sleep()
            except Exception:
                log.exception("lane %s", holder)
                self.metrics.errors.labels("worker").inc()
                failures += 1
                if processed is not None and not self._stopping:
                    # Its lease is kept meanwhile: marking it done is tried again.
                    await asyncio.sleep(min(self.lease_ms / 4000, 0.05 * 2 ** failures))
                    continue
                # The claim failed, or the processing (the lease then runs out and the update
                # is tried again, by this worker or another), or the stop cannot mark it.
                delivery = processed = None
                self._held.pop(holder, None)
                if not self._stopping:  # the database may come back: the poll wakes this lane
                    await self._sleep()

    async def _take(self, holder: str, work: Callable[..., Delivery | None],
                    *first: object) -> Delivery | None:
        """`work(conn, *first, holder, now, lease)` in a queue transaction: the delivery it
        hands over, whose chat the lane then holds."""
        now = self.now_ms()
        found = await self.db.queue(work, *first, holder, now, self.lease_ms)
        if found is None:
            self._held.pop(holder, None)
        else:
            self._held[holder] = Hold(found.chat_id, now + self.lease_ms)
        return found

    async def _still_held(self, delivery: Delivery, holder: str) -> bool:
        """Whether the lane may process `delivery`: its lease has half its length to run by this
        worker's clock, or, late, the database says it is still this lane's (and renews it)."""
        hold = self._held.get(holder)
        now = self.now_ms()
        if (hold is not None and hold.chat_id == delivery.chat_id
                and now < hold.until - self.lease_ms // 2):
            return True
        if await self.db.heartbeat(leases.renew, leases.chat(delivery.chat_id), holder, now,
                                   self.lease_ms):
            self._held[holder] = Hold(delivery.chat_id, now + self.lease_ms)
            return True
        log.warning("lane %s lost chat %d before update %d: another worker took it over",
                    holder, delivery.chat_id, delivery.update_id)
        self._held.pop(holder, None)
        return False

    async def _next(self, delivery: Delivery, holder: str) -> Delivery | None:
        """Mark `delivery` done (if the lane still holds its chat) and take the next update."""
        if self._stopping:
            await self.db.queue(inbox.finish_and_let_go, delivery, holder, self.now_ms())
            self._held.pop(holder, None)
            return None
        return await self._take(holder, inbox.finish_and_next, delivery)  # the chat's next or
        # another chat's

    async def _process(self, delivery: Delivery) -> None:
        if delivery.attempts > 1:
            log.warning("update %d goes through again (attempt %d of %d): the worker processing "
                        "it stopped", delivery.update_id, delivery.attempts, inbox.MAX_ATTEMPTS)
        update = parse(json.loads(delivery.payload), self.application.bot)
        # Handlers' exceptions go to the application's error handlers; none comes out here.
        await self.application.process_update(update)
        self.metrics.processed.inc()
        self.metrics.latency.observe(max(0, self.now_ms() - delivery.received_ms) / 1000)
