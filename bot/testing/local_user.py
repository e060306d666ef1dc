"""A Telegram user talking to the bot through the in-process Bot API: sends text, edits it,
presses buttons, reads what the chat shows."""

from __future__ import annotations

import time
from typing import Any

from bot.context import App
from bot.testing.client import ChatMessage
from bot.testing.local_api import LocalBotAPI
from bot.updates import parse


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
        update = parse(payload, self.application.bot)
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

    async def write_again(self, text: str) -> None:
        """The message this user sent last, reading `text`, processed once more: what a worker
        does with an update another worker stopped in the middle of."""
        await self._process({"message": self._message(self.last_sent, **self._text(text))})

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
