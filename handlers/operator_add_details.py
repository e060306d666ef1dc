"""/add, its second half: name, codice fiscale (asked about when its letters are not the name's),
an optional note and an optional phone number typed in turn; the summary with one Book button
for a caller on the phone and one for a citizen at the counter (Book anyway when the person has
another booking at an overlapping time); the booking. Each press acts only on the draft it was
sent for, at its step.
"""

from __future__ import annotations

from datetime import date

from markupsafe import Markup
from telegram import Update

from bot.context import Context
from bot.domain.booking import Booking, Channel
from bot.domain.flows import Party
from bot.domain.identity import Detail, check
from bot.domain.model import Office, from_ts, to_ts
from bot.domain.phone import read_phone
from bot.domain.staff_flows import AddDraft, AddStep
from bot.i18n import Translator
from bot.services import booking
from handlers import details, staff_callbacks
from handlers.agenda_view import desk_name, service_name
from handlers.common import Button, answer, button, send
from handlers.operator_access import (
    Staff,
    draft_of,
    invalid_button,
    now_ts,
    show,
)
from handlers.operator_add_times import desks_free, not_free, stop_keyboard
from handlers.operator_visit import show_visit
from handlers.staff_callbacks import ADD_ANYWAY, ADD_BACK, ADD_CONFIRM, ADD_NO_NOTE, ADD_NO_PHONE
from storage import bookings, drafts
from storage.bookings import Booked, InTheWay, Refusal, Request


async def ask(update: Update, context: Context, staff: Staff, draft: AddDraft) -> None:
    """The question of the draft's detail step, with Back (Skip for the note) and Stop."""
    deps, t = context.deps, staff.t
    if draft.step is AddStep.NAME:
        day = from_ts(draft.start, deps.office.tz).date()
        await show(update, context, t.gettext(
            "{service}, {when}.\n\nThe citizen's name and surname?",
            service=service_name(deps.office, draft.service, t),
            when=t.when(from_ts(draft.start, deps.office.tz))), _back_stop(t, draft, day))
        return
    keyboard = _back_stop(t, draft)
    if draft.step in (AddStep.NOTE, AddStep.PHONE):
        skip = ADD_NO_NOTE if draft.step is AddStep.NOTE else ADD_NO_PHONE
        keyboard[0].insert(1, button(t.plain.gettext("Skip"),
                                     staff_callbacks.with_nonce(skip, draft.nonce)))
    text = (details.prompt(t, draft) if draft.step is not AddStep.PHONE else t.gettext(
        "A phone number to reach the citizen if the appointment changes (the bot cannot tell "
        "someone booked here)? Type it, Italian or with the country code, or skip."))
    await show(update, context, text, keyboard)


def _back_stop(t: Translator, draft: AddDraft,
               day: date | None = None) -> list[list[Button]]:
    """Back from the name (to the times of `day`), or from a later step of the draft; Stop;
    and "Both are right" while a codice fiscale is in doubt."""
    if draft.step is AddStep.NAME and day is not None:
        return stop_keyboard(t, staff_callbacks.add_day(draft.service, day))
    if draft.step is AddStep.NAME:
        return stop_keyboard(t)
    keyboard = stop_keyboard(t, staff_callbacks.with_nonce(ADD_BACK, draft.nonce))
    if draft.doubt_mark:
        keyboard.insert(0, [button(details.both_right_label(t),
                                   staff_callbacks.both_right(draft.nonce, draft.doubt_mark))])
    return keyboard


async def back_pressed(update: Update, context: Context, staff: Staff, nonce: str) -> None:
    """Back from the codice fiscale, the note or the summary of the draft it was sent for."""
    deps = context.deps
    draft = await draft_of(context, staff.user_id, AddDraft)
    if draft is None or draft.nonce != nonce or draft.step is AddStep.NAME:
        await invalid_button(update, staff)
        return
    draft.back()
    await deps.db.write(drafts.save, staff.user_id, draft, now_ts(deps))
    await answer(update)
    await ask(update, context, staff, draft)


async def text_typed(update: Update, context: Context, staff: Staff, draft: AddDraft) -> None:
    """Name, codice fiscale or note, typed in turn (handlers/conversation.py routes them)."""
    assert update.message is not None
    deps, t = context.deps, staff.t
    if draft.step is AddStep.PHONE:
        await phone_typed(update, context, staff, draft, update.message.text or "")
        return
    if draft.detail is None:
        await send(update, context, t.gettext("Press Book or Stop above."))
        return
    problem = details.enter(t, draft, update.message.text or "")
    if problem is not None:
        await send(update, context, problem, _back_stop(t, draft))
        return
    await deps.db.write(drafts.save, staff.user_id, draft, now_ts(deps))
    if draft.step is AddStep.SUMMARY:
        await confirm(update, context, staff, draft)
        return
    await ask(update, context, staff, draft)


async def phone_typed(update: Update, context: Context, staff: Staff, draft: AddDraft,
                      text: str) -> None:
    deps, t = context.deps, staff.t
    phone = read_phone(text)
    if phone is None:
        await send(update, context, t.gettext(
            "That is not a phone number. Type an Italian number (a mobile such as 333 123 4567, "
            "or a landline with its prefix) or an international one beginning with + or 00, "
            "or skip."), _back_stop(t, draft))
        return
    draft.give_phone(phone)
    await deps.db.write(drafts.save, staff.user_id, draft, now_ts(deps))
    await confirm(update, context, staff, draft)


