"""A lane's lease on its chat when its worker is slow: kept by the heartbeat while an update runs
long (no one processes it again), and, once lost to another worker, fenced: the update is marked
done by the new holder only, and the slow lane processes none of the chat's later updates."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from telegram import Update
from telegram.ext import TypeHandler

from bot.testing.local_api import LocalBotAPI
from bot.testing.webhook_client import Telegram, WebhookUser
from bot.worker import Worker
from storage import inbox
from storage.db import Database
from tests.bot.conftest import StartWorkers, WallClock
from tests.bot.test_webhook import start_update
from tests.bot.test_workers import record
from tests.seed import rows

LEASE = 10_000
STATE = "SELECT update_id, state, attempts FROM inbox ORDER BY update_id"


class Gate:
    """Holds `worker`'s first processing of `update_id` until opened."""

    def __init__(self, worker: Worker, update_id: int) -> None:
        self.entered, self.opened = asyncio.Event(), asyncio.Event()

        async def hold(update: Update, context: object) -> None:
            if update.update_id == update_id and not self.entered.is_set():
                self.entered.set()
                await self.opened.wait()

        worker.application.add_handler(TypeHandler(Update, hold), group=-200)


class Watched:
    """A worker's database that tells when one of its lanes' `queue` transactions has run."""

    def __init__(self, db: Database, work: Callable[..., object]) -> None:
        self.db, self.work, self.ran = db, work, asyncio.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)

    async def queue(self, work: Callable[..., Any], *args: Any) -> Any:
        try:
            return await self.db.queue(work, *args)
        finally:
            if work is self.work:
                self.ran.set()


async def test_an_update_running_for_three_leases_keeps_its_chat_and_goes_through_once(
        start_workers: StartWorkers, telegram_to: Callable[[list[Worker]], Telegram],
        api: LocalBotAPI, db: Database) -> None:
    clock = WallClock()
    [slow] = await start_workers(loops=False, now_ms=clock, lease_seconds=LEASE / 1000)
    gate = Gate(slow, 5)
    telegram = telegram_to([slow])
    user = WebhookUser(api, telegram, 3001)
    assert (await telegram.post(start_update(user, 5))).status_code == 200
    await gate.entered.wait()
    [other] = await start_workers(loops=False, now_ms=clock, lease_seconds=LEASE / 1000)
    events = record([other])
    for _ in range(4):
        clock.now += LEASE * 3 // 4  # each heartbeat comes in time, however long the update
        assert await slow.lanes.keep() == 0
        assert await other.lanes.poll_once() == 0
    gate.opened.set()
    await telegram.processed(5)
    assert events == []  # the other worker never processed it
    assert await rows(db, STATE) == [(5, "done", 1)]
    assert len(user.messages) == 1


async def test_a_lane_that_lost_its_chat_leaves_it_and_its_updates_to_the_new_holder(
        start_workers: StartWorkers, telegram_to: Callable[[list[Worker]], Telegram],
        api: LocalBotAPI, db: Database) -> None:
    clock = WallClock()
    # One lane: the slow worker's other lanes would take the chat over themselves.
    [slow] = await start_workers(loops=False, now_ms=clock, lease_seconds=LEASE / 1000, lanes=1)
    first_try = Gate(slow, 5)
    events = record([slow])
    watched = Watched(slow.db, inbox.finish_and_next)
    slow.lanes.db = watched  # type: ignore[assignment]  # a spy over the same database
    telegram = telegram_to([slow])
    user = WebhookUser(api, telegram, 3001)
    await telegram.post(start_update(user, 5))
    await first_try.entered.wait()
    await telegram.post(start_update(user, 6))  # waits behind 5
    [other] = await start_workers(loops=False, now_ms=clock, lease_seconds=LEASE / 1000)
    events_other = record([other])
    second_try = Gate(other, 5)
    clock.now += LEASE  # the slow worker stalls: its heartbeat does not come in time
    await other.lanes.poll_once()
    await second_try.entered.wait()  # the other took the chat over, and update 5 again
    assert await slow.lanes.keep() == 1  # the slow one's heartbeat, late: the chat is lost

    first_try.opened.set()  # the slow one's update 5 ends: it marks nothing, takes nothing
    await watched.ran.wait()
    assert await rows(db, STATE) == [(5, "pending", 2), (6, "pending", 0)]
    [(holder,)] = await rows(db, "SELECT holder FROM leases")
    assert holder.startswith("worker1/")

    second_try.opened.set()
    await telegram.processed(6)
    assert await rows(db, STATE) == [(5, "done", 2), (6, "done", 1)]
    assert [(kind, update_id) for kind, _, _, update_id in events] == [("start", 5), ("end", 5)]
    assert [(kind, update_id) for kind, _, _, update_id in events_other] == [
        ("start", 5), ("end", 5), ("start", 6), ("end", 6)]
