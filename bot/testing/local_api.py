"""An in-process Telegram Bot API, for the tests, the console and the benchmarks.

`LocalBotAPI` is a `telegram.request.BaseRequest`: python-telegram-bot talks to it as it would to
Telegram, and it answers as Telegram does, including the errors that shape the code: HTML that
does not parse, a message over 4096 characters, callback data over 64 bytes, a callback answer
over 200 characters, editing a message to the same text, a blocked user (403), flood control
(429). It keeps every chat's messages as a client would show them (bot/testing/client.py);
`bot/testing/local_user.py` plays a Telegram user against it.

By default it answers at once; given a `RoundTrip` it answers as Telegram does over a network:
each call travels there, is handled (and counted against the rate limit) by "Telegram", and its
answer travels back.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import random
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from telegram.request import BaseRequest, RequestData

from bot.testing.client import ApiError, ChatMessage, html_to_text, utf16_length

BOT_USER = {"id": 777000111, "is_bot": True, "first_name": "Sportello",
            "username": "SportelloBot", "can_join_groups": True,
            "can_read_all_group_messages": False, "supports_inline_queries": False}
OFFLINE_TOKEN = "0:offline"
MESSAGE_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64
ANSWER_LIMIT = 200
"""Characters of the notification that answers a callback query."""

@dataclass
class Fault:
    """An error the API returns once, for `method` (and `chat_id` if given)."""

    method: str
    code: int
    description: str
    chat_id: int | None = None
    retry_after: int | None = None


@dataclass(frozen=True)
class RoundTrip:
    """The network between the bot and Telegram: every call takes `latency` seconds there and
    back, plus up to `jitter` more, drawn from a generator seeded with `seed` (the same run gives
    the same delays). Half of each goes on the way there, half on the way back."""

    latency: float = 0.0
    jitter: float = 0.0
    seed: int = 2026

    def __str__(self) -> str:
        if not self.latency and not self.jitter:
            return "Bot API instant (no network)"
        return (f"Bot API round trip {self.latency * 1000:g} ms + 0-{self.jitter * 1000:g} ms "
                f"jitter (seed {self.seed})")


class LocalBotAPI(BaseRequest):
    def __init__(self, *, rate_limit: int | None = None,
                 round_trip: RoundTrip | None = None, keep_calls: bool = True) -> None:
        """`keep_calls`: every call kept in `calls`, for tests to read; a benchmark counts them
        only (`call_count`), or Telegram's memory, which is not the bot's, would weigh on the
        collector of the bot's process."""
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.keep_calls = keep_calls
        self.call_count = 0
        self.chats: dict[int, dict[str, Any]] = {}
        self.messages: dict[int, dict[int, ChatMessage]] = {}
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.blocked: set[int] = set()
        self.refused: set[str] = set()
        self.faults: list[Fault] = []
        self.rate_limit = rate_limit
        self.round_trip = round_trip or RoundTrip()
        self._random = random.Random(self.round_trip.seed)
        self.sent_times: deque[float] = deque()
        self.rejected_for_rate = 0
        self._ids: dict[int, Iterator[int]] = {}
        self._seen: dict[str, asyncio.Event] = {}
        self._update_ids = itertools.count(1)
        self._inbox: list[dict[str, Any]] = []
        self._arrived = asyncio.Event()

    # -- BaseRequest --------------------------------------------------------------------------
    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        params = dict(request_data.parameters) if request_data else {}
        files = request_data.multipart_data if request_data and request_data.contains_files else {}
        return await self.call(url.rsplit("/", 1)[-1], params, files)

    async def call(self, name: str, params: dict[str, Any],
                   files: dict[str, Any]) -> tuple[int, bytes]:
        """Answer the Bot API method `name` as Telegram would: (HTTP status, JSON body), after
        the round trip's way there (when 'Telegram' counts the call) and before its way back."""
        there, back = self._legs()
        if there:
            await asyncio.sleep(there)
        try:
            if name == "getUpdates":
                return 200, await self._poll(params)
            return self._call(name, params, files)
        finally:
            if back:
                await asyncio.sleep(back)

    def incoming(self, update: dict[str, Any]) -> None:
        """An update Telegram keeps for the bot to fetch with getUpdates (`update_id` set)."""
        self._inbox.append(update)
        self._arrived.set()

    async def _poll(self, params: dict[str, Any]) -> bytes:
        """getUpdates, long polling: what arrived after `offset`, up to `limit`; if nothing
        did, wait up to `timeout` seconds for something."""
        self._record("getUpdates", params)
        self.seen("getUpdates").set()
        offset, limit = int(params.get("offset") or 0), int(params.get("limit") or 100)
        self._inbox = [update for update in self._inbox if update["update_id"] >= offset]
        if not self._inbox and params.get("timeout"):
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), float(params["timeout"]))
        return json.dumps({"ok": True, "result": self._inbox[:limit]}).encode()

    def _legs(self) -> tuple[float, float]:
        """Seconds on the way to Telegram and on the way back, for one call."""
        trip = self.round_trip
        if not trip.latency and not trip.jitter:
            return 0.0, 0.0
        there = trip.latency / 2 + self._random.uniform(0, trip.jitter / 2)
        return there, trip.latency / 2 + self._random.uniform(0, trip.jitter / 2)

    def _call(self, name: str, params: dict[str, Any], files: dict[str, Any]) -> tuple[int, bytes]:
        self._record(name, params)
        self.seen(name).set()
        try:
            result = self._answer(name, params, files)
        except ApiError as error:
            body: dict[str, Any] = {"ok": False, "error_code": error.code,
                                    "description": error.description}
            if error.retry_after is not None:
                body["parameters"] = {"retry_after": error.retry_after}
            return error.code, json.dumps(body).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _record(self, name: str, params: dict[str, Any]) -> None:
        self.call_count += 1
        if self.keep_calls:
            self.calls.append((name, params))

    def seen(self, method: str) -> asyncio.Event:
        """Set once `method` has been called: something to wait for, instead of time."""
        return self._seen.setdefault(method, asyncio.Event())

    # -- the methods --------------------------------------------------------------------------
    def _answer(self, name: str, params: dict[str, Any], files: dict[str, Any]) -> Any:
        chat_id = params.get("chat_id")
        self._fault(name, chat_id)
        if name == "getMe":
            return BOT_USER
        if name in self.refused:
            raise ApiError(400, f"Bad Request: {name} is refused by this server")
        if name in ("setMyCommands", "deleteMyCommands", "setWebhook", "deleteWebhook", "close",
                    "logOut", "sendChatAction", "setChatMenuButton"):
            return True
        if name == "answerCallbackQuery":
            if len(str(params.get("text", ""))) > ANSWER_LIMIT:
                raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
            self.callback_answers[params["callback_query_id"]] = params
            return True
        if chat_id is None or int(chat_id) not in self.chats:
            raise ApiError(400, "Bad Request: chat not found")
        chat_id = int(chat_id)
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if name in ("sendMessage", "sendDocument", "sendPhoto"):
            self._rate(name)
            return self._send(chat_id, params, files)
        if name in ("editMessageText", "editMessageReplyMarkup", "editMessageCaption"):
            return self._edit(name, chat_id, params)
        if name == "deleteMessage":
            return self.messages[chat_id].pop(int(params["message_id"]), None) is not None
        raise ApiError(400, f"Bad Request: method {name} is not emulated by LocalBotAPI")

    def _fault(self, name: str, chat_id: Any) -> None:
        for fault in self.faults:
            if fault.method == name and fault.chat_id in (None, chat_id):
                self.faults.remove(fault)
                raise ApiError(fault.code, fault.description, fault.retry_after)

    def _rate(self, name: str) -> None:
        if self.rate_limit is None:
            return
        now = time.monotonic()
        while self.sent_times and self.sent_times[0] <= now - 1:
            self.sent_times.popleft()
        if len(self.sent_times) >= self.rate_limit:
            self.rejected_for_rate += 1
            raise ApiError(429, "Too Many Requests: retry after 1", retry_after=1)
        self.sent_times.append(now)

    def _render(self, message: ChatMessage, params: dict[str, Any], key: str) -> None:
        raw = str(params.get(key, ""))
        text = html_to_text(raw) if params.get("parse_mode") == "HTML" else raw
        limit = MESSAGE_LIMIT if key == "text" else 1024
        if key == "text" and not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_length(text) > limit:
            raise ApiError(400, "Bad Request: message is too long")
        message.text, message.markup = text, raw

    def _keyboard(self, params: dict[str, Any]) -> list[list[dict[str, Any]]]:
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        rows: list[list[dict[str, Any]]] = (markup or {}).get("inline_keyboard", [])
        for row in rows:
            for button in row:
                data = button.get("callback_data")
                if data is not None and len(data.encode()) > CALLBACK_DATA_LIMIT:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return rows

    def _send(self, chat_id: int, params: dict[str, Any], files: dict[str, Any]) -> dict[str, Any]:
        ids = self._ids.setdefault(chat_id, itertools.count(1))
        message = ChatMessage(next(ids), chat_id, from_bot=True)
        if "document" in files:
            filename, content, *_ = files["document"]
            content = content if isinstance(content, bytes) else content.read()
            message.document = (filename, content)
            if params.get("caption"):
                self._render(message, params, "caption")
        elif "photo" in files:
            message.document = (files["photo"][0], b"")
        else:
            self._render(message, params, "text")
        message.keyboard = self._keyboard(params)
        self.messages.setdefault(chat_id, {})[message.message_id] = message
        return self.message_json(message)

    def _edit(self, name: str, chat_id: int, params: dict[str, Any]) -> dict[str, Any]:
        message = self.messages.get(chat_id, {}).get(int(params.get("message_id", 0)))
        if message is None or not message.from_bot:
            raise ApiError(400, "Bad Request: message to edit not found")
        before = (message.text, message.markup, message.keyboard)  # formatting counts too
        if name == "editMessageText":
            self._render(message, params, "text")
        elif name == "editMessageCaption":
            self._render(message, params, "caption")
        message.keyboard = self._keyboard(params)
        if (message.text, message.markup, message.keyboard) == before:
            raise ApiError(400, "Bad Request: message is not modified: specified new message "
                                "content and reply markup are exactly the same as a current "
                                "content and reply markup of the message")
        message.edits += 1
        return self.message_json(message)

    def message_json(self, message: ChatMessage) -> dict[str, Any]:
        body: dict[str, Any] = {"message_id": message.message_id, "date": int(time.time()),
                                "chat": self.chats[message.chat_id], "from": BOT_USER}
        if message.document:
            body["document"] = {"file_id": f"doc{message.message_id}",
                                "file_unique_id": f"u{message.message_id}",
                                "file_name": message.document[0]}
            if message.text:
                body["caption"] = message.text
        else:
            body["text"] = message.text
        if message.keyboard:
            body["reply_markup"] = {"inline_keyboard": message.keyboard}
        return body

    # -- what the tests and the console read ---------------------------------------------------
    def chat(self, chat_id: int) -> list[ChatMessage]:
        return sorted(self.messages.get(chat_id, {}).values(), key=lambda m: m.message_id)

    def bot_messages(self, chat_id: int) -> list[ChatMessage]:
        return [m for m in self.chat(chat_id) if m.from_bot]

    def next_update_id(self) -> int:
        return next(self._update_ids)

    def add_user_message(self, chat_id: int) -> ChatMessage:
        ids = self._ids.setdefault(chat_id, itertools.count(1))
        message = ChatMessage(next(ids), chat_id, from_bot=False)
        self.messages.setdefault(chat_id, {})[message.message_id] = message
        return message
