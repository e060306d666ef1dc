"""A booking found by the code the citizen shows at the counter: typed as it is (any case, with
or without spaces) or after /b; the booking's card with its actions, whatever its day.

The typed code is looked at in a group that runs before any other: an operator's text that is
not a code, or that is an answer they are typing (a name, a reason), goes on as before, and so
does anyone else's.
"""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import ApplicationHandlerStop, MessageHandler, filters

from bot.context import Context, UpdateHandler
from bot.domain.booking_code import parse_code
from bot.domain.flows import Saved
from handlers.agenda_view import DETAIL_COMMAND, clip
from handlers.common import send
from handlers.menu import Command
from handlers.operator_access import (
    Staff,
    draft_of,
    now_ts,
    staff_command,
    staff_of,
)
from handlers.operator_visit import show_visit
from storage import agenda, audit

FIND = Command(DETAIL_COMMAND, DETAIL_COMMAND, "")
"""/b CODE (/b<id>, the agenda's link, is handled with the visit)."""
LOOKS_LIKE_A_CODE = re.compile(r"^[\w\s.-]{6,16}$")
ECHO_LIMIT = 20


async def show_code(update: Update, context: Context, staff: Staff, typed: str) -> None:
    deps, t = context.deps, staff.t
    code = parse_code(typed)
    visit = await deps.db.read(agenda.by_code, code) if code else None
    if visit is None:
        await send(update, context, t.gettext(
            "No booking has the code {code}. Codes have six letters and digits, without 0, O, "
            "1 or I: check it with the citizen, or look for the booking in /agenda.",
            code=clip(typed, ECHO_LIMIT)))
        return
    await deps.db.write(audit.record, now_ts(deps), staff.user_id, "view", visit.id)
    await show_visit(update, context, staff, visit)


async def find_command(update: Update, context: Context, staff: Staff) -> None:
    typed = " ".join(context.args or [])
    if not typed:
        await send(update, context, staff.t.gettext(
            "Write the booking code after the command, as in /b GW5YPP."))
        return
    await show_code(update, context, staff, typed)


async def text_received(update: Update, context: Context) -> None:
    message, user = update.effective_message, update.effective_user
    text = message.text if message else None
    if user is None or not text or not LOOKS_LIKE_A_CODE.match(text) or parse_code(text) is None:
        return
    if await draft_of(context, user.id, Saved) is not None:
        return  # an answer the operator is typing
    staff = await staff_of(update, context)
    if staff is None:
        return
    await show_code(update, context, staff, text)
    raise ApplicationHandlerStop


def first() -> list[UpdateHandler]:
    """For a group that runs before the operators' typed answers (see the module's docstring)."""
    return [MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND,
                           text_received)]


def handlers() -> list[UpdateHandler]:
    return [staff_command(FIND, find_command)]
