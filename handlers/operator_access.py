"""Who may use the operator commands, and the command menu each of them sees.

Administrators are the Telegram user ids of the configuration; operators register with an
invitation. To anyone else an operator command or button is exactly an unknown command.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from telegram import Bot, BotCommandScopeChat, Message, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.context import App, Context, Deps
from bot.domain.flows import Party, Saved
from bot.domain.messages import N_
from bot.domain.model import to_ts
from bot.i18n import Translator
from handlers.common import Keyboard, answer, citizen, edit, send
from handlers.menu import CITIZEN_COMMANDS, Command, bot_commands, command_list
from handlers.start import unknown_button, unknown_command
from storage import drafts, operators

log = logging.getLogger(__name__)

AGENDA = Command("agenda", "agenda", N_("the day's bookings, desk by desk"))
NEXT = Command("next", "prossimo", N_("the next citizen at your desk"))
ROOM = Command("room", "sala", N_("the waiting room now, desk by desk"))
DESK = Command("desk", "sportello", N_("choose your desk for today"))
ADD = Command("add", "aggiungi", N_("book for a citizen on the phone or at the counter"))
CLOSE = Command("close", "chiudi", N_("close the office or a desk"))
REOPEN = Command("reopen", "riapri", N_("lift a closure"))
STATS = Command("stats", "statistiche", N_("waiting, online share, service times"))
EXPORT = Command("export", "esporta", N_("the agenda as a spreadsheet file"))
INVITE = Command("invite", "invita", N_("invite an operator (administrators)"))
OPERATORS = Command("operators", "operatori", N_("list or remove operators (administrators)"))
CALIBRATE = Command("calibrate", "calibra", N_("set a service's duration (administrators)"))

OPERATOR_COMMANDS = (AGENDA, ROOM, NEXT, DESK, ADD, CLOSE, REOPEN, STATS, EXPORT)
ADMIN_COMMANDS = (INVITE, OPERATORS, CALIBRATE)


@dataclass(frozen=True, slots=True)
class Staff:
    user_id: int
    admin: bool
    t: Translator


def staff_commands(admin: bool) -> tuple[Command, ...]:
    return OPERATOR_COMMANDS + (ADMIN_COMMANDS if admin else ())


Flow = TypeVar("Flow", bound=Saved)
StaffHandler = Callable[[Update, Context, Staff], Awaitable[None]]
Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]
"""What PTB's handler classes accept: a coroutine function, not any awaitable."""


async def staff_of(update: Update, context: Context) -> Staff | None:
    """The operator or administrator behind `update`; None for anyone else."""
    user = update.effective_user
    if user is None:
        return None
    deps = context.deps
    admin = user.id in deps.office.admins
    if not admin and not await deps.db.read(operators.is_active, user.id):
        return None
    _, t = await citizen(update, context)
    return Staff(user.id, admin, t)


def for_staff(handler: StaffHandler, *, admin: bool = False) -> Handler:
    """Run `handler` for staff only; anyone else gets the answer to an unknown command, or to an
    unknown button, and nothing more.

    A command also abandons whatever the operator was in the middle of typing.
    """
    @functools.wraps(handler)
    async def guarded(update: Update, context: Context) -> None:
        staff = await staff_of(update, context)
        if staff is None:
            await (unknown_button if update.callback_query else unknown_command)(update, context)
            return
        if admin and not staff.admin:
            await answer(update)
            await send(update, context, staff.t.gettext(
                "Only an administrator can do this. Your commands:") + "\n\n"
                + command_list(staff.t, staff_commands(False)))
            return
        if update.message is not None:
            await context.deps.db.write(drafts.delete, staff.user_id, Party.STAFF)
        await handler(update, context, staff)

    return guarded


async def draft_of(context: Context, user_id: int, kind: type[Flow]) -> Flow | None:
    """What the operator is in the middle of, if it is a `kind` and not abandoned."""
    return live_draft(context.deps, await context.deps.db.read(drafts.get, user_id, Party.STAFF),
                      kind)


def live_draft(deps: Deps, found: tuple[Saved, int] | None, kind: type[Flow]) -> Flow | None:
    """The operator's draft `found` (as read, with when it last changed), if it is a `kind` and
    not abandoned."""
    timeout = deps.office.rules.conversation_timeout_minutes * 60
    if found is None or found[1] < now_ts(deps) - timeout or not isinstance(found[0], kind):
        return None
    return found[0]


def staff_command(command: Command, handler: StaffHandler, *,
                  admin: bool = False) -> CommandHandler[Context, None]:
    return CommandHandler(command.names, for_staff(handler, admin=admin), filters.ChatType.PRIVATE)


def staff_button(pattern: str, handler: StaffHandler, *,
                 admin: bool = False) -> CallbackQueryHandler[Context, None]:
    return CallbackQueryHandler(for_staff(handler, admin=admin), pattern=pattern)


def today(deps: Deps) -> date:
    return deps.clock.now().astimezone(deps.office.tz).date()


def now_ts(deps: Deps) -> int:
    return to_ts(deps.clock.now())


async def show(update: Update, context: Context, text: str,
               keyboard: Keyboard | None = None) -> None:
    """Answer a command with a new message, a button by replacing its message (one too old
    to edit is answered with a new one)."""
    query = update.callback_query
    if query is not None and isinstance(query.message, Message):
        await edit(update, context, text, keyboard)
    else:
        await send(update, context, text, keyboard)


async def invalid_button(update: Update, staff: Staff) -> None:
    await answer(update, staff.t.plain.gettext("That button is not valid any more."), alert=True)


async def set_menu(bot: Bot, chat_id: int, t: Translator, admin: bool) -> None:
    """The operator's own menu, in their chat only; a refusal only costs the menu."""
    commands = staff_commands(admin) + CITIZEN_COMMANDS
    try:
        await bot.set_my_commands(bot_commands(t, commands), scope=BotCommandScopeChat(chat_id))
    except TelegramError as error:
        log.warning("operator menu for chat %s not set: %s", chat_id, error)


async def drop_menu(bot: Bot, chat_id: int) -> None:
    try:
        await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))
    except TelegramError as error:
        log.warning("operator menu for chat %s not removed: %s", chat_id, error)


async def set_menus(application: App) -> None:
    """At start-up: every administrator's and operator's menu, in their language (an
    administrator who never wrote to the bot has no chat yet: that refusal is logged)."""
    deps: Deps = application.bot_data["deps"]
    staff = await deps.db.read(operators.staff_languages, deps.office.admins)
    for user_id, (lang, admin) in staff.items():
        await set_menu(application.bot, user_id, deps.i18n(lang), admin)