async def confirm(update: Update, context: Context, staff: Staff, draft: AddDraft) -> None:
    """The summary; when the person already has a booking at an overlapping time, it says
    which, and booking needs the explicit Book anyway."""
    deps, t = context.deps, staff.t
    assert draft.service is not None
    assert draft.start is not None
    assert draft.codice_fiscale is not None
    start = draft.start
    end = start + deps.office.services[draft.service].duration * 60
    other = await deps.db.read(bookings.overlapping_for_person, draft.codice_fiscale, start, end)
    text = t.gettext(
        "Book {service}, {when}, for {name} ({cf})?", service=service_name(
            deps.office, draft.service, t), when=t.when(from_ts(start, deps.office.tz)),
        name=draft.name, cf=draft.codice_fiscale)
    if draft.note:
        text += Markup("\n") + t.gettext("Note: {note}", note=draft.note)
    if draft.phone:
        text += Markup("\n") + t.gettext("Phone: {phone}", phone=draft.phone)
    p, nonce = t.plain, draft.nonce
    back_stop = stop_keyboard(t, staff_callbacks.with_nonce(ADD_BACK, nonce))
    keyboard = [[button(p.pgettext("confirm a booking", "Book: on the phone"),
                        staff_callbacks.add_booking(ADD_CONFIRM, nonce, Channel.PHONE)),
                 button(p.pgettext("confirm a booking", "Book: at the counter"),
                        staff_callbacks.add_booking(ADD_CONFIRM, nonce, Channel.DESK))],
                *back_stop]
    if other is not None:
        day = from_ts(start, deps.office.tz).date()
        text += Markup("\n\n") + overlap_warning(t, deps.office, other)
        keyboard = [[button(p.gettext("Book anyway: on the phone"),
                            staff_callbacks.add_booking(ADD_ANYWAY, nonce, Channel.PHONE)),
                     button(p.gettext("Book anyway: at the counter"),
                            staff_callbacks.add_booking(ADD_ANYWAY, nonce, Channel.DESK))],
                    [button(p.gettext("Another time"), staff_callbacks.add_day(draft.service, day)),
                     *back_stop[0]]]
    await show(update, context, text, keyboard)


def overlap_warning(t: Translator, office: Office, other: Booking) -> Markup:
    return t.gettext(
        "⚠️ {name} already has a booking at an overlapping time: {service}, {when}, {desk} "
        "(/b{id}). One person cannot be in two places at once: book anyway only if that is "
        "intended.", name=other.name or "—", service=service_name(office, other.service, t),
        when=t.when(other.start.astimezone(office.tz)), desk=desk_name(office, other.desk),
        id=other.id)


async def draft_pressed(update: Update, context: Context, staff: Staff, wanted: AddStep,
                        nonce: str, channel: Channel | None = None, *,
                        anyway: bool = False, mark: str | None = None) -> None:
    """Both are right (the codice fiscale in doubt and the name), skip the note or the phone,
    Book or Book anyway (these two for a channel): each acts on the draft it was sent for, at
    the matching step."""
    deps = context.deps
    draft = await draft_of(context, staff.user_id, AddDraft)
    if draft is None or draft.nonce != nonce or draft.step is not wanted:
        await invalid_button(update, staff)
        return
    if wanted is AddStep.CODICE_FISCALE:
        # the button carries no code: the one the draft keeps for the pair it was shown for,
        # checked again as if typed
        code = check(Detail.CODICE_FISCALE, draft.in_doubt or "")
        if mark != draft.doubt_mark or not isinstance(code, str):
            await invalid_button(update, staff)
            return
        draft.take(Detail.CODICE_FISCALE, code)
    elif wanted is AddStep.NOTE:
        draft.take(Detail.NOTE, None)
    elif wanted is AddStep.PHONE:
        draft.give_phone(None)
    else:
        assert channel is not None
        await book(update, context, staff, draft, channel, anyway=anyway)
        return
    await deps.db.write(drafts.save, staff.user_id, draft, now_ts(deps))
    await answer(update)
    if draft.step is AddStep.SUMMARY:
        await confirm(update, context, staff, draft)
    else:
        await ask(update, context, staff, draft)


async def book(update: Update, context: Context, staff: Staff, draft: AddDraft,
               channel: Channel, *, anyway: bool) -> None:
    """Book; `anyway`: even over another booking of the same person (the operator said so)."""
    deps, t = context.deps, staff.t
    assert draft.service is not None
    assert draft.start is not None
    service = deps.office.services[draft.service]
    start = draft.start
    desks = await desks_free(context, service, start)
    result: Booked | Refusal | InTheWay = Refusal.TAKEN
    if desks:
        result = await deps.db.write(booking.book_on_behalf, Request(
            user_id=None, service=service.code, desks=desks, start=start,
            end=start + service.duration * 60, day=from_ts(start, deps.office.tz).date(),
            name=draft.name, codice_fiscale=draft.codice_fiscale, note=draft.note,
            created_by=staff.user_id, person_overlap_by=staff.user_id if anyway else None,
            channel=channel, phone=draft.phone),
            to_ts(deps.clock.now()))
    if isinstance(result, InTheWay):  # booked meanwhile: the summary now says which
        await answer(update, t.plain.gettext("This person now has a booking at an overlapping "
                                             "time."), alert=True)
        await confirm(update, context, staff, draft)
        return
    if not isinstance(result, Booked):
        await not_free(update, context, staff, service, start,
                       t.gettext("The details are kept: choose another time.") + "\n\n")
        return
    await deps.db.write(drafts.delete, staff.user_id, Party.STAFF)
    visit = await deps.db.read(bookings.get, result.id)
    assert visit is not None
    await answer(update, t.plain.gettext("Booked."))
    await show_visit(update, context, staff, visit, t.gettext(
        "<b>Booked</b> at {desk}. Code for the citizen: <b>{code}</b>",
        desk=desk_name(deps.office, result.desk), code=result.code) + "\n\n")
