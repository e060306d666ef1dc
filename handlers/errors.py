"""The last resort: an error in a handler is logged, and the user is told, never left in silence."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.context import Context
from bot.i18n import language_for
from storage import citizens

log = logging.getLogger(__name__)


async def on_error(update: object, context: Context) -> None:
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != update.effective_chat.PRIVATE or not update.effective_user:
        return
    user = update.effective_user
    try:
        found = await context.deps.db.read(citizens.get, user.id)
        lang = found.lang if found else language_for(user.language_code)
    except Exception:  # the database may be what failed; the apology must still go out
        lang = language_for(user.language_code)
    t = context.deps.i18n(lang)
    try:
        await context.bot.send_message(user.id, t.gettext(
            "Sorry, something went wrong on our side. What you entered so far is kept: "
            "please try again, or start over with /start."))
    except TelegramError as error:
        log.warning("could not tell user about the error: %s", error)
