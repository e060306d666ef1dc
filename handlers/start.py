"""/start, /help, /language, and what the bot says to a command it does not know or in a group."""

from __future__ import annotations

from markupsafe import Markup
from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.context import Context, UpdateHandler
from bot.domain.model import LANGUAGES
from bot.i18n import Translator, language_for
from handlers import callbacks
from handlers.booking_card import cutoff_rule
from handlers.common import answer, button, callback_data, citizen, plain_text, send
from handlers.contacts import with_reach
from handlers.menu import HELP, LANGUAGE, START, command_list
from storage import citizens

LANGUAGE_NAMES = {"it": "Italiano", "en": "English"}


def welcome(t: Translator, context: Context) -> Markup:
    office = context.deps.office
    return t.gettext(
        "<b>Welcome to {office}</b>\n\n"
        "Here you book an appointment at the counter instead of queueing: choose the service, "
        "the day and the time, and I tell you which documents to bring; I remind you before the "
        "appointment. {cutoff}\n\n"
        "<b>Your data.</b> To book, we record your name, your codice fiscale and an optional "
        "note, only to serve you at the counter (a public task of the municipality). The "
        "counter's operators see them; they are erased {days} days after the appointment. "
        "/privacy gives the full notice.\n\n"
        "{commands}",
        office=office.name, days=office.rules.retention_days, commands=command_list(t),
        cutoff=cutoff_rule(t, office),
    )


async def start(update: Update, context: Context) -> None:
    _, t = await citizen(update, context)
    await send(update, context, welcome(t, context))


async def help_command(update: Update, context: Context) -> None:
    _, t = await citizen(update, context)
    office = context.deps.office
    await send(update, context, with_reach(t, office, command_list(t) + "\n\n"
                                           + cutoff_rule(t, office), separator="\n\n"))


async def language(update: Update, context: Context) -> None:
    _, t = await citizen(update, context)
    keyboard = [[button(LANGUAGE_NAMES[lang], callbacks.language(lang)) for lang in LANGUAGES]]
    await send(update, context, t.gettext("Choose your language:"), keyboard)


async def language_chosen(update: Update, context: Context) -> None:
    chosen = callbacks.read_language(callback_data(update), LANGUAGES)
    found, t = await citizen(update, context)
    if chosen is None:
        await answer(update, t.plain.gettext("That button is not valid. Use /language again."))
        return
    await context.deps.db.write(citizens.set_lang, found.user_id, chosen)
    t = context.deps.i18n(chosen)
    await answer(update)
    await send(update, context, t.gettext("From now on I will write in English.") + "\n\n"
               + command_list(t))


async def unknown_command(update: Update, context: Context) -> None:
    """Also the answer to a stranger's operator command: it reveals nothing more."""
    _, t = await citizen(update, context)
    await send(update, context, t.gettext("I don't know that command. This is what I can do:")
               + "\n\n" + command_list(t))


async def in_group(update: Update, context: Context) -> None:
    """In a group the bot only points to a private chat, where personal data stays private."""
    chat = update.effective_chat
    if chat is None or chat.type == chat.PRIVATE:
        return
    user = update.effective_user
    t = context.deps.i18n(language_for(user.language_code if user else None))
    link = f"https://t.me/{context.bot.username}"
    if update.callback_query:
        await answer(update, t.plain.gettext("Please write to me in a private chat."))
    else:
        await send(update, context,
                   t.gettext("To protect your data I work only in a private chat."),
                   [[{"text": plain_text(t.gettext("Open a private chat")), "url": link}]])
    raise ApplicationHandlerStop


def handlers() -> list[UpdateHandler]:
    return [
        CommandHandler(START.names, start, filters.ChatType.PRIVATE),
        CommandHandler(HELP.names, help_command, filters.ChatType.PRIVATE),
        CommandHandler(LANGUAGE.names, language, filters.ChatType.PRIVATE),
        CallbackQueryHandler(language_chosen, pattern=callbacks.LANGUAGE.pattern),
    ]


def group_guard() -> list[UpdateHandler]:
    """Registered before everything else (group -1): nothing else runs for a group."""
    return [
        MessageHandler(filters.ChatType.GROUPS & filters.COMMAND, in_group),
        CallbackQueryHandler(in_group),
    ]


async def unknown_button(update: Update, context: Context) -> None:
    """Callback data no handler recognises: garbage, or forged by a modified client."""
    _, t = await citizen(update, context)
    await answer(update, t.plain.gettext("This button is no longer valid."))
    await send(update, context, t.gettext("This is what I can do:") + "\n\n" + command_list(t))


def fallbacks() -> list[UpdateHandler]:
    """Registered after every other handler."""
    return [MessageHandler(filters.ChatType.PRIVATE & filters.COMMAND, unknown_command),
            CallbackQueryHandler(unknown_button)]
