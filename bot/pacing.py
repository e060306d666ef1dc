"""Telegram's limits for messages the bot sends on its own: about 30 a second overall, and one a
second to the same chat; and a pause for everything when Telegram asks for one (RetryAfter).

The limit is kept over any window of one second, not on average, so that a burst of thousands
of due messages runs at the limit without Telegram refusing any. Each send is counted from the
moment its answer arrived, which is no earlier than the moment Telegram counted it.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.ext import BaseRateLimiter

PER_SECOND = 30
CHAT_INTERVAL = 1.0
"""Seconds between two messages to the same chat."""


class Pace:
    def __init__(self, per_second: int = PER_SECOND, *,
                 monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self._monotonic, self._sleep = monotonic, sleep
        self._sent: deque[float] = deque(maxlen=per_second)
        self._chats: dict[int, float] = {}
        self._paused_until = 0.0

    def _free_at(self, chat_id: int | None) -> float:
        full = self._sent[0] + 1 if len(self._sent) == self._sent.maxlen else 0.0
        chat = self._chats[chat_id] + CHAT_INTERVAL if chat_id in self._chats else 0.0
        return max(full, chat, self._paused_until)

    async def ready(self, chat_id: int | None = None) -> None:
        """Wait until one more message may go (to `chat_id`, if given)."""
        while (wait := self._free_at(chat_id) - self._monotonic()) > 0:
            await self._sleep(wait)

    def sent(self, chat_id: int) -> None:
        now = self._monotonic()
        self._sent.append(now)
        self._chats[chat_id] = now

    def recent_chats(self) -> list[int]:
        """Chats written to less than CHAT_INTERVAL ago (forgetting older ones)."""
        since = self._monotonic() - CHAT_INTERVAL
        self._chats = {chat: at for chat, at in self._chats.items() if at > since}
        return list(self._chats)

    def pause(self, seconds: float) -> None:
        """Nothing more goes out for `seconds` (Telegram said: retry after)."""
        self._paused_until = max(self._paused_until, self._monotonic() + seconds)


class Unpaced(BaseRateLimiter[None]):
    """A rate limiter that sends at once: for measuring the application's own capacity
    (bench/), and for a webhook worker told SPORTELLO_SEND_RATE=0."""

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(self, callback: Callable[..., Awaitable[Any]], args: Any,
                              kwargs: dict[str, Any], endpoint: str, data: dict[str, Any],
                              rate_limit_args: None) -> Any:
        return await callback(*args, **kwargs)
