"""Updates from different chats are handled at the same time, each chat's in the order sent, and
a chat that floods the bot waits its own turn, never everyone's.

With Telegram a round trip per Bot API call, one update at a time would make every citizen wait
for everyone else's; at the same time without order, two quick presses of one citizen could be
handled the wrong way round. python-telegram-bot's processors take one of the shared slots first
and only then could wait for their chat: a chat that sends 500 updates at once would hold every
slot with updates waiting for their own chat, and every other chat would wait behind it. Here each
chat has its own queue, and only the update at the head of a queue takes a shared slot: a flood
holds one slot at most. A chat with QUEUE_LIMIT updates waiting already has any more dropped, and
is told once (`on_flood`), until its queue is empty again, to slow down.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

CONCURRENT_UPDATES = 64
"""Updates handled at the same time (each of a different chat)."""
QUEUE_LIMIT = 10
"""Updates of one chat admitted at a time, the one being handled included: more than a person
who waits for each answer ever has."""
FloodNotice = Callable[[Update], Awaitable[None]]


@dataclass
class _Chat:
    turn: asyncio.Lock = field(default_factory=asyncio.Lock)
    """Fair: the chat's updates take it in the order they came."""
    queued: int = 0
    warned: bool = False


class PerChatUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = CONCURRENT_UPDATES,
                 queue_limit: int = QUEUE_LIMIT) -> None:
        # python-telegram-bot's own semaphore is taken before `do_process_update`, by updates
        # waiting for their chat too: it must never be full. The per-chat limit bounds it.
        super().__init__(sys.maxsize)
        self.slots = max_concurrent_updates
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self.queue_limit = queue_limit
        self.on_flood: FloodNotice | None = None
        """Tells a chat its updates were dropped (set by bot/app.py, which knows the bot)."""
        self.dropped = 0
        self._chats: dict[int, _Chat] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            async with self._slots:
                await coroutine
            return
        state = self._chats.setdefault(chat.id, _Chat())
        if state.queued >= self.queue_limit:
            if isinstance(coroutine, Coroutine):
                coroutine.close()  # never to run: say so, or Python warns it was never awaited
            self.dropped += 1
            if not state.warned and self.on_flood is not None and isinstance(update, Update):
                state.warned = True
                log.warning("chat %d floods the bot: its updates beyond %d waiting are dropped",
                            chat.id, self.queue_limit)
                await self._in_turn(chat.id, state, self.on_flood(update))
            return
        await self._in_turn(chat.id, state, coroutine)

    async def _in_turn(self, chat_id: int, state: _Chat, work: Awaitable[Any]) -> None:
        state.queued += 1
        try:
            async with state.turn, self._slots:
                await work
        finally:
            state.queued -= 1
            if not state.queued:
                del self._chats[chat_id]

    def waiting(self, chat_id: int) -> int:
        """Updates of `chat_id` being handled or waiting their turn."""
        state = self._chats.get(chat_id)
        return state.queued if state else 0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
