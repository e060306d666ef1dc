"""`sportello run` stops cleanly on SIGTERM (systemd's way of stopping a service)."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

from bot import runner
from bot.domain.model import Office
from bot.settings import Settings
from bot.testing.local_api import LocalBotAPI
from storage.db import Database


async def test_sigterm_stops_the_bot_cleanly(db: Database, office: Office) -> None:
    api = LocalBotAPI()
    url = db.target if db.engine == "postgresql" else None
    settings = Settings(token="0:test", config_path=None, db_path=Path(db.target),
                        api_base_url=None, admins=(), log_level="INFO", database_url=url)
    running = asyncio.create_task(runner.serve(settings, office, request=api))
    await asyncio.wait_for(api.seen("getUpdates").wait(), timeout=30)  # polling has begun
    os.kill(os.getpid(), signal.SIGTERM)
    await asyncio.wait_for(running, timeout=30)
    assert running.exception() is None
    assert [name for name, _ in api.calls[:2]] == ["getMe", "setMyCommands"]
    reopened = await Database.open(settings.database)  # closed, and whole
    await reopened.close()
