"""The reminder's "I'll be there": recorded on the booking, where the operators see it.

Pressing it again, or on an older reminder, changes nothing; a booking that is not the citizen's
is refused like a button that does not exist.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.context import Context, UpdateHandler
from bot.domain.booking import Status
from bot.domain.model import to_ts
from handlers import callbacks
from handlers.callbacks import I_WILL_BE_THERE
from handlers.common import answer, callback_data, citizen, edit
from handlers.menu import BOOK
from handlers.notices import reminder
from storage import attendance


async def will_be_there(update: Update, context: Context) -> None:
    found, t = await citizen(update, context)
    deps = context.deps
    now = deps.clock.now()
    booking_id = callbacks.read_id(I_WILL_BE_THERE, callback_data(update))
    result = None
    if booking_id is not None:
        result = await deps.db.write(attendance.confirm, booking_id, found.user_id, to_ts(now))
    if result is None:
        await answer(update, t.plain.gettext("That button is not valid."), alert=True)
        return
    booking, recorded = result
    when = t.when(booking.start.astimezone(deps.office.tz))
    if booking.status == Status.CANCELLED:
        await answer(update, t.plain.gettext("This booking was cancelled. To choose another time: "
                                       "/{book}", book=BOOK.name(t.lang)), alert=True)
        return
    if booking.status != Status.BOOKED or booking.start <= now:
        await answer(update, t.plain.gettext("This appointment is already under way or over."),
                     alert=True)
        return
    if recorded:
        await answer(update, t.plain.gettext("Thank you: we expect you on {when}.", when=when))
    else:
        await answer(update, t.plain.gettext("You had already told us: we expect you on {when}.",
                                       when=when))
    await edit(update, context, *reminder(t, deps.office, booking))


def handlers() -> list[UpdateHandler]:
    return [CallbackQueryHandler(will_be_there, pattern=I_WILL_BE_THERE.pattern)]
