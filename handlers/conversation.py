"""The one router of typed text: every private message that is not a command is the answer to
the conversation in progress (bot/domain/flows.py), or gets a hint; and the operators' Stop.

An operator's flow that asks for text (a citizen's details in /add, a cancellation's reason)
takes the text first: an operator can be booking for themselves as well, and that booking gets
whatever text their operator's flow does not ask for.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.context import Context, UpdateHandler
from bot.domain.flows import Party, Saved
from bot.domain.staff_flows import AddDraft, CancelDraft
from handlers import booking, operator_add_details, operator_visit
from handlers.common import answer, look_up
from handlers.operator_access import Staff, live_draft, show, staff_button, staff_of
from handlers.staff_callbacks import STOP
from storage import drafts
from storage.engine import Connection


def _drafts(conn: Connection, user_id: int) -> tuple[tuple[Saved, int] | None, ...]:
    """The user's drafts as staff and as a citizen, read together: one trip to the database."""
    return drafts.get(conn, user_id, Party.STAFF), drafts.get(conn, user_id, Party.CITIZEN)


def _taken_before(message_id: int, *found: tuple[Saved, int] | None) -> bool:
    """Whether a conversation has taken this message already: its update is processed again
    (bot/inbox.py: at least once), and was answered the first time. If not, each draft records
    it, saved with whatever the message changes."""
    drafts_found = [draft for draft, _ in filter(None, found)]
    if any(draft.typed >= message_id for draft in drafts_found):
        return True
    for draft in drafts_found:
        draft.typed = message_id
    return False


async def text_received(update: Update, context: Context) -> None:
    user, message = update.effective_user, update.effective_message
    known, (as_staff, as_citizen) = await look_up(update, context, _drafts)
    if message is not None and _taken_before(message.message_id, as_staff, as_citizen):
        return
    if user is not None and message is not None and message.text is not None and (
            draft := live_draft(context.deps, as_staff, Saved)) is not None:
        staff = await staff_of(update, context)
        if staff is None:  # removed meanwhile: the draft is worth nothing
            await context.deps.db.write(drafts.delete, user.id, Party.STAFF)
        elif isinstance(draft, AddDraft):
            await operator_add_details.text_typed(update, context, staff, draft)
            return
        elif isinstance(draft, CancelDraft):
            await operator_visit.reason_typed(update, context, staff, draft)
            return
    await booking.on_message(update, context, known, as_citizen)


async def stop_pressed(update: Update, context: Context, staff: Staff) -> None:
    await context.deps.db.write(drafts.delete, staff.user_id, Party.STAFF)
    await answer(update)
    await show(update, context, staff.t.gettext("Stopped: nothing was changed."))


def handlers() -> list[UpdateHandler]:
    return [
        staff_button(STOP.exact, stop_pressed),
        MessageHandler(filters.ChatType.PRIVATE & ~filters.COMMAND & filters.UpdateType.MESSAGE,
                       text_received),
    ]
