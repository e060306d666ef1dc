"""What every handler needs: who is talking and in which language, and safe ways to answer."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from markupsafe import Markup, escape
from telegram import Bot, Update
from telegram.error import BadRequest

from bot.context import Context
from bot.domain.model import to_ts
from bot.i18n import Translator, language_for
from handlers.message_size import MAX_PARTS, TOO_LONG, answer_text, clip, split
from storage import citizens
from storage.citizens import Citizen
from storage.engine import Connection

log = logging.getLogger(__name__)
T = TypeVar("T")

Button = dict[str, str]
"""An inline keyboard button as the Bot API takes it: {"text", "callback_data"} (or "url"). Plain
data: python-telegram-bot's objects cost more to build and to turn back into JSON than the rest
of rendering a booking step."""
Keyboard = Sequence[Sequence[Button]]


def plain_text(text: str) -> str:
    """Text for what Telegram does not read as HTML (button labels, pop-up answers): a label
    comes from `Translator.plain`; a message shared with HTML (`Markup`) loses its tags and
    entities, so a citizen's `<b>` or `&` still reads as typed."""
    return text.striptags() if isinstance(text, Markup) else text


def button(text: str, data: str) -> Button:
    return {"text": plain_text(text), "callback_data": data}


def markup(keyboard: Keyboard | None) -> dict[str, Keyboard] | None:
    """The `reply_markup` of a message with these buttons."""
    return {"inline_keyboard": keyboard} if keyboard else None


async def citizen(update: Update, context: Context,
                  known: Citizen | None = None) -> tuple[Citizen, Translator]:
    """The citizen behind `update` (created on first contact) and their translator; `known`:
    as read already (`look_up`)."""
    user = update.effective_user
    assert user is not None
    deps = context.deps
    found = known or await deps.db.read(citizens.get, user.id)
    if found is None:
        found = await deps.db.write_relaxed(citizens.ensure, user.id,
                                            language_for(user.language_code),
                                            to_ts(deps.clock.now()))
    if found.unreachable:  # who writes to the bot has unblocked it: reminders may go again
        await deps.db.write(citizens.mark_reachable, user.id)
    return found, deps.i18n(found.lang)


async def look_up(update: Update, context: Context,
                  read: Callable[[Connection, int], T]) -> tuple[Citizen | None, T]:
    """The citizen behind `update`, if known (for `citizen`), and what `read(conn, user_id)`
    finds, in one transaction: one trip to the database where an update made two or three."""
    user = update.effective_user
    assert user is not None

    def both(conn: Connection) -> tuple[Citizen | None, T]:
        return citizens.get(conn, user.id), read(conn, user.id)

    return await context.deps.db.read(both)


async def bot_call(bot: Bot, method: str, **data: Any) -> Any:
    """One Bot API call, its answer left as Telegram's JSON. python-telegram-bot's own methods
    turn every answer into objects (a message with a keyboard of 40 buttons: over 40 objects),
    a fifth of a booking step's work, for answers nobody reads. The application's defaults
    (HTML, no link previews) go in as they do with its own methods; None values are left out."""
    defaults = getattr(bot, "defaults", None)
    if defaults is not None and method in _FORMATTED:
        data.setdefault("parse_mode", defaults.parse_mode)
        if method != "sendDocument":
            data.setdefault("link_preview_options", defaults.link_preview_options)
    # Bot.do_api_request is the public way, but it warns at every call of a method that
    # python-telegram-bot has a function for; _post is what the bot's own methods call.
    return await bot._post(method, data)  # noqa: SLF001


_FORMATTED = {"sendMessage", "editMessageText", "sendDocument"}


async def send(update: Update, context: Context, text: str,
               keyboard: Keyboard | None = None) -> int:
    """Send `text` as HTML (`Markup` as it is, any other string escaped: shown as typed) to the
    chat of `update`, in as many messages as it takes (at most MAX_PARTS, the last cut with a
    note); the buttons go with the last; return its id."""
    chat = update.effective_chat
    assert chat is not None
    parts = split(escape(text))
    if len(parts) > MAX_PARTS:
        parts = [*parts[:MAX_PARTS - 1],
                 clip(Markup("\n").join(parts[MAX_PARTS - 1:]), await _too_long(update, context))]
    for part in parts[:-1]:
        await bot_call(context.bot, "sendMessage", chat_id=chat.id, text=part)
    sent = await bot_call(context.bot, "sendMessage", chat_id=chat.id, text=parts[-1],
                          reply_markup=markup(keyboard))
    return int(sent["message_id"])


async def _too_long(update: Update, context: Context) -> Markup:
    """The note that a reply was cut, in the user's language."""
    user = update.effective_user
    found = await context.deps.db.read(citizens.get, user.id) if user else None
    lang = found.lang if found else language_for(user.language_code if user else None)
    return context.deps.i18n(lang).gettext(TOO_LONG)


async def edit(update: Update, context: Context, text: str,
               keyboard: Keyboard | None = None) -> None:
    """Replace the text and buttons of the message whose button was pressed (one message: a
    text too long for it is cut, with a note); the same content again is not an error."""
    query = update.callback_query
    assert query is not None
    html = escape(text)
    if len(split(html)) > 1:
        html = clip(html, await _too_long(update, context))
    assert query.message is not None
    try:
        await bot_call(context.bot, "editMessageText", chat_id=query.message.chat.id,
                       message_id=query.message.message_id, text=html,
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


async def answer(update: Update, text: str | None = None, *, alert: bool = False) -> None:
    """Answer a callback query; a query too old to answer is not an error. The answer is
    plain text, not HTML (see `plain_text`)."""
    query = update.callback_query
    if query is None:
        return
    try:
        await bot_call(query.get_bot(), "answerCallbackQuery", callback_query_id=query.id,
                       text=answer_text(plain_text(text)) if text else None,
                       show_alert=alert or None)
    except BadRequest as error:
        log.debug("callback query not answered: %s", error)
