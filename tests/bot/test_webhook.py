"""The webhook's HTTP side: the secret token, updates delivered twice, /healthz, /metrics."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.domain.model import Office
from bot.testing.local_api import Fault, LocalBotAPI
from bot.testing.webhook_client import Telegram, WebhookUser
from bot.worker import Worker
from storage import inbox
from storage.db import Database
from tests.bot.conftest import PATH, StartWorkers, client, sample
from tests.handlers.conftest import Steps
from tests.seed import rows, value


def start_update(user: WebhookUser, update_id: int) -> dict[str, Any]:
    return {"update_id": update_id, "message": {
        "message_id": 1, "date": 0, "chat": user.api.chats[user.chat_id], "from": user.user,
        "text": "/start", "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}


async def test_a_citizen_books_through_the_webhook(
        start_workers: StartWorkers, telegram_to: Callable[[list[Worker]], Telegram],
        api: LocalBotAPI, office: Office, db: Database) -> None:
    telegram = telegram_to(await start_workers())
    user = WebhookUser(api, telegram, 1001)
    assert (await user.send("/start")).text.startswith("Benvenuto allo Sportello Unico")
    code = await Steps(office).book(user)
    assert await rows(db, "SELECT user_id, status FROM bookings WHERE code = ?", code) == [
        (1001, "booked")]


async def test_a_request_without_the_secret_token_is_refused(
        start_workers: StartWorkers, telegram_to: Callable[[list[Worker]], Telegram],
        api: LocalBotAPI, db: Database) -> None:
    [worker] = await start_workers()
    telegram = telegram_to([worker])
    user = WebhookUser(api, telegram, 1001)
    async with client(worker) as bare:
        missing = await bare.post(PATH, json=start_update(user, 1))
    wrong = await telegram.post(start_update(user, 2), secret="test-secret_2")
    empty = await telegram.post(start_update(user, 3), secret="")
    assert (missing.status_code, wrong.status_code, empty.status_code) == (403, 403, 403)
    assert await value(db, "SELECT count(*) FROM inbox") == 0
    right = await telegram.post(start_update(user, 4))
    assert right.status_code == 200
    await telegram.processed(4)
    assert len(user.messages) == 1


async def test_an_update_delivered_twice_is_processed_once(
        start_workers: StartWorkers, telegram_to: Callable[[list[Worker]], Telegram],
        api: LocalBotAPI, db: Database) -> None:
    workers = await start_workers(2)
    telegram = telegram_to(workers)  # the second delivery goes to the other worker
    user = WebhookUser(api, telegram, 1001)
    update = start_update(user, 7)
    first, second = await telegram.post(update), await telegram.post(update)
    assert (first.status_code, second.status_code) == (200, 200)
    await telegram.processed(7)
    for worker in workers:
        await worker.lanes.poll_once()
    assert await db.read(inbox.claimable, 0) == 0
    assert len(user.messages) == 1
    assert [name for name, params in api.calls if params.get("chat_id") == 1001] == [
        "sendMessage"]


async def test_healthz_says_whether_the_database_and_the_bot_api_answer(
        start_workers: StartWorkers, api: LocalBotAPI) -> None:
    [worker] = await start_workers(loops=False)
    async with client(worker) as http:
        healthy = await http.get("/healthz")
        api.faults.append(Fault("getMe", 502, "Bad Gateway"))
        no_api = await http.get("/healthz")
        await worker.db.close()
        no_database = await http.get("/healthz")
    assert healthy.status_code == 200
    assert healthy.json() == {"worker": "worker0", "jobs": False, "database": "ok",
                              "bot_api": "ok"}
    assert no_api.status_code == 503
    assert no_api.json()["database"] == "ok"
    assert "Bad Gateway" in no_api.json()["bot_api"]
    assert no_database.status_code == 503
    assert no_database.json()["database"] != "ok"


async def test_metrics_count_updates_bookings_and_backlogs(
        start_workers: StartWorkers, telegram_to: Callable[[list[Worker]], Telegram],
        api: LocalBotAPI) -> None:
    [worker] = await start_workers(loops=False)
    telegram = telegram_to([worker])
    user = WebhookUser(api, telegram, 1001)
    await user.send("/start")
    update = start_update(user, 99)
    await telegram.post(update)
    await telegram.post(update)
    await telegram.processed(99)
    async with client(worker) as http:
        answer = await http.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    text = answer.text
    assert sample(text, 'sportello_updates_received_total{delivery="new"}') == 2
    assert sample(text, 'sportello_updates_received_total{delivery="repeated"}') == 1
    assert sample(text, "sportello_updates_processed_total") == 2
    assert sample(text, "sportello_update_latency_seconds_count") == 2
    assert sample(text, "sportello_bookings_made_total") == 0
    assert sample(text, "sportello_outbox_backlog") == 0
    assert sample(text, "sportello_outbox_sent_total") == 0
    assert sample(text, "sportello_inbox_backlog") == 0
    assert sample(text, "sportello_jobs_leader") == 0
