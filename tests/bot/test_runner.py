"""`sportello run` stops cleanly on SIGTERM (systemd's way of stopping a service), and sets
the garbage collector for a long run (bot/memory.py) before the first update."""

from __future__ import annotations

import asyncio
import gc
import os
import signal
from pathlib import Path

from bot import memory, runner
from bot.domain.model import Office
from bot.settings import Settings
from bot.testing.local_api import LocalBotAPI
from storage.db import Database


def settings_for(db: Database) -> Settings:
    url = db.target if db.engine == "postgresql" else None
    return Settings(token="0:test", config_path=None, db_path=Path(db.target),
                    api_base_url=None, admins=(), log_level="INFO", database_url=url)


async def test_sigterm_stops_the_bot_cleanly(db: Database, office: Office) -> None:
    api = LocalBotAPI()
    settings = settings_for(db)
    running = asyncio.create_task(runner.serve(settings, office, request=api))
    await asyncio.wait_for(api.seen("getUpdates").wait(), timeout=30)  # polling has begun
    os.kill(os.getpid(), signal.SIGTERM)
    await asyncio.wait_for(running, timeout=30)
    assert running.exception() is None
    assert [name for name, _ in api.calls[:2]] == ["getMe", "setMyCommands"]
    reopened = await Database.open(settings.database)  # closed, and whole
    await reopened.close()


async def test_the_collector_is_settled_before_polling(db: Database, office: Office) -> None:
    before = gc.get_threshold()
    gc.set_threshold(700, *before[1:])  # Python's default, whatever an earlier test left
    api = LocalBotAPI()
    running = asyncio.create_task(runner.serve(settings_for(db), office, request=api))
    try:
        await asyncio.wait_for(api.seen("getUpdates").wait(), timeout=30)
        assert gc.get_threshold()[0] == memory.YOUNG
        assert gc.get_freeze_count() > 0  # the application, built and prepared, set aside
    finally:
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(running, timeout=30)
        gc.unfreeze()
        gc.set_threshold(*before)
