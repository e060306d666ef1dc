"""What an operator types in the middle of a command (a reason, a citizen's name), and Stop.

Registered in the group that runs before every other handler: text from someone with an operator
draft in progress is taken here and goes no further; anyone else's text is left to the citizens'
handlers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    MessageHandler,
    filters,
)

from bot.context import Context
from handlers.common import answer
from handlers.operator_access import Staff, draft_of, show, staff_button, staff_of
from handlers.operator_add import ADD_DRAFT, text_typed
from handlers.operator_visit import CANCELLATION, reason_typed
from storage import operator_drafts
from storage.operator_drafts import Draft

TYPED: dict[str, Callable[[Update, Context, Staff, Draft], Awaitable[None]]] = {
    CANCELLATION: reason_typed,
    ADD_DRAFT: text_typed,
}


async def text_received(update: Update, context: Context) -> None:
    user = update.effective_user
    if user is None:
        return
    draft = await draft_of(context, user.id)
    if draft is None or draft.action not in TYPED:
        return
    staff = await staff_of(update, context)
    if staff is None:  # removed meanwhile: the draft is worth nothing
        await context.deps.db.write(operator_drafts.clear, user.id)
        return
    await TYPED[draft.action](update, context, staff, draft)
    raise ApplicationHandlerStop


async def stop_pressed(update: Update, context: Context, staff: Staff) -> None:
    await context.deps.db.write(operator_drafts.clear, staff.user_id)
    await answer(update)
    await show(update, context, staff.t.gettext("Stopped: nothing was changed."))


def input_handlers() -> list[BaseHandler]:
    """For the group that runs first (see the module's docstring)."""
    return [MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND,
                           text_received)]


def handlers() -> list[BaseHandler]:
    return [staff_button(r"^op:stop$", stop_pressed)]
