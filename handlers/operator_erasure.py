"""An administrator erases the personal data of the person a booking is for: on that person's
request to the data controller, for someone who booked by phone and cannot use /deletemydata.

The detail of a booking (`/b<id>`) shows administrators "Erase personal data…"; a second press
confirms. Every booking with the same codice fiscale loses name, codice fiscale and note; those
still to come are cancelled; the WAL is truncated (bot/services/erasure.py).
"""

from __future__ import annotations

from markupsafe import Markup
from telegram import Update

from bot.context import Context, UpdateHandler
from bot.services import erasure
from handlers.common import answer, button, send
from handlers.operator_access import Staff, invalid_button, matched, now_ts, staff_button
from handlers.operator_visit import show_visit
from storage import bookings, privacy

ASK = "op:e:"
ERASE = "op:ek:"


async def ask(update: Update, context: Context, staff: Staff) -> None:
    deps, t = context.deps, staff.t
    found = matched(update, rf"{ASK}(\d{{1,12}})")
    visit = await deps.db.read(bookings.get, int(found[1])) if found else None
    scope = await deps.db.read(privacy.person_bookings, visit.id, now_ts(deps)) if visit else None
    if visit is None or scope is None:
        await invalid_button(update, staff)
        return
    await answer(update)
    lines = [t.ngettext(
        "Erase the personal data of {name} ({cf}), that is name, codice fiscale and note, from "
        "{n} booking (every one with this codice fiscale)?",
        "Erase the personal data of {name} ({cf}), that is name, codice fiscale and note, from "
        "{n} bookings (every one with this codice fiscale)?", scope.bookings,
        name=visit.name or "—", cf=visit.codice_fiscale or "—")]
    if scope.cancelled:
        lines.append(t.ngettext(
            "{n} of them is still to come: it will be cancelled, without a message.",
            "{n} of them are still to come: they will be cancelled, without a message.",
            scope.cancelled))
    lines.append(t.gettext("This cannot be undone."))
    await send(update, context, Markup("\n\n").join(lines),
               [[button(t.gettext("Yes, erase"), f"{ERASE}{visit.id}"),
                 button(t.gettext("No"), "op:stop")]])


async def erase(update: Update, context: Context, staff: Staff) -> None:
    deps, t = context.deps, staff.t
    found = matched(update, rf"{ERASE}(\d{{1,12}})")
    erased = await erasure.erase_person(deps, int(found[1]), staff.user_id) if found else None
    visit = await deps.db.read(bookings.get, int(found[1])) if found else None
    if erased is None or visit is None:
        await invalid_button(update, staff)
        return
    await answer(update, t.gettext("Erased."))
    await show_visit(update, context, staff, visit, t.ngettext(
        "<b>Personal data erased</b> from {n} booking; {cancelled} cancelled.",
        "<b>Personal data erased</b> from {n} bookings; {cancelled} cancelled.",
        erased.bookings, cancelled=erased.cancelled) + "\n\n")


def handlers() -> list[UpdateHandler]:
    return [staff_button(rf"^{ASK}", ask, admin=True),
            staff_button(rf"^{ERASE}", erase, admin=True)]
