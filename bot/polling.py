"""Reaching the Bot API and long polling it, for `sportello run`, until told to stop.

An unreachable Bot API (no network, a 5xx, anything but a refusal) is tried again after 1, 2, 4,
8, 16, then every 30 seconds, at start and during the run, with one log line per attempt. A token
refused (401, or 404: how Telegram answers a malformed one) ends it: `TokenRefused`, which says
nothing of the token itself. Polling is done here rather than by python-telegram-bot's Updater,
whose loop keeps the process alive, without polling, after a refusal.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Sequence
from typing import TypeVar

from telegram import Bot
from telegram.error import Conflict, InvalidToken, RetryAfter, TelegramError

from bot.context import App
from bot.pacing import retry_seconds

log = logging.getLogger(__name__)
T = TypeVar("T")

BACKOFF = (1, 2, 4, 8, 16, 30)
"""Seconds before each new attempt; the last repeats."""
POLL_SECONDS = 25
"""How long Telegram holds a getUpdates open when there is nothing to deliver."""


class TokenRefused(Exception):
    """The Bot API refused the token (its text never holds the token)."""


def backoff(failures: int) -> int:
    return BACKOFF[min(failures, len(BACKOFF)) - 1]


async def until_stopped(stop: asyncio.Event, work: Awaitable[T]) -> tuple[bool, T | None]:
    """Run `work` unless `stop` is set first (then `work` is cancelled): (stopped, result)."""
    task = asyncio.ensure_future(work)
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait((task, stopping), return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
    if not task.done():
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return True, None
    return False, task.result()


async def _failed(stop: asyncio.Event, where: str, error: TelegramError, failures: int) -> None:
    """Log the attempt that failed and wait before the next (or until `stop`)."""
    if isinstance(error, InvalidToken):
        raise TokenRefused from None  # its message may quote the token
    if isinstance(error, RetryAfter):
        delay = round(retry_seconds(error))
        log.warning("the Bot API at %s asks to wait: retrying in %d s", where, delay)
    elif isinstance(error, Conflict):
        delay = backoff(failures)
        log.warning("another process is polling the Bot API for this bot: retrying in %d s",
                    delay)
    else:
        delay = backoff(failures)
        log.warning("cannot reach the Bot API at %s (%s): retrying in %d s", where, error, delay)
    await until_stopped(stop, asyncio.sleep(delay))


async def connect(bot: Bot, stop: asyncio.Event, where: str) -> bool:
    """Reach the Bot API (getMe), trying until it answers; False if stopped first."""
    failures = 0
    while not stop.is_set():
        try:
            stopped, _ = await until_stopped(stop, bot.initialize())
        except TelegramError as error:
            failures += 1
            await _failed(stop, where, error, failures)
            continue
        if failures:
            log.info("the Bot API at %s answers again", where)
        return not stopped
    return False


async def poll(application: App, stop: asyncio.Event, where: str,
               allowed_updates: Sequence[str]) -> None:
    """Hand every update to `application` until `stop`; on the way out, tell Telegram the last
    one was received, so that it is not delivered again at the next start."""
    bot, offset, failures = application.bot, None, 0
    webhook_removed = False  # a webhook set by another deployment would refuse getUpdates
    while not stop.is_set():
        try:
            if not webhook_removed:
                webhook_removed = (await until_stopped(stop, bot.delete_webhook()))[1] is True
            stopped, updates = await until_stopped(stop, bot.get_updates(
                offset=offset, timeout=POLL_SECONDS, allowed_updates=allowed_updates))
        except TelegramError as error:
            failures += 1
            await _failed(stop, where, error, failures)
            continue
        if stopped or updates is None:
            break
        if failures:
            log.info("the Bot API at %s answers again", where)
            failures = 0
        for update in updates:
            await application.update_queue.put(update)
        if updates:
            offset = updates[-1].update_id + 1
    if offset is not None and not failures:
        try:
            await bot.get_updates(offset=offset, timeout=0, allowed_updates=allowed_updates)
        except TelegramError as error:
            log.info("the last updates may be delivered again at the next start: %s", error)
