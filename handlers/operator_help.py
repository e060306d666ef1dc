"""/start, /help and /language for the counter's staff: the same as for citizens, plus their own
commands; and their command menu follows the language they choose.

Registered before the citizens' /start, /help and language buttons: for anyone who is not staff
these hand over to the citizens' handlers unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from markupsafe import Markup
from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.context import Context, UpdateHandler
from handlers import callbacks, start
from handlers.common import send
from handlers.menu import HELP, START, command_list
from handlers.operator_access import Staff, set_menu, staff_commands, staff_of

Answer = Callable[[Update, Context], Coroutine[Any, Any, None]]


def staff_part(staff: Staff) -> Markup:
    t = staff.t
    heading = (t.gettext("<b>For administrators</b>") if staff.admin
               else t.gettext("<b>For the counter's operators</b>"))
    return heading + Markup("\n") + command_list(t, staff_commands(staff.admin))


def _for_staff_too(citizens: Answer, lead: Callable[[Staff, Context], Markup]) -> Answer:
    async def answer(update: Update, context: Context) -> None:
        staff = await staff_of(update, context)
        if staff is None:
            await citizens(update, context)
            return
        await send(update, context, lead(staff, context) + Markup("\n\n") + staff_part(staff))
    return answer


async def language_chosen(update: Update, context: Context) -> None:
    await start.language_chosen(update, context)
    staff = await staff_of(update, context)  # read again: in the language just chosen
    if staff is not None and update.effective_chat is not None:
        await set_menu(context.bot, update.effective_chat.id, staff.t, staff.admin)


def handlers() -> list[UpdateHandler]:
    return [
        CommandHandler(START.names, _for_staff_too(
            start.start, lambda staff, context: start.welcome(staff.t, context)),
            filters.ChatType.PRIVATE),
        CommandHandler(HELP.names, _for_staff_too(
            start.help_command, lambda staff, _: command_list(staff.t)),
            filters.ChatType.PRIVATE),
        CallbackQueryHandler(language_chosen, pattern=callbacks.LANGUAGE.pattern),
    ]
