"""Updates that are not a new message or a button pressed under one of the bot's messages: each
gets an answer (or, where nobody could read one, nothing), and never reaches a handler written
for another shape.

- An edited message is not read again: what it said was handled when it was new, and acting on
  it twice (a closure, a name in /add, a cancellation reason) could do what nobody asked. In a
  private chat the sender is told to send it again as a new message.
- A button pressed with no message to it (a message sent inline, through another chat) gets a
  pop-up: the bot sends no such buttons, so it is forged or from elsewhere.
- Anything else without a user and a chat (channel posts, polls, ...) is dropped.

Registered first, in its own group (bot/app.py).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.context import Context, UpdateHandler
from bot.i18n import Translator, language_for
from handlers.common import answer, send
from storage import citizens


async def _translator(update: Update, context: Context) -> Translator:
    """The user's language, without making them a citizen (a read only)."""
    user = update.effective_user
    found = await context.deps.db.read(citizens.get, user.id) if user else None
    return context.deps.i18n(found.lang if found else language_for(
        user.language_code if user else None))


async def triage(update: object, context: Context) -> None:
    if not isinstance(update, Update):
        raise ApplicationHandlerStop
    chat = update.effective_chat
    if update.edited_message is not None:
        if chat is not None and chat.type == chat.PRIVATE:
            t = await _translator(update, context)
            await send(update, context, t.gettext(
                "I do not read edited messages: if you meant to change what you sent, send it "
                "again as a new message."))
        raise ApplicationHandlerStop
    query = update.callback_query
    if query is not None and query.message is None:
        t = await _translator(update, context)
        await answer(update, t.gettext("This button works only in the chat with the bot."),
                     alert=True)
        raise ApplicationHandlerStop
    shaped = update.message is not None or query is not None
    if not shaped or update.effective_user is None or chat is None:
        raise ApplicationHandlerStop


def handlers() -> list[UpdateHandler]:
    return [TypeHandler(Update, triage)]
