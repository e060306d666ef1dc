"""Telegram's limits on what the bot sends, kept in one place for everything it sends: about 30
messages a second overall, one a second to the same chat, 20 a minute to a group, and a pause for
everything when Telegram asks for one (RetryAfter).

Replies to citizens (through `PacedLimiter`, the application's rate limiter) and the outbox's
bulk sends (bot/outbox.py) take their places in the same `Pace`, so they share one budget, and a
reply always gets the next free place before a bulk send does: during a rush, or at 18:00 when
the day-before reminders fall due, people who are typing are answered first. Among replies, a
chat written to less in the last second goes first: nobody waits behind another chat's flood of
answers. Bulk sends are also
spread evenly over the second, so that a reply never waits long for a free place; and only bulk
sends keep one second between two messages to the same chat (a reply to a citizen who is typing
comes at once, as python-telegram-bot's own AIORateLimiter does).

When does Telegram count a message? At some moment between the request leaving and its answer
arriving. Counting each send from its answer, and counting sends still in flight, is safe whatever
the network does, but then a send holds its place for a second plus a whole round trip: at 100 ms
that caps the rate at 30/1.1 = 27 a second. So a send holds its place from its start for a second
plus its "excess": how much longer its round trip took than the quickest one measured, which bounds
how much later than the quickest send it can have reached Telegram (a send still in flight: for as
long as it is in flight), plus SAFETY. On a network that answers in 100 to 110 ms, a send holds its
place for about 1.01 s: about 29.7 a second.
"""

from __future__ import annotations

import asyncio
import itertools
import statistics
import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

PER_SECOND = 30
CHAT_INTERVAL = 1.0
"""Seconds between two bulk messages to the same chat."""
GROUP_PER_MINUTE = 20
SAFETY = 0.003
"""Seconds every send holds its place beyond what the round trips measured say."""
SAMPLES = 64
"""Round trips remembered: the quickest of them is the network's own delay."""
PRIORITY_TICK = 0.001
"""How long a send waits before looking again while another takes the place it waits for."""
RESOLUTION = 0.0001
"""Seconds close enough to a place's time to take it: a send in flight holds its place longer
the longer it flies, and waiting for less would chase it forever."""
FORGET_AT = 1024
"""Chats remembered before the ones that no longer constrain anything are forgotten."""


def retry_seconds(error: RetryAfter) -> float:
    value = error.retry_after  # seconds; a timedelta with PTB_TIMEDELTA=true, the future default
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


@dataclass(slots=True)
class Send:
    chat: int | None
    start: float
    trip: float | None = None
    """Seconds from start to answer; None while in flight (or when it failed: unknown)."""
    over: bool = False


@dataclass(slots=True)
class _Waiting:
    chat: int | None
    bulk: bool
    order: int


