"""Updates of different chats run at the same time; each chat's run in the order sent; a chat
that floods the bot waits its own turn, and what it sends beyond its limit is dropped with one
polite answer."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from telegram import Chat, Message, Update
from telegram.ext import Application

from bot.app import UPDATE_TYPES
from bot.polling import poll
from bot.testing.local_api import LocalBotAPI, RoundTrip
from bot.updates import QUEUE_LIMIT, PerChatUpdateProcessor
from tests.conftest import UserFactory


def update_from(chat_id: int, update_id: int) -> Update:
    message = Message(message_id=update_id, date=None, chat=Chat(chat_id, Chat.PRIVATE))  # type: ignore[arg-type]
    return Update(update_id, message=message)


async def test_one_chat_waits_its_turn_while_another_goes_ahead() -> None:
    processor = PerChatUpdateProcessor()
    release = asyncio.Event()
    order: list[str] = []

    async def handle(name: str, wait: bool = False) -> None:
        order.append(f"{name} starts")
        if wait:
            await release.wait()
        order.append(f"{name} ends")

    first = asyncio.create_task(processor.process_update(update_from(1, 1), handle("A1", True)))
    second = asyncio.create_task(processor.process_update(update_from(1, 2), handle("A2")))
    other = asyncio.create_task(processor.process_update(update_from(2, 3), handle("B1")))
    await other
    assert order == ["A1 starts", "B1 starts", "B1 ends"]
    release.set()
    await asyncio.gather(first, second)
    assert order[3:] == ["A1 ends", "A2 starts", "A2 ends"]
    assert processor.current_concurrent_updates == 0


async def test_a_flood_holds_one_shared_slot_and_keeps_its_order() -> None:
    processor = PerChatUpdateProcessor(max_concurrent_updates=2, queue_limit=500)
    release = asyncio.Event()
    handled: list[int] = []

    async def handle(update_id: int) -> None:
        await release.wait()
        handled.append(update_id)

    flood = [asyncio.create_task(processor.process_update(update_from(1, n), handle(n)))
             for n in range(500)]
    await asyncio.sleep(0)
    assert processor.waiting(1) == 500

    async def quick() -> None:
        handled.append(-1)

    await processor.process_update(update_from(2, 1000), quick())  # not behind the flood
    assert handled == [-1]
    release.set()
    await asyncio.gather(*flood)
    assert handled[1:] == list(range(500))
    assert processor.waiting(1) == 0


async def test_updates_beyond_the_limit_are_dropped_and_the_rest_keep_their_order() -> None:
    processor = PerChatUpdateProcessor(queue_limit=3)
    release = asyncio.Event()
    handled: list[int] = []

    async def handle(update_id: int) -> None:
        await release.wait()
        handled.append(update_id)

    burst = [asyncio.create_task(processor.process_update(update_from(1, n), handle(n)))
             for n in range(10)]
    await asyncio.sleep(0)
    release.set()
    await asyncio.gather(*burst)
    assert handled == [0, 1, 2]
    assert processor.dropped == 7


@pytest.mark.parametrize(("language", "notice"), [
    ("it", "Stai scrivendo più in fretta di quanto io riesca a rispondere"),
    ("en", "You are writing faster than I can answer"),
])
async def test_a_citizen_who_floods_is_answered_up_to_the_limit_and_asked_once_to_slow_down(
        make_user: UserFactory, api: LocalBotAPI, language: str, notice: str) -> None:
    user = make_user(1001, language_code=language)
    api.round_trip = RoundTrip(latency=0.001)  # each answer takes a moment: the rest queue up
    await asyncio.gather(*(user.write(f"messaggio {n}") for n in range(3 * QUEUE_LIMIT)))
    texts = [message.text for message in user.messages]
    assert len(texts) == QUEUE_LIMIT + 1
    assert all("/book" in text or "/prenota" in text for text in texts[:QUEUE_LIMIT])
    assert texts[-1].startswith(notice)

    await user.send("/start")  # the flood is over: answered as usual
    await asyncio.gather(*(user.write(f"ancora {n}") for n in range(2 * QUEUE_LIMIT)))
    assert sum(notice in message.text for message in user.messages) == 2


def raw(update_id: int, chat_id: int) -> dict[str, object]:
    return {"update_id": update_id, "message": {"message_id": update_id, "date": 0, "text": "x",
                                                "chat": {"id": chat_id, "type": "private"}}}


def test_before_parsing_a_flood_is_cut_to_the_limit_and_one_more_and_the_offset_kept() -> None:
    processor = PerChatUpdateProcessor(queue_limit=3)
    answer = [raw(n, 1) for n in range(1, 9)] + [raw(9, 2)] + [raw(10, 1)]
    kept = processor.admit(answer)
    assert [update["update_id"] for update in kept] == [1, 2, 3, 4, 9, 10]
    assert kept[-1] == {"update_id": 10}  # dropped, but the next getUpdates starts after it
    assert processor.dropped == 5


async def until(api: LocalBotAPI, done: Callable[[], bool]) -> None:
    """Wait, without sleeping, until `done()` holds after some message was sent."""
    while True:
        api.seen("sendMessage").clear()
        if done():
            return
        await api.seen("sendMessage").wait()


async def test_a_flood_that_comes_by_polling_is_answered_up_to_the_limit_and_not_again(
        app: Application, make_user: UserFactory, api: LocalBotAPI) -> None:
    user, stop = make_user(1001), asyncio.Event()
    await app.start()
    polling = asyncio.create_task(poll(app, stop, "the in-process Bot API", UPDATE_TYPES))
    try:
        for n in range(3 * QUEUE_LIMIT):
            user.post(f"messaggio {n}")
        await until(api, lambda: len(user.messages) == QUEUE_LIMIT + 1)
        user.post("/start")
        await until(api, lambda: len(user.messages) == QUEUE_LIMIT + 2)
    finally:
        stop.set()
        await polling
        await app.stop()
    texts = [message.text for message in user.messages]
    assert "Stai scrivendo più in fretta" in texts[QUEUE_LIMIT]
    assert texts[-1].startswith("Benvenuto")
    assert sum(name == "sendMessage" for name, _ in api.calls) == QUEUE_LIMIT + 2


def test_before_parsing_a_pressed_buttons_message_loses_its_keyboard_and_nothing_else() -> None:
    keyboard = {"inline_keyboard": [[{"text": "09:00", "callback_data": "b:1:t:9"}]]}
    pressed = {"update_id": 1, "callback_query": {
        "id": "q1", "from": {"id": 5, "is_bot": False, "first_name": "M"}, "chat_instance": "5",
        "data": "b:1:t:9", "message": {
            "message_id": 7, "date": 0, "chat": {"id": 5, "type": "private"}, "text": "Orari",
            "entities": [{"type": "bold", "offset": 0, "length": 5}],
            "reply_markup": keyboard}}}
    command = {"update_id": 2, "message": {
        "message_id": 8, "date": 0, "chat": {"id": 5, "type": "private"}, "text": "/prenota",
        "entities": [{"type": "bot_command", "offset": 0, "length": 8}],
        "reply_markup": keyboard}}
    kept = PerChatUpdateProcessor().admit([pressed, command])
    assert kept[0]["callback_query"]["message"] == {
        "message_id": 7, "date": 0, "chat": {"id": 5, "type": "private"}, "text": "Orari"}
    assert kept[0]["callback_query"]["data"] == "b:1:t:9"
    assert kept[1]["message"]["entities"] == command["message"]["entities"]  # commands need them
