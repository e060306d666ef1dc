"""`sportello console`: the whole bot in a terminal, offline, over the in-process Bot API.

The bot's messages are printed; buttons are numbered; type text, or a button's number to press it.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any, TextIO

from bot.app import build_application, prepare
from bot.domain.model import Office
from bot.testing.client import ChatMessage
from bot.testing.local_api import LocalBotAPI
from bot.testing.local_user import LocalUser
from storage.db import Database

PROMPT = "> "


class Screen:
    """Prints what is new or changed in the chat since the last look."""

    def __init__(self, user: LocalUser, out: TextIO) -> None:
        self.user, self.out = user, out
        self.seen: dict[int, int] = {}
        self.numbered: list[tuple[ChatMessage, dict[str, Any]]] = []

    def refresh(self) -> None:
        for message in self.user.messages:
            if self.seen.get(message.message_id) == message.edits:
                continue
            edited = message.message_id in self.seen
            self.seen[message.message_id] = message.edits
            self.show(message, edited)

    def show(self, message: ChatMessage, edited: bool) -> None:
        print("\n" + ("(edited) " if edited else "") + "Bot:", file=self.out)
        if message.document:
            name, content = message.document
            saved = Path(tempfile.gettempdir()) / name
            saved.write_bytes(content)
            print(f"  [file {name}, {len(content)} bytes, saved as {saved}]", file=self.out)
        for line in message.text.splitlines():
            print("  " + line, file=self.out)
        if message.keyboard:
            self.numbered = []
            for row in message.keyboard:
                cells = []
                for button in row:
                    if "url" in button:
                        cells.append(f"{button['text']} <{button['url']}>")
                        continue
                    self.numbered.append((message, button))
                    cells.append(f"[{len(self.numbered)}] {button['text']}")
                print("  " + "   ".join(cells), file=self.out)

    async def watch(self) -> None:
        """What the bot sends on its own (reminders, notices) shows up without a keypress."""
        while True:
            await asyncio.sleep(1)
            self.refresh()


async def chat(office: Office, database: str | Path, user_id: int, language: str,
               lines: TextIO = sys.stdin, out: TextIO = sys.stdout) -> None:
    api = LocalBotAPI()
    db = await Database.open(database)
    application = build_application(office, db, request=api)
    try:
        async with application:
            await prepare(application)
            await application.start()  # the job queue: reminders and notices show up here too
            user = LocalUser(api, application, user_id, language_code=language)
            screen = Screen(user, out)
            watcher = asyncio.create_task(screen.watch())
            print("Sportello console. Type text or a button's number; /start to begin; "
                  "Ctrl-D to quit.", file=out)
            while True:
                print(PROMPT, end="", file=out, flush=True)
                line = await asyncio.to_thread(lines.readline)
                if not line:
                    break
                text = line.strip()
                if text.isdecimal() and 0 < int(text) <= len(screen.numbered):
                    message, pressed = screen.numbered[int(text) - 1]
                    toast = await user.press_data(pressed["callback_data"], message)
                    if toast:
                        print(f"\n  ({toast})", file=out)
                elif text:
                    await user.send(text)
                screen.refresh()
            watcher.cancel()
            await application.stop()
    finally:
        await db.close()
