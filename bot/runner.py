"""`sportello run`: the bot for real, by long polling, until SIGTERM or Ctrl-C."""

from __future__ import annotations

import asyncio
import logging
import signal

from telegram.request import BaseRequest

from bot.app import UPDATE_TYPES, build_application, prepare
from bot.config import Settings
from bot.model import Office
from storage.db import Database

log = logging.getLogger(__name__)
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


async def serve(settings: Settings, office: Office, request: BaseRequest | None = None) -> None:
    """`request`: how to reach the Bot API (default: HTTP to Telegram)."""
    assert settings.token is not None
    db = await Database.open(settings.db_path)
    application = build_application(office, db, token=settings.token, request=request,
                                    base_url=settings.api_base_url)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, stop.set)
    try:
        async with application:
            await prepare(application)
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(allowed_updates=list(UPDATE_TYPES))
            log.info("Sportello is running for %s", office.name)
            await stop.wait()
            log.info("stopping")
            await application.updater.stop()
            await application.stop()
    finally:
        for signum in STOP_SIGNALS:
            loop.remove_signal_handler(signum)
        await db.close()