class Pace:
    def __init__(self, per_second: int = PER_SECOND, *,
                 monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.per_second = per_second
        self._monotonic, self._sleep = monotonic, sleep
        self._sends: deque[Send] = deque()
        """Every send that may still hold a place in the overall budget, oldest first."""
        self._last: dict[int, Send] = {}
        """The last send to each chat."""
        self._groups: dict[int, deque[Send]] = {}
        self._flying: dict[int, Send] = {}
        self._trips: deque[float] = deque(maxlen=SAMPLES)
        self._tickets = itertools.count()
        self._paused_until = 0.0
        self._bulk_next = 0.0
        """When the next bulk send may start, bulk sends being spread evenly over the second."""
        self._waiting: list[_Waiting] = []
        self._recent = Counter[int]()
        """Sends to each chat among `_sends`."""

    def _excess(self, send: Send, now: float) -> float:
        """How much later than the quickest send this one may have reached Telegram."""
        trip = send.trip if send.over and send.trip is not None else now - send.start
        return max(0.0, trip - min(self._trips, default=0.0)) + SAFETY

    def _free(self, sends: Iterable[Send], seconds: float, most: int, now: float) -> float:
        """When fewer than `most` of `sends` hold a place in a window of `seconds`."""
        ends = sorted(end for send in sends
                      if (end := send.start + seconds + self._excess(send, now)) > now)
        return ends[len(ends) - most] if len(ends) >= most else 0.0

    def margin(self) -> float:
        """How long a typical send holds its place beyond the second (as measured so far)."""
        trips = list(self._trips) or [0.0]
        return statistics.median(trips) - min(trips) + SAFETY

    def _free_at(self, chat_id: int | None, bulk: bool, now: float) -> tuple[float, float]:
        """When the overall budget, and the chat's own limits, let one more message start."""
        overall = max(self._paused_until, self._free(self._sends, 1.0, self.per_second, now))
        if bulk:  # spread evenly: a reply never waits long for a place
            overall = max(overall, self._bulk_next)
        chat = 0.0
        if bulk and chat_id in self._last:
            chat = self._free((self._last[chat_id],), CHAT_INTERVAL, 1, now)
        if chat_id in self._groups:
            chat = max(chat, self._free(self._groups[chat_id], 60.0, GROUP_PER_MINUTE, now))
        return overall, chat

    async def acquire(self, chat_id: int | None = None, *, bulk: bool = False) -> int:
        """Wait until one more message may start (to `chat_id`, if given); a ticket for
        `done`. When a place frees, of those waiting for it a reply goes before any bulk send,
        and a chat written to less in the last second before one written to more."""
        me = _Waiting(chat_id, bulk, next(self._tickets))
        self._waiting.append(me)
        try:
            while True:
                now = self._monotonic()
                ready = max(self._free_at(chat_id, bulk, now))
                if ready <= now + RESOLUTION:
                    if self._first(me, now):
                        break
                    ready = now + PRIORITY_TICK  # another takes this place: look again after
                await self._sleep(ready - now)
        finally:
            self._waiting.remove(me)
        if bulk:  # the next one is due a place later, however late this one is
            spacing = (1 + self.margin()) / self.per_second
            self._bulk_next = max(self._bulk_next, now - spacing) + spacing
        return self._start(chat_id, now)

    def _first(self, me: _Waiting, now: float) -> bool:
        """Whether `me` comes first of those who could start now."""
        def rank(waiting: _Waiting) -> tuple[bool, int, int]:
            recent = self._recent[waiting.chat] if waiting.chat is not None else 0
            return waiting.bulk, recent, waiting.order

        mine = rank(me)
        return not any(rank(other) < mine and max(self._free_at(other.chat, other.bulk, now))
                       <= now + RESOLUTION for other in self._waiting if other is not me)

    def _start(self, chat_id: int | None, now: float) -> int:
        while self._sends and self._sends[0].over and (
                self._sends[0].start + 1 + self._excess(self._sends[0], now) <= now):
            gone = self._sends.popleft()
            if gone.chat is not None:
                self._recent -= Counter({gone.chat: 1})
        send = Send(chat_id, now)
        self._sends.append(send)
        if chat_id is not None:
            self._recent[chat_id] += 1
            if len(self._last) >= FORGET_AT:
                self._forget(now)
            self._last[chat_id] = send
            if chat_id < 0:
                self._groups.setdefault(chat_id, deque(maxlen=GROUP_PER_MINUTE)).append(send)
        ticket = next(self._tickets)
        self._flying[ticket] = send
        return ticket

    def done(self, ticket: int, answered: bool = True) -> None:
        """The send of `ticket` is over: `answered`, its round trip is one more sample; failed
        (a time-out, an error), nobody knows when or whether Telegram saw it, so it holds its
        place as if it had flown until now."""
        send = self._flying.pop(ticket)
        send.trip, send.over = self._monotonic() - send.start, True
        if answered:
            self._trips.append(send.trip)

    @asynccontextmanager
    async def sending(self, chat_id: int | None = None, *, bulk: bool = False
                      ) -> AsyncIterator[None]:
        """`acquire` and `done` around one send."""
        ticket = await self.acquire(chat_id, bulk=bulk)
        answered = False
        try:
            yield
            answered = True
        finally:
            self.done(ticket, answered)

    def _holds(self, send: Send, seconds: float, now: float) -> bool:
        return not send.over or send.start + seconds + self._excess(send, now) > now

    def _forget(self, now: float) -> None:
        self._last = {chat: send for chat, send in self._last.items()
                      if self._holds(send, CHAT_INTERVAL, now)}
        self._groups = {chat: group for chat, group in self._groups.items()
                        if self._holds(group[-1], 60.0, now)}

    def recent_chats(self) -> set[int]:
        """Chats a bulk message could not start to now: written to less than CHAT_INTERVAL
        (and the excess) ago, or with a message in flight."""
        self._forget(self._monotonic())
        return set(self._last)

    def pause(self, seconds: float) -> None:
        """Nothing more starts for `seconds` (Telegram said: retry after)."""
        self._paused_until = max(self._paused_until, self._monotonic() + seconds)


PACED = "paced"
"""`rate_limit_args` of a request whose sender has taken its place in the `Pace` already."""
Callback = Callable[..., Coroutine[Any, Any, Any]]


class PacedLimiter(BaseRateLimiter[str]):
    """The application's rate limiter: every request that names a chat takes a place in `pace`
    as a reply; one flood-control answer pauses everything and the request is tried again
    `retries` times. Requests marked PACED (the outbox's) pass straight through."""

    def __init__(self, pace: Pace | None = None, retries: int = 1) -> None:
        self.pace = pace or Pace()
        self.retries = retries

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(self, callback: Callback, args: Any, kwargs: dict[str, Any],
                              endpoint: str, data: dict[str, Any],
                              rate_limit_args: str | None) -> Any:
        chat = data.get("chat_id")
        if chat is None or rate_limit_args == PACED:
            return await callback(*args, **kwargs)
        try:
            chat_id: int | None = int(chat)
        except (TypeError, ValueError):  # a channel's @username: the overall limit only
            chat_id = None
        attempt = 0
        while True:
            try:
                async with self.pace.sending(chat_id):
                    return await callback(*args, **kwargs)
            except RetryAfter as error:
                self.pace.pause(retry_seconds(error))
                attempt += 1
                if attempt > self.retries:
                    raise


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
