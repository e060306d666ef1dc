"""The outbox dispatcher in a process of its own, for tests/bot/test_outbox_crash.py to kill -9.

It sends what is due in the database DB at the instant NOW (Unix seconds) to an in-process Bot
API that appends the chat of every message it accepts to LOG, answers the first ANSWERED, and
accepts the later ones without ever answering: once the dispatcher has IN_FLIGHT of them in
flight, it prints "in flight" and waits to be killed.

    python -m tests.bot.outbox_to_kill DB NOW LOG ANSWERED
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telegram.request import RequestData

from bot.app import build_application, prepare
from bot.config import load_office
from bot.outbox import IN_FLIGHT, dispatcher
from bot.testing.clock import FakeClock
from bot.testing.local_api import LocalBotAPI
from storage.db import Database, is_url


class HangingAPI(LocalBotAPI):
    def __init__(self, log: Path, answered: int) -> None:
        super().__init__()
        self.log, self.answered, self.hanging = log.open("a"), answered, 0

    def _send(self, chat_id: int, params: dict[str, Any], files: dict[str, Any]) -> dict:
        sent = super()._send(chat_id, params, files)
        self.log.write(f"{chat_id}\n")
        self.log.flush()  # in the kernel's hands: a kill -9 does not lose it
        return sent

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        answer = await super().do_request(url, method, request_data, *args, **kwargs)
        if url.endswith("/sendMessage") and self.answered <= 0:
            self.hanging += 1
            if self.hanging == IN_FLIGHT:
                print("in flight", flush=True)
            await asyncio.Event().wait()
        self.answered -= url.endswith("/sendMessage")
        return answer


async def main(target: str, now: int, log: Path, answered: int) -> None:
    db = await Database.open(target if is_url(target) else Path(target))
    api = HangingAPI(log, answered)
    for (chat,) in await db.read(lambda conn: conn.execute("SELECT user_id FROM citizens")
                                 .fetchall()):
        api.chats[chat] = {"id": chat, "type": "private", "first_name": "M"}
    clock = FakeClock(datetime.fromtimestamp(now, UTC))
    application = build_application(load_office(), db, request=api, clock=clock)
    async with application:
        await prepare(application)
        await dispatcher(application).drain()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])))
