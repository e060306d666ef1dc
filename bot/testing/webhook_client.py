"""Telegram's side of the webhook, for tests and benchmarks: `Telegram` posts updates with the
secret token (again after a failure, as Telegram does: a worker may have died with the request
in hand) and tells when one has been processed, by reading the inbox; `WebhookUser` is a
`LocalUser` whose updates go that way, to workers in this process or in others.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import httpx

from bot.testing.local_api import LocalBotAPI
from bot.testing.local_user import LocalUser
from bot.webhook import SECRET_HEADER
from storage import inbox
from storage.db import Database

ATTEMPTS = 20
RETRY_AFTER = 0.1
"""Seconds before posting again after a refusal or a broken connection."""
POLL = 0.005
"""Seconds between two looks at the inbox, while someone waits for an update to be processed."""


class Telegram:
    def __init__(self, clients: list[httpx.AsyncClient], path: str, secret: str,
                 db: Database) -> None:
        """`clients`: one per worker (posts go round), or one for a shared socket. `db`: the
        database the workers use, read to learn what is processed."""
        self._clients = itertools.cycle(clients)
        self.path, self.secret, self.db = path, secret, db
        self._waiting: dict[int, asyncio.Future[None]] = {}
        self._watching: asyncio.Task[None] | None = None
        self.posts = 0
        """Requests made, second attempts included."""

    async def post(self, payload: dict[str, Any], secret: str | None = None) -> httpx.Response:
        """One request, as it comes: with this secret (default: the right one)."""
        self.posts += 1
        headers = {SECRET_HEADER: self.secret if secret is None else secret}
        return await next(self._clients).post(self.path, json=payload, headers=headers)

    async def deliver(self, payload: dict[str, Any]) -> None:
        """Post until a worker accepts it, then wait until it is processed."""
        for _ in range(ATTEMPTS):
            try:
                if (await self.post(payload)).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            await asyncio.sleep(RETRY_AFTER)
        else:
            raise RuntimeError(f"no worker accepted update {payload['update_id']}")
        await self.processed(payload["update_id"])

    async def processed(self, update_id: int) -> None:
        found = self._waiting.setdefault(update_id, asyncio.get_running_loop().create_future())
        if self._watching is None or self._watching.done():
            self._watching = asyncio.create_task(self._watch())
        await found

    async def _watch(self) -> None:
        """One reader for everyone waiting, however many."""
        while self._waiting:
            for update_id in await self.db.read(inbox.processed, list(self._waiting)):
                self._waiting.pop(update_id).set_result(None)
            await asyncio.sleep(POLL)


class WebhookUser(LocalUser):
    def __init__(self, api: LocalBotAPI, telegram: Telegram, user_id: int,
                 **kwargs: Any) -> None:
        super().__init__(api, None, user_id, **kwargs)
        self.telegram = telegram

    async def _process(self, payload: dict[str, Any]) -> None:
        payload["update_id"] = self.api.next_update_id()
        await self.telegram.deliver(payload)
