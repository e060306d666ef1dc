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

Most of what a flood costs is python-telegram-bot turning each update into objects (half a
millisecond each): 500 updates would stop the bot for a quarter of a second. So the updates a chat
sends beyond its limit are dropped from getUpdates' answer before that (`FloodGate`), all but one
per answer, which reaches the processor to be dropped there, and to have the chat told.

A pressed button's update carries the whole message the button was under, its keyboard included,
which no handler reads: parsing a keyboard of twenty times took three times as long as the rest of
the update (~0.7 of ~0.95 ms here). `lean` drops it before parsing (polling, webhook, inbox alike).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram import Bot, Update
from telegram.ext import BaseUpdateProcessor
from telegram.request import BaseRequest, RequestData

log = logging.getLogger(__name__)

CONCURRENT_UPDATES = 64
"""Updates handled at the same time (each of a different chat)."""
QUEUE_LIMIT = 10
"""Updates of one chat admitted at a time, the one being handled included: more than a person
who waits for each answer ever has."""
FloodNotice = Callable[[Update], Awaitable[None]]
UNREAD = ("reply_markup", "entities", "caption_entities")
"""What the message of a pressed button holds that no handler reads: its keyboard, its formatting
(the text and caption stay)."""


def lean(update: dict[str, Any]) -> dict[str, Any]:
    """`update` (as the Bot API sends it) without what no handler reads; changed in place."""
    query = update.get("callback_query")
    message = query.get("message") if isinstance(query, dict) else None
    if isinstance(query, dict) and isinstance(message, dict):
        query["message"] = {key: value for key, value in message.items() if key not in UNREAD}
    return update


def parse(update: dict[str, Any], bot: Bot) -> Update:
    """python-telegram-bot's objects for `update`, without what no handler reads."""
    return Update.de_json(lean(update), bot)


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

    def admit(self, updates: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Of `updates` (getUpdates' answer, not parsed yet), those to hand over: beyond what a
        chat may have waiting, only one per answer (which `do_process_update` drops, telling the
        chat once per flood). The last update stays, if only by its id, so that the next
        getUpdates starts after it."""
        kept, counted = [], Counter[int]()
        for update in updates:
            chat = _chat_of(update)
            if chat is not None:
                counted[chat] += 1
                if self.waiting(chat) + counted[chat] > self.queue_limit + 1:
                    self.dropped += 1
                    continue
            kept.append(lean(update))
        if updates and (not kept or kept[-1] is not updates[-1]):
            kept.append({"update_id": updates[-1]["update_id"]})
        return kept

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


def _chat_of(update: dict[str, Any]) -> int | None:
    message = update.get("message") or update.get("edited_message") or (
        update.get("callback_query") or {}).get("message") or {}
    chat = message.get("chat", {}).get("id")
    return chat if isinstance(chat, int) else None


class FloodGate(BaseRequest):
    """How getUpdates reaches Telegram: through `request`, and back through the processor's
    `admit`, before python-telegram-bot parses anything."""

    def __init__(self, request: BaseRequest, processor: PerChatUpdateProcessor) -> None:
        self.request, self.processor = request, processor

    @property
    def read_timeout(self) -> float | None:
        return self.request.read_timeout

    async def initialize(self) -> None:
        await self.request.initialize()

    async def shutdown(self) -> None:
        await self.request.shutdown()

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        status, payload = await self.request.do_request(url, method, request_data, *args,
                                                        **kwargs)
        if status != 200 or not url.endswith("/getUpdates"):
            return status, payload
        answer = json.loads(payload)
        if answer.get("result"):
            answer["result"] = self.processor.admit(answer["result"])
        return status, json.dumps(answer).encode()
