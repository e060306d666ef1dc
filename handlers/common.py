"""What every handler needs: who is talking and in which language, and safe ways to answer."""

from __future__ import annotations

import html
import logging
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from telegram import Bot, Update
from telegram.error import BadRequest

from bot.context import Context
from bot.domain.model import to_ts
from bot.i18n import Translator, language_for
from storage import citizens
from storage.citizens import Citizen

log = logging.getLogger(__name__)
T = TypeVar("T")

Button = dict[str, str]
"""An inline keyboard button as the Bot API takes it: {"text", "callback_data"} (or "url").
Plain data: python-telegram-bot's objects cost more to build and to turn back into JSON than the
rest of a booking step."""
Keyboard = Sequence[Sequence[Button]]


def button(text: str, data: str) -> Button:
    return {"text": text, "callback_data": data}


def markup(keyboard: Keyboard | None) -> dict[str, Keyboard] | None:
    return {"inline_keyboard": keyboard} if keyboard else None


async def bot_call(bot: Bot, method: str, **data: Any) -> Any:
    """One Bot API call, its answer left as Telegram's JSON. python-telegram-bot's own methods
    turn every answer into objects (a message with a keyboard of 40 buttons: over 40 objects),
    which cost a fifth of a booking step and which nobody reads. The application's defaults (HTML,
    no link previews) go in as they do with its own methods; None values are left out."""
    defaults = getattr(bot, "defaults", None)
    if defaults is not None and method in _FORMATTED:
        data.setdefault("parse_mode", defaults.parse_mode)
        if method != "sendDocument":
            data.setdefault("link_preview_options", defaults.link_preview_options)
    # Bot.do_api_request is the public way, but it warns at every call of a method that
    # python-telegram-bot has a function for; _post is what the bot's own methods call.
    return await bot._post(method, data)  # noqa: SLF001


_FORMATTED = {"sendMessage", "editMessageText", "sendDocument"}


async def citizen(update: Update, context: Context) -> tuple[Citizen, Translator]:
    """The citizen behind `update` (created on first contact) and their translator."""
    who, t, _ = await citizen_and(update, context, _nothing)
    return who, t


def _nothing(conn: sqlite3.Connection, user_id: int) -> None:
    return None


async def citizen_and(update: Update, context: Context, read: Callable[[sqlite3.Connection, int], T]
                      ) -> tuple[Citizen, Translator, T]:
    """`citizen`, and what `read(conn, user_id)` finds, in the same transaction: one trip to
    the database thread where an update would make two."""
    user = update.effective_user
    assert user is not None
    deps = context.deps

    def known(conn: sqlite3.Connection) -> tuple[Citizen | None, T | None]:
        found = citizens.get(conn, user.id)
        return found, read(conn, user.id) if found else None

    def first_contact(conn: sqlite3.Connection) -> tuple[Citizen, T]:
        lang = language_for(user.language_code)
        return citizens.ensure(conn, user.id, lang, to_ts(deps.clock.now())), read(conn, user.id)

    found, extra = await deps.db.read(known)
    if found is None:
        found, extra = await deps.db.write_relaxed(first_contact)
    if found.unreachable:  # who writes to the bot has unblocked it: reminders may go again
        await deps.db.write(citizens.mark_reachable, user.id)
    return found, deps.i18n(found.lang), extra  # type: ignore[return-value]


async def send(update: Update, context: Context, text: str,
               keyboard: Keyboard | None = None) -> int:
    """Send `text` (and buttons) to the update's chat; the new message's id."""
    chat = update.effective_chat
    assert chat is not None
    sent = await bot_call(context.bot, "sendMessage", chat_id=chat.id, text=text,
                          reply_markup=markup(keyboard))
    return int(sent["message_id"])


async def edit(update: Update, text: str, keyboard: Keyboard | None = None) -> None:
    """Replace the text and buttons of the message whose button was pressed; the same content
    again is not an error."""
    query = update.callback_query
    assert query is not None
    assert query.message is not None
    try:
        await bot_call(query.get_bot(), "editMessageText", chat_id=query.message.chat.id,
                       message_id=query.message.message_id, text=text,
                       reply_markup=markup(keyboard))
    except BadRequest as error:
        if "not modified" not in str(error):
            raise


async def drop_buttons(context: Context, chat_id: int, message_id: int) -> None:
    """Take the buttons off a message the conversation has moved past (gone already: fine)."""
    try:
        await bot_call(context.bot, "editMessageReplyMarkup", chat_id=chat_id,
                       message_id=message_id)
    except BadRequest as error:
        log.debug("buttons of message %s not removed: %s", message_id, error)


def callback_data(update: Update) -> str:
    """The data of the pressed button: untrusted, whatever a client chose to send."""
    query = update.callback_query
    return (query.data or "") if query else ""


def callback_number(update: Update, prefix: str) -> int | None:
    """The id after `prefix` in the pressed button's data; None unless it is one (1-12 digits)."""
    data = callback_data(update)
    rest = data[len(prefix):] if data.startswith(prefix) else ""
    return int(rest) if rest.isascii() and rest.isdigit() and len(rest) <= 12 else None


async def answer(update: Update, text: str | None = None, *, alert: bool = False) -> None:
    """Answer a callback query; a query too old to answer is not an error. The answer is
    plain text, not HTML: what the translator escaped is shown as typed."""
    query = update.callback_query
    if query is None:
        return
    try:
        await bot_call(query.get_bot(), "answerCallbackQuery", callback_query_id=query.id,
                       text=html.unescape(text) if text else None, show_alert=alert or None)
    except BadRequest as error:
        log.debug("callback query not answered: %s", error)
