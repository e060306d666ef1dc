"""`sportello run`: the bot for real, by long polling, until SIGTERM or Ctrl-C.

Whatever happens, the way out is the same: polling stops, the application stops (its jobs and
the updates in hand), then shuts down, and the database is closed; so a stop never leaves "This
Application is still running!" behind, and never a traceback.
"""

from __future__ import annotations

import asyncio
import logging
import signal

from telegram.request import BaseRequest

from bot import memory
from bot.app import build_application, prepare
from bot.context import App
from bot.domain.model import Office
from bot.polling import TokenRefused, connect, poll
from bot.settings import Settings
from storage.db import Database

__all__ = ["NotReached", "TokenRefused", "serve"]

log = logging.getLogger(__name__)
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
TELEGRAM = "https://api.telegram.org"
ALLOWED_UPDATES = ("message", "edited_message", "callback_query")
"""Edited messages too, so that whoever edits one is told it is not read again."""


class NotReached(Exception):
    """Stopped before the Bot API ever answered."""


def api_address(settings: Settings) -> str:
    """Where the Bot API is, as it can be shown: the token is never part of it."""
    return (settings.api_base_url or TELEGRAM).rstrip("/")


async def serve(settings: Settings, office: Office, request: BaseRequest | None = None) -> None:
    """`request`: how to reach the Bot API (default: HTTP to `settings.api_base_url`)."""
    assert settings.token is not None
    db = await Database.open(settings.database)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, stop.set)
    try:
        application = build_application(office, db, token=settings.token, request=request,
                                        base_url=settings.api_base_url)
        await _run(application, stop, api_address(settings), office)
    finally:
        for signum in STOP_SIGNALS:
            loop.remove_signal_handler(signum)
        await db.close()


async def _run(application: App, stop: asyncio.Event, where: str,
               office: Office) -> None:
    try:
        if not await connect(application.bot, stop, where):
            raise NotReached(where)
        await application.initialize()
        await prepare(application)
        memory.settle()
        await application.start()
        log.info("Sportello is running for %s", office.name)
        await poll(application, stop, where, ALLOWED_UPDATES)
        log.info("stopping")
    finally:
        if application.running:
            await application.stop()
        await application.shutdown()
        await application.bot.shutdown()  # reached before the application was: its connections
