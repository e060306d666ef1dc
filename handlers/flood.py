"""What a citizen who writes faster than the bot can answer is told, once per flood
(bot/updates.py drops the updates beyond its per-chat limit)."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.context import App, Deps
from bot.i18n import language_for
from storage import citizens

log = logging.getLogger(__name__)


async def slow_down(application: App, update: Update) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or chat.type != chat.PRIVATE:
        return  # in a group the bot only points to a private chat: nothing to add
    deps: Deps = application.bot_data["deps"]
    found = await deps.db.read(citizens.get, user.id)
    t = deps.i18n(found.lang if found else language_for(user.language_code))
    try:
        await application.bot.send_message(chat.id, t.gettext(
            "You are writing faster than I can answer, so I am skipping your last messages. "
            "Please wait for my answer before you write or press a button again."))
    except TelegramError as error:
        log.warning("could not ask chat %d to slow down: %s", chat.id, error)
