"""An administrator erases the personal data of the person a booking is for: on that person's
request to the data controller, for someone who booked by phone and cannot use /deletemydata.

The detail of a booking (`/b<id>`) shows administrators "Erase personal data…"; a second press
confirms. Every booking with the same codice fiscale loses name, codice fiscale, note and phone;
those still to come are cancelled; the WAL is truncated (bot/services/erasure.py).
"""

from __future__ import annotations

from markupsafe import Markup
from telegram import Update

from bot.context import Context, UpdateHandler
from bot.services import erasure
from handlers import callbacks, staff_callbacks
from handlers.common import answer, button, callback_data, send
from handlers.operator_access import Staff, invalid_button, now_ts, staff_button
from handlers.operator_visit import show_visit
from handlers.staff_callbacks import PERSON_ERASE, PERSON_ERASE_YES
from storage import bookings, privacy


async def ask(update: Update, context: Context, staff: Staff) -> None:
    deps, t = context.deps, staff.t
    booking_id = callbacks.read_id(PERSON_ERASE, callback_data(update))
    visit = await deps.db.read(bookings.get, booking_id) if booking_id is not None else None
    scope = await deps.db.read(privacy.person_bookings, visit.id, now_ts(deps)) if visit else None
    if visit is None or scope is None:
        await invalid_button(update, staff)
        return
    await answer(update)
    lines = [t.ngettext(
        "Erase the personal data of {name} ({cf}), that is name, codice fiscale, note and phone, "
        "from {n} booking (every one with this codice fiscale)?",
        "Erase the personal data of {name} ({cf}), that is name, codice fiscale, note and phone, "
        "from {n} bookings (every one with this codice fiscale)?", scope.bookings,
        name=visit.name or "—", cf=visit.codice_fiscale or "—")]
    if scope.cancelled:
        lines.append(t.ngettext(
            "{n} of them is still to come: it will be cancelled, without a message.",
            "{n} of them are still to come: they will be cancelled, without a message.",
            scope.cancelled))
    lines.append(t.gettext("This cannot be undone."))
    await send(update, context, Markup("\n\n").join(lines),
               [[button(t.plain.gettext("Yes, erase"),
                        callbacks.with_id(PERSON_ERASE_YES, visit.id)),
                 button(t.plain.gettext("No"), staff_callbacks.STOP.encode())]])


async def erase(update: Update, context: Context, staff: Staff) -> None:
    deps, t = context.deps, staff.t
    booking_id = callbacks.read_id(PERSON_ERASE_YES, callback_data(update))
    erased = (await erasure.erase_person(deps, booking_id, staff.user_id)
              if booking_id is not None else None)
    visit = await deps.db.read(bookings.get, booking_id) if booking_id is not None else None
    if erased is None or visit is None:
        await invalid_button(update, staff)
        return
    await answer(update, t.plain.gettext("Erased."))
    await show_visit(update, context, staff, visit, t.ngettext(
        "<b>Personal data erased</b> from {n} booking; {cancelled} cancelled.",
        "<b>Personal data erased</b> from {n} bookings; {cancelled} cancelled.",
        erased.bookings, cancelled=erased.cancelled) + "\n\n")


def handlers() -> list[UpdateHandler]:
    return [staff_button(PERSON_ERASE.pattern, ask, admin=True),
            staff_button(PERSON_ERASE_YES.pattern, erase, admin=True)]
