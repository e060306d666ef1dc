"""Several workers on one database: each chat's updates in order, by one worker at a time, and
a chat whose worker died taken over when its lease expires."""

from __future__ import annotations

import asyncio
import sqlite3
from collections import defaultdict
from collections.abc import Callable

from telegram import Update
from telegram.ext import TypeHandler

from bot import outbox
from bot.outbox import Dispatcher
from bot.pacing import PacedLimiter
from bot.testing.local_api import LocalBotAPI
from bot.testing.webhook_client import Telegram, WebhookUser
from bot.worker import Worker
from storage import inbox
from storage.db import Database
from tests.bot.conftest import StartWorkers, WallClock
from tests.seed import rows

COMMANDS = ("/start", "/help", "/privacy", "/language", "/help", "/start")


def record(workers: list[Worker]) -> list[tuple[str, str, int, int]]:
    """(start or end, worker, chat, update_id), in the order the applications processed them."""
    events: list[tuple[str, str, int, int]] = []

    def recorder(kind: str, worker: str) -> TypeHandler:
        async def note(update: Update, context: object) -> None:
            assert update.effective_chat is not None
            events.append((kind, worker, update.effective_chat.id, update.update_id))
        return TypeHandler(Update, note)

    for worker in workers:
        worker.application.add_handler(recorder("start", worker.name), group=-100)
        worker.application.add_handler(recorder("end", worker.name), group=100)
    return events


async def test_each_chats_updates_are_processed_in_order_by_one_worker_at_a_time(
        start_workers: StartWorkers, telegram_to: Callable[[list[Worker]], Telegram],
        api: LocalBotAPI) -> None:
    workers = await start_workers(3)
    events = record(workers)
    api.latency = 0.002  # each Bot API call yields, as a network round trip does
    telegram = telegram_to(workers)  # consecutive updates of a chat reach different workers
    users = [WebhookUser(api, telegram, 2000 + n) for n in range(12)]

    async def post_all(user: WebhookUser) -> list[int]:
        """A citizen's commands in quick succession, each sent when the last was received."""
        sent = []
        for command in COMMANDS:
            sent.append(api.next_update_id())
            answer = await telegram.post({"update_id": sent[-1], "message": {
                "message_id": sent[-1], "date": 0, "chat": api.chats[user.chat_id],
                "from": user.user, "text": command,
                "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}]}})
            assert answer.status_code == 200
        return sent

    sent = await asyncio.gather(*(post_all(user) for user in users))
    await asyncio.gather(*(telegram.processed(u) for ids in sent for u in ids))

    by_chat: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for kind, _, chat, update_id in events:
        by_chat[chat].append((kind, update_id))
    for user, ids in zip(users, sent, strict=True):
        expected = [(kind, u) for u in ids for kind in ("start", "end")]
        assert by_chat[user.chat_id] == expected  # in order, never two at once, each once
        assert len(user.messages) == len(COMMANDS)
    assert len({worker for _, worker, _, _ in events}) > 1


async def test_a_chat_held_by_a_dead_worker_is_taken_over_when_its_lease_expires(
        start_workers: StartWorkers, telegram_to: Callable[[list[Worker]], Telegram],
        api: LocalBotAPI, db: Database) -> None:
    clock = WallClock()
    [worker] = await start_workers(loops=False, now_ms=clock, lease_seconds=10)
    telegram = telegram_to([worker])
    user = WebhookUser(api, telegram, 3001)
    payload = ('{"update_id": 5, "message": {"message_id": 5, "date": 0, "chat": {"id": 3001, '
               '"type": "private", "first_name": "Mario"}, "from": {"id": 3001, "is_bot": false, '
               '"first_name": "Mario"}, "text": "/help", "entities": [{"type": "bot_command", '
               '"offset": 0, "length": 5}]}}')

    def received_and_taken(conn: sqlite3.Connection) -> inbox.Delivery | None:
        """By a worker that died then: in one transaction, so that no lane here sees it free."""
        inbox.receive(conn, 5, 3001, payload, clock.now)
        return inbox.claim(conn, "dead:1/0", clock.now, 10_000)

    taken = await db.write(received_and_taken)
    assert taken is not None
    assert taken.attempts == 1

    assert await worker.lanes.poll_once() == 0  # the chat is held
    clock.now += 10_000
    assert await worker.lanes.poll_once() == 1
    await telegram.processed(5)
    assert len(user.messages) == 1
    assert await rows(db, "SELECT state, attempts FROM inbox WHERE update_id = 5") == [
        ("done", 2)]


async def test_a_worker_paces_its_replies_and_the_outbox_with_one_share_of_telegrams_rate(
        start_workers: StartWorkers) -> None:
    worker, = await start_workers(1, loops=False, send_rate=7)
    limiter = worker.application.bot.rate_limiter
    assert isinstance(limiter, PacedLimiter)
    dispatcher: Dispatcher = worker.application.bot_data[outbox.KEY]
    assert dispatcher.pace is limiter.pace
    assert limiter.pace.per_second == 7
