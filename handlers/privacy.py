"""/privacy, the full notice; /deletemydata, erasure on request (asked twice)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.context import Context, UpdateHandler
from bot.domain.model import to_ts
from bot.services import erasure
from handlers import callbacks
from handlers.callbacks import Erasure
from handlers.common import answer, button, callback_data, citizen, edit, send
from handlers.menu import DELETE_MY_DATA, PRIVACY
from handlers.start import unknown_button
from storage import bookings


async def notice(update: Update, context: Context) -> None:
    _, t = await citizen(update, context)
    office = context.deps.office
    text = t.gettext(
        "<b>How your data is used</b>\n\n"
        "<b>Data controller:</b> {controller}.\n\n"
        "<b>What we record:</b> your Telegram account number and language; for each booking, "
        "the service, the day and time, the name and codice fiscale of the person who will come "
        "and the note you write, and when the booking was made, changed, confirmed, served.\n\n"
        "<b>Why:</b> only to run the counter's appointments: to keep your time, to prepare your "
        "case, to remind you, and to count how the service is used. Legal basis: the performance "
        "of a task in the public interest of the municipality (GDPR art. 6(1)(e)).\n\n"
        "<b>Who sees it:</b> the counter's operators. Nobody else: no advertising, no profiling, "
        "nothing passed to third parties. Telegram carries the messages as its own controller.\n\n"
        "<b>How long:</b> names, codici fiscali and notes are erased {days} days after the "
        "appointment; only anonymous counts remain.\n\n"
        "<b>Your rights:</b> to see, correct or erase your data and to object, by writing to the "
        "data controller; /deletemydata erases it at once. You can also complain to the Garante "
        "per la protezione dei dati personali (garanteprivacy.it).",
        controller=office.data_controller, days=office.rules.retention_days)
    if office.contacts.dpo_email:
        text += "\n\n" + t.gettext("<b>Data protection officer:</b> {email}.",
                                   email=office.contacts.dpo_email)
    await send(update, context, text)


async def ask(update: Update, context: Context) -> None:
    who, t = await citizen(update, context)
    deps = context.deps
    count = await deps.db.read(bookings.active_for_user, who.user_id, to_ts(deps.clock.now()))
    text = t.ngettext(
        "This cancels your {n} upcoming booking and erases your name, codici fiscali and notes. "
        "Anonymous counts remain. Go ahead?",
        "This cancels your {n} upcoming bookings and erases your name, codici fiscali and notes. "
        "Anonymous counts remain. Go ahead?", count) if count else t.gettext(
        "This erases your name, codici fiscali and notes. Anonymous counts remain. Go ahead?")
    await send(update, context, text,
               [[button(t.plain.gettext("Yes, erase my data"), callbacks.privacy(Erasure.ERASE)),
                 button(t.plain.gettext("No"), callbacks.privacy(Erasure.KEEP))]])


async def on_button(update: Update, context: Context) -> None:
    action = callbacks.read_privacy(callback_data(update))
    if action is None:
        await unknown_button(update, context)
        return
    who, t = await citizen(update, context)
    await answer(update)
    if action is Erasure.KEEP:
        await edit(update, context, t.gettext("Nothing was erased."))
        return
    deps = context.deps
    cancelled = await erasure.erase_citizen(deps, who.user_id)
    await edit(update, context, t.ngettext(
        "Done: {n} booking cancelled and your personal data erased. If you write again, you "
        "start from scratch.",
        "Done: {n} bookings cancelled and your personal data erased. If you write again, you "
        "start from scratch.", cancelled))
    if cancelled:
        await deps.offer_free_times()


def handlers() -> list[UpdateHandler]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler(PRIVACY.names, notice, private),
        CommandHandler(DELETE_MY_DATA.names, ask, private),
        CallbackQueryHandler(on_button, pattern=callbacks.PRIVACY.pattern),
    ]
