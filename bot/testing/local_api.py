"""An in-process Telegram Bot API, for the tests, the console and the benchmarks.

`LocalBotAPI` is a `telegram.request.BaseRequest`: python-telegram-bot talks to it as it would to
Telegram, and it answers as Telegram does, including the errors that shape the code: HTML that
does not parse, a message over 4096 characters, callback data over 64 bytes, a callback answer
over 200 characters, editing a message to the same text, a blocked user (403), flood control
(429). It keeps every chat's messages as a client would show them. `LocalUser` plays a
Telegram user: sends text, presses buttons.

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
import re
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from typing import Any

from telegram import Update
from telegram.request import BaseRequest, RequestData

from bot.context import App

BOT_USER = {"id": 777000111, "is_bot": True, "first_name": "Sportello",
            "username": "SportelloBot", "can_join_groups": True,
            "can_read_all_group_messages": False, "supports_inline_queries": False}
OFFLINE_TOKEN = "0:offline"
MESSAGE_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64
ANSWER_LIMIT = 200
"""Characters of the notification that answers a callback query."""

_TAG = re.compile(r"<(/?)([a-z-]+)((?:\s+[a-z-]+=\"[^\"<>]*\")*)\s*>")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
_ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
                 "tg-spoiler", "span", "blockquote", "tg-emoji"}


class ApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after


def html_to_text(markup: str) -> str:
    """The text a client shows for `markup` sent with parse_mode=HTML; ApiError as Telegram."""
    out: list[str] = []
    stack: list[str] = []
    position = 0
    while position < len(markup):
        char = markup[position]
        if char == "<":
            tag = _TAG.match(markup, position)
            if not tag or tag[2] not in _ALLOWED_TAGS:
                raise ApiError(400, f"Bad Request: can't parse entities: unsupported start tag "
                                    f"at byte offset {position}")
            if tag[1]:
                if not stack or stack.pop() != tag[2]:
                    raise ApiError(400, f"Bad Request: can't parse entities: unmatched end tag "
                                        f"at byte offset {position}")
            else:
                stack.append(tag[2])
            position = tag.end()
        elif char == "&":
            entity = _ENTITY.match(markup, position)
            if not entity:
                raise ApiError(400, f"Bad Request: can't parse entities: unescaped & at byte "
                                    f"offset {position}")
            out.append(unescape(entity[0]))
            position = entity.end()
        else:
            out.append(char)
            position += 1
    if stack:
        raise ApiError(400, f"Bad Request: can't parse entities: no end tag for {stack[-1]}")
    return "".join(out)


def _length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class ChatMessage:
    """A message as the client shows it."""

    message_id: int
    chat_id: int
    from_bot: bool
    text: str = ""
    markup: str = ""
    """The HTML the bot sent, before parsing."""
    keyboard: list[list[dict[str, Any]]] = field(default_factory=list)
    document: tuple[str, bytes] | None = None
    edits: int = 0

    def buttons(self) -> list[str]:
        return [button["text"] for row in self.keyboard for button in row]

    def button(self, label: str) -> dict[str, Any]:
        """The button labelled `label`, else the first whose label contains it."""
        buttons = [button for row in self.keyboard for button in row]
        for found in (b for b in buttons if b["text"] == label):
            return found
        for found in (b for b in buttons if label in b["text"]):
            return found
        raise LookupError(f"no button {label!r} in {self.buttons()}")


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
                 round_trip: RoundTrip | None = None) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
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
        self.calls.append(("getUpdates", params))
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
        self.calls.append((name, params))
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
        if _length(text) > limit:
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


class LocalUser:
    """A Telegram user talking to the bot through `LocalBotAPI`."""

    def __init__(self, api: LocalBotAPI, application: App | None, user_id: int, *,
                 first_name: str = "Mario", language_code: str | None = "it",
                 chat_id: int | None = None, chat_type: str = "private") -> None:
        self.api, self.application = api, application
        self.user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            self.user["language_code"] = language_code
        self.chat_id = chat_id if chat_id is not None else user_id
        self.last_sent = 0
        """The id of the message this user sent last."""
        chat = {"id": self.chat_id, "type": chat_type}
        chat.update({"first_name": first_name} if chat_type == "private" else {"title": "Group"})
        api.chats[self.chat_id] = chat

    @property
    def id(self) -> int:
        return int(self.user["id"])

    @property
    def messages(self) -> list[ChatMessage]:
        return self.api.bot_messages(self.chat_id)

    @property
    def last(self) -> ChatMessage:
        return self.messages[-1]

    def last_with_buttons(self) -> ChatMessage:
        for message in reversed(self.messages):
            if message.keyboard:
                return message
        raise LookupError("no message with buttons")

    async def _process(self, payload: dict[str, Any]) -> None:
        """Deliver an update, and return once it is processed. `application` None: a subclass
        delivers it some other way (bot/testing/webhook_client.py, through the webhook)."""
        assert self.application is not None
        payload["update_id"] = self.api.next_update_id()
        update = Update.de_json(payload, self.application.bot)
        # the way polling hands an update over: through the application's update processor
        await self.application.update_processor.process_update(
            update, self.application.process_update(update))

    def _message(self, message_id: int | None = None, **content: Any) -> dict[str, Any]:
        if message_id is None:
            message_id = self.api.add_user_message(self.chat_id).message_id
            self.last_sent = message_id
        return {"message_id": message_id, "date": int(time.time()),
                "chat": self.api.chats[self.chat_id], "from": self.user, **content}

    @staticmethod
    def _text(text: str) -> dict[str, Any]:
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            content["entities"] = [{"type": "bot_command", "offset": 0,
                                    "length": len(command)}]
        return content

    async def send(self, text: str) -> ChatMessage:
        """Send `text`; return the bot's last message afterwards."""
        await self.write(text)
        return self.last

    async def write(self, text: str) -> None:
        """Send `text` and wait until the bot has handled it (or dropped it)."""
        await self._process({"message": self._message(**self._text(text))})

    def post(self, text: str) -> None:
        """Send `text` the way Telegram delivers it to a bot that polls: kept for getUpdates."""
        self.api.incoming({"update_id": self.api.next_update_id(),
                           "message": self._message(**self._text(text))})

    async def edit(self, text: str, message_id: int | None = None) -> ChatMessage:
        """Edit the message this user sent last (or `message_id`) to read `text`, as clients
        allow for 48 hours; return the bot's last message afterwards."""
        edited = self._message(message_id or self.last_sent, edit_date=int(time.time()),
                               **self._text(text))
        await self._process({"edited_message": edited})
        return self.last

    async def send_content(self, **content: Any) -> ChatMessage:
        """Send something other than text, e.g. `sticker={...}` or `photo=[...]`."""
        await self._process({"message": self._message(**content)})
        return self.last

    async def press(self, label: str, message: ChatMessage | None = None) -> str | None:
        """Press the button whose text contains `label` (in `message`, else the last keyboard);
        return the text of the answer to the callback query, if any."""
        target = message or self.last_with_buttons()
        return await self.press_data(target.button(label)["callback_data"], target)

    async def press_inline(self, data: str) -> dict[str, Any] | None:
        """Press a button of a message sent inline, through another chat: the callback query
        has no message. Return the answer's parameters, if any."""
        query_id = f"q{self.api.next_update_id()}"
        await self._process({"callback_query": {
            "id": query_id, "from": self.user, "chat_instance": "inline", "data": data,
            "inline_message_id": "AAAAAQ",
        }})
        return self.api.callback_answers.get(query_id)

    async def press_data(self, data: str, message: ChatMessage | None = None) -> str | None:
        """Send a callback query with any `data`, as a modified client could."""
        target = message or self.last_with_buttons()
        query_id = f"q{self.api.next_update_id()}"
        await self._process({"callback_query": {
            "id": query_id, "from": self.user, "chat_instance": str(self.chat_id), "data": data,
            "message": self.api.message_json(target),
        }})
        answer = self.api.callback_answers.get(query_id)
        return answer.get("text") if answer else None
