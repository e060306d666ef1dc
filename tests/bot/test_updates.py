"""Updates of different chats run at the same time; each chat's run in the order sent."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update

from bot.updates import PerChatUpdateProcessor


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
