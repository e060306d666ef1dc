"""What every handler needs: who is talking and in which language, and safe ways to answer."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from markupsafe import Markup, escape
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.context import Context
from bot.domain.model import to_ts
from bot.i18n import Translator, language_for
from storage import citizens
from storage.citizens import Citizen

log = logging.getLogger(__name__)

Keyboard = Sequence[Sequence[InlineKeyboardButton]]


def plain_text(text: str) -> str:
    """Text for what Telegram does not read as HTML (button labels, pop-up answers): a label
    comes from `Translator.plain`; a message shared with HTML (`Markup`) loses its tags and
    entities, so a citizen's `<b>` or `&` still reads as typed."""
    return text.striptags() if isinstance(text, Markup) else text


def button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(plain_text(text), callback_data=data)


async def citizen(update: Update, context: Context) -> tuple[Citizen, Translator]:
    """The citizen behind `update` (created on first contact) and their translator."""
    user = update.effective_user
    assert user is not None
    deps = context.deps
    found = await deps.db.read(citizens.get, user.id)
    if found is None:
        found = await deps.db.write_relaxed(citizens.ensure, user.id,
                                            language_for(user.language_code),
                                            to_ts(deps.clock.now()))
    if found.unreachable:  # who writes to the bot has unblocked it: reminders may go again
        await deps.db.write(citizens.mark_reachable, user.id)
    return found, deps.i18n(found.lang)


async def send(update: Update, context: Context, text: str,
               keyboard: Keyboard | None = None) -> Message:
    """Send `text` as HTML: `Markup` as it is, any other string escaped (shown as typed)."""
    chat = update.effective_chat
    assert chat is not None
    markup = InlineKeyboardMarkup(keyboard) if keyboard else None
    return await context.bot.send_message(chat.id, escape(text), reply_markup=markup)


async def edit(update: Update, text: str, keyboard: Keyboard | None = None) -> None:
    """Replace the text (HTML, as `send`) and buttons of the message whose button was pressed;
    the same content again is not an error."""
    query = update.callback_query
    assert query is not None
    markup = InlineKeyboardMarkup(keyboard) if keyboard else None
    try:
        await query.edit_message_text(escape(text), reply_markup=markup)
    except BadRequest as error:
        if "not modified" not in str(error):
            raise


async def drop_buttons(context: Context, chat_id: int, message_id: int) -> None:
    """Take the buttons off a message the conversation has moved past (gone already: fine)."""
    try:
        await context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
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
    plain text, not HTML (see `plain_text`)."""
    query = update.callback_query
    if query is None:
        return
    try:
        await query.answer(plain_text(text) if text else None, show_alert=alert)
    except BadRequest as error:
        log.debug("callback query not answered: %s", error)
