"""Operators come and go: /start op_<token> from an invitation, /invite, /operators."""

from __future__ import annotations

from markupsafe import Markup
from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.context import Context, UpdateHandler
from bot.domain.model import from_ts
from bot.services import invites
from handlers import callbacks
from handlers.common import Keyboard, answer, button, callback_data, citizen, send
from handlers.menu import START, command_list
from handlers.operator_access import (
    INVITE,
    OPERATORS,
    Staff,
    drop_menu,
    invalid_button,
    now_ts,
    set_menu,
    show,
    staff_button,
    staff_command,
    staff_commands,
    staff_of,
)
from handlers.staff_callbacks import OPERATOR_REMOVE
from storage import operators
from storage.operators import Redeemed

OPERATOR_NAME_LIMIT = 64


async def register(update: Update, context: Context) -> None:
    """`/start op_<token>`: the invitation link, opened by the person invited."""
    user = update.effective_user
    assert user is not None
    deps = context.deps
    staff = await staff_of(update, context)
    if staff is not None:  # the invitation stays unused, for whom it was meant
        await send(update, context, staff.t.gettext(
            "You are already on the staff: this invitation is left for someone else.")
            + "\n\n" + command_list(staff.t, staff_commands(staff.admin)))
        return
    _, t = await citizen(update, context)
    token = (context.args[0] if context.args else "").removeprefix(invites.PREFIX)
    result = await deps.db.write(operators.redeem, invites.token_hash(token), user.id,
                                 user.full_name[:OPERATOR_NAME_LIMIT], now_ts(deps))
    if result == Redeemed.REGISTERED:
        await set_menu(context.bot, user.id, t, admin=False)
        await send(update, context, t.gettext(
            "<b>Welcome, {name}.</b> You are now an operator of {office}. Your commands:",
            name=user.full_name, office=deps.office.name)
            + "\n\n" + command_list(t, staff_commands(False)))
    elif result == Redeemed.USED:
        await send(update, context, t.gettext(
            "This invitation has already been used. Ask an administrator for a new one."))
    else:
        await send(update, context, t.gettext(
            "This invitation is not valid or has expired. Ask an administrator for a new one."))


async def invite(update: Update, context: Context, staff: Staff) -> None:
    deps, t = context.deps, staff.t
    token, expires = await invites.create(deps.db, staff.user_id, deps.clock.now())
    await send(update, context, t.gettext(
        "An invitation for one operator, valid until {when}:\n\n{link}\n\n"
        "Send it only to the person you are inviting: whoever opens it first becomes an "
        "operator.",
        when=t.when(expires.astimezone(deps.office.tz)),
        link=invites.link(context.bot.username, token)))


async def _listing(context: Context, staff: Staff) -> tuple[Markup, Keyboard]:
    deps, t = context.deps, staff.t
    active = await deps.db.read(operators.active)
    lines: list[Markup] = [t.gettext("<b>Operators</b>")]
    lines += [t.gettext("• {name} (id {id}), since {day}", name=o.name, id=o.user_id,
                        day=t.short_date(from_ts(o.added, deps.office.tz).date())) for o in active]
    if active:
        lines.append(t.gettext("Press a name to remove that operator."))
    else:
        lines.append(t.gettext("No operators yet: invite one with /{invite}.",
                               invite=INVITE.name(t.lang)))
    lines.append("\n" + t.gettext("Administrators (in the configuration): {ids}",
                                  ids=", ".join(map(str, deps.office.admins))))
    keyboard = [[button(f"✕ {o.name}", callbacks.with_id(OPERATOR_REMOVE, o.user_id))]
                for o in active]
    return Markup("\n").join(lines), keyboard


async def list_operators(update: Update, context: Context, staff: Staff) -> None:
    await show(update, context, *await _listing(context, staff))


async def remove(update: Update, context: Context, staff: Staff) -> None:
    user_id = callbacks.read_id(OPERATOR_REMOVE, callback_data(update), callbacks.USER_DIGITS)
    if user_id is None:
        await invalid_button(update, staff)
        return
    deps, t = context.deps, staff.t
    removed = await deps.db.write(operators.remove, user_id, staff.user_id, now_ts(deps))
    if removed is None:
        await answer(update, t.plain.gettext("Already removed."))
    else:
        await drop_menu(context.bot, user_id)
        await answer(update, t.plain.gettext("Removed: no longer an operator."))
    await show(update, context, *await _listing(context, staff))


def start_handlers() -> list[UpdateHandler]:
    """Before /start itself, which would otherwise take the invitation for a plain /start."""
    return [CommandHandler(START.names, register,
                           filters.ChatType.PRIVATE & filters.Regex(rf"^/\S+\s+{invites.PREFIX}"))]


def handlers() -> list[UpdateHandler]:
    return [
        staff_command(INVITE, invite, admin=True),
        staff_command(OPERATORS, list_operators, admin=True),
        staff_button(OPERATOR_REMOVE.pattern, remove, admin=True),
    ]
