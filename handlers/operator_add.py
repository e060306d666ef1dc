"""/add: an operator books for a citizen on the phone or at the counter.

Service, day and time by buttons (from the same availability citizens see, without the minimum
notice, so a walk-in can be served now, over the whole booking horizon a page of days at a time;
the documents to bring shown with the days, for the operator to read to the caller); then name,
codice fiscale, an optional note and an optional phone number (for a caller the bot cannot
notify of a closure or a cancellation: the operators' lists show it) typed in turn; then a
summary to confirm, with one Book button for a caller on the phone and one for a citizen at the
counter (the booking's channel).
The booking has no Telegram account (user_id NULL) and records the operator in `created_by`.
Every press is checked again: the time may have gone meanwhile. A person who already has a
booking at an overlapping time is booked only with Book anyway (on the phone, or at the
counter). Every step has Back and Stop.
"""

from __future__ import annotations

from datetime import date, timedelta

from markupsafe import Markup
from telegram import Update

from bot.context import Context, UpdateHandler
from bot.domain.availability import DayState, service_closure
from bot.domain.booking import Booking, Channel
from bot.domain.flows import Party
from bot.domain.identity import Detail, check
from bot.domain.model import Office, Service, from_ts, to_ts
from bot.domain.phone import read_phone
from bot.domain.staff_flows import AddDraft, AddStep, add_at
from bot.i18n import Translator
from bot.services import booking, free_time
from handlers import callbacks, details
from handlers.agenda_view import desk_name, service_name
from handlers.booking_card import documents
from handlers.booking_confirm import closed_message
from handlers.callbacks import ADD as ADD_BUTTONS
from handlers.callbacks import (
    ADD_ANYWAY,
    ADD_BACK,
    ADD_CONFIRM,
    ADD_NO_NOTE,
    ADD_NO_PHONE,
    ADD_SERVICES,
)
from handlers.common import Button, answer, button, callback_data, send
from handlers.operator_access import (
    ADD,
    Staff,
    draft_of,
    invalid_button,
    now_ts,
    show,
    staff_button,
    staff_command,
    today,
)
from handlers.operator_visit import show_visit
from storage import bookings, closures, drafts
from storage.bookings import Booked, InTheWay, Refusal, Request

DAYS_SHOWN = 8
TIMES_PER_ROW = 5
MAX_TIMES = 95
"""Telegram allows 100 buttons on a message."""
STOP = callbacks.STOP.encode()


def _stop(t: Translator, back: str | None = None) -> list[list[Button]]:
    """Back (to what `back` does) and Stop."""
    stop = button(t.plain.pgettext("stop what you are doing", "Stop"), STOP)
    if back is None:
        return [[stop]]
    return [[button(t.plain.pgettext("go back a step", "« Back"), back), stop]]


async def add_command(update: Update, context: Context, staff: Staff) -> None:
    await offer_services(update, context, staff)


async def offer_services(update: Update, context: Context, staff: Staff) -> None:
    t = staff.t
    await show(update, context, t.gettext(
        "Booking for a citizen on the phone or at the counter. Which service?"),
        [[button(service.name.get(t.lang), callbacks.add_service(code))]
         for code, service in context.deps.office.services.items()] + _stop(t))


async def pressed(update: Update, context: Context, staff: Staff) -> None:
    services, data = context.deps.office.services, callback_data(update)
    if (service := callbacks.read_add_service(data)) is not None and service in services:
        await answer(update)
        await offer_days(update, context, staff, services[service])
    elif (page := callbacks.read_add_days(data)) and page[0] in services:
        await answer(update)
        await offer_days(update, context, staff, services[page[0]], page[1])
    elif data == ADD_SERVICES.encode():
        await answer(update)
        await offer_services(update, context, staff)
    elif nonce := callbacks.read_nonce(ADD_BACK, data):
        await back_pressed(update, context, staff, nonce)
    elif (day := callbacks.read_add_day(data)) and day[0] in services:
        await answer(update)
        await offer_times(update, context, staff, services[day[0]], day[1])
    elif (time := callbacks.read_add_time(data)) and time[0] in services:
        await time_chosen(update, context, staff, services[time[0]], time[1])
    elif nonce := callbacks.read_nonce(ADD_NO_NOTE, data):
        await draft_pressed(update, context, staff, AddStep.NOTE, nonce)
    elif pair := callbacks.read_both_right(data):
        await draft_pressed(update, context, staff, AddStep.CODICE_FISCALE, pair[0], mark=pair[1])
    elif nonce := callbacks.read_nonce(ADD_NO_PHONE, data):
        await draft_pressed(update, context, staff, AddStep.PHONE, nonce)
    elif pressed := callbacks.read_add_booking(ADD_CONFIRM, data):
        await draft_pressed(update, context, staff, AddStep.SUMMARY, pressed[0], pressed[1])
    elif pressed := callbacks.read_add_booking(ADD_ANYWAY, data):
        await draft_pressed(update, context, staff, AddStep.SUMMARY, pressed[0], pressed[1],
                            anyway=True)
    else:
        await invalid_button(update, staff)


async def offer_days(update: Update, context: Context, staff: Staff, service: Service,
                     page: int = 0) -> None:
    """The free days of the whole booking horizon, DAYS_SHOWN a page, with the documents to
    bring (for the operator to read to the caller)."""
    deps, t = context.deps, staff.t
    horizon = deps.office.rules.horizon_days
    days = [today(deps) + timedelta(days=n) for n in range(horizon + 1)]
    states = (await free_time.load(deps, service, days[0], days[-1], at_counter=True)).states(days)
    free = [day for day in days if states[day] == DayState.FREE]
    back = _stop(t, ADD_SERVICES.encode())
    name = service.name.get(t.lang)
    if not free:
        await show(update, context, t.gettext("{service}: no free time in the next {n} days.",
                                              service=name, n=horizon), back)
        return
    pages = (len(free) + DAYS_SHOWN - 1) // DAYS_SHOWN
    page = min(page, pages - 1)
    shown = free[page * DAYS_SHOWN:(page + 1) * DAYS_SHOWN]
    keyboard = [[button(t.short_date(day), callbacks.add_day(service.code, day))]
                for day in shown]
    turn = []
    if page > 0:
        turn.append(button(t.plain.gettext("◀ Earlier"), callbacks.add_days(service.code,
                                                                            page - 1)))
    if page + 1 < pages:
        turn.append(button(t.plain.gettext("Later ▶"), callbacks.add_days(service.code,
                                                                          page + 1)))
    text = t.gettext("{service}: which day?", service=name)
    if service.documents.get(t.lang).strip():
        text += Markup("\n\n") + documents(t, service)
    await show(update, context, text, keyboard + ([turn] if turn else []) + back)


async def offer_times(update: Update, context: Context, staff: Staff, service: Service,
                      day: date, heading: str = "") -> None:
    deps, t = context.deps, staff.t
    slots = (await free_time.load(deps, service, day, day, at_counter=True)).slots(day)[:MAX_TIMES]
    back = _stop(t, callbacks.add_days(service.code, 0))
    if not slots:
        await show(update, context, heading + t.gettext("No free time left on {day}.",
                                                        day=t.date(day)), back)
        return
    times = [button(t.time(slot.start), callbacks.add_time(service.code, to_ts(slot.start)))
             for slot in slots]
    await show(update, context, heading + t.gettext(
        "{service}, {day}: which time?", service=service.name.get(t.lang), day=t.date(day)),
        [times[i:i + TIMES_PER_ROW] for i in range(0, len(times), TIMES_PER_ROW)] + back)


async def time_chosen(update: Update, context: Context, staff: Staff, service: Service,
                      start: int) -> None:
    """A time: then the citizen's details, or straight to the summary when they were typed
    already and only the time had to change (it was taken at the last moment)."""
    deps = context.deps
    if not await _desks_free(context, service, start):
        await not_free(update, context, staff, service, start)
        return
    draft = add_at(await draft_of(context, staff.user_id, AddDraft), service.code, start)
    await deps.db.write(drafts.save, staff.user_id, draft, now_ts(deps))
    await answer(update)
    if draft.step is AddStep.SUMMARY:
        await confirm(update, context, staff, draft)
        return
    await ask(update, context, staff, draft)


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
                                     callbacks.with_nonce(skip, draft.nonce)))
    text = (details.prompt(t, draft) if draft.step is not AddStep.PHONE else t.gettext(
        "A phone number to reach the citizen if the appointment changes (the bot cannot tell "
        "someone booked here)? Type it, Italian or with the country code, or skip."))
    await show(update, context, text, keyboard)


def _back_stop(t: Translator, draft: AddDraft,
               day: date | None = None) -> list[list[Button]]:
    """Back from the name (to the times of `day`), or from a later step of the draft; Stop;
    and "Both are right" while a codice fiscale is in doubt."""
    if draft.step is AddStep.NAME and day is not None:
        return _stop(t, callbacks.add_day(draft.service, day))
    if draft.step is AddStep.NAME:
        return _stop(t)
    keyboard = _stop(t, callbacks.with_nonce(ADD_BACK, draft.nonce))
    if draft.doubt_mark:
        keyboard.insert(0, [button(details.both_right_label(t),
                                   callbacks.both_right(draft.nonce, draft.doubt_mark))])
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


async def _desks_free(context: Context, service: Service, start: int) -> list[str]:
    moment = from_ts(start, context.deps.office.tz)
    calendar = await free_time.load(context.deps, service, moment.date(), moment.date(),
                                    at_counter=True)
    return calendar.desks_at(moment)


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
    back_stop = _stop(t, callbacks.with_nonce(ADD_BACK, nonce))
    keyboard = [[button(p.pgettext("confirm a booking", "Book: on the phone"),
                        callbacks.add_booking(ADD_CONFIRM, nonce, Channel.PHONE)),
                 button(p.pgettext("confirm a booking", "Book: at the counter"),
                        callbacks.add_booking(ADD_CONFIRM, nonce, Channel.DESK))],
                *back_stop]
    if other is not None:
        day = from_ts(start, deps.office.tz).date()
        text += Markup("\n\n") + overlap_warning(t, deps.office, other)
        keyboard = [[button(p.gettext("Book anyway: on the phone"),
                            callbacks.add_booking(ADD_ANYWAY, nonce, Channel.PHONE)),
                     button(p.gettext("Book anyway: at the counter"),
                            callbacks.add_booking(ADD_ANYWAY, nonce, Channel.DESK))],
                    [button(p.gettext("Another time"), callbacks.add_day(draft.service, day)),
                     *back_stop[0]]]
    await show(update, context, text, keyboard)


def overlap_warning(t: Translator, office: Office, other: Booking) -> Markup:
    return t.gettext(
        "⚠️ {name} already has a booking at an overlapping time: {service}, {when}, {desk} "
        "(/b{id}). One person cannot be in two places at once: book anyway only if that is "
        "intended.", name=other.name or "—", service=service_name(office, other.service, t),
        when=t.when(other.start.astimezone(office.tz)), desk=desk_name(office, other.desk),
        id=other.id)


async def not_free(update: Update, context: Context, staff: Staff, service: Service,
                   start: int, heading: str = "") -> None:
    """The time chosen is gone: closed meanwhile (the reason, and the days), or taken."""
    deps, t = context.deps, staff.t
    day = from_ts(start, deps.office.tz).date()
    reason = service_closure(deps.office, service, await deps.db.read(closures.active, day), day)
    if reason is not None:
        await answer(update, closed_message(t, day, reason), alert=True)
        await offer_days(update, context, staff, service)
        return
    await answer(update, t.plain.gettext("That time is no longer free."), alert=True)
    await offer_times(update, context, staff, service, day, heading)


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
        await deps.db.write(drafts.save, staff.user_id, draft, now_ts(deps))
        await answer(update)
        await ask(update, context, staff, draft)
        return
    if wanted is AddStep.NOTE:
        draft.take(Detail.NOTE, None)
        await deps.db.write(drafts.save, staff.user_id, draft, now_ts(deps))
        await answer(update)
        await ask(update, context, staff, draft)
        return
    if wanted is AddStep.PHONE:
        draft.give_phone(None)
        await deps.db.write(drafts.save, staff.user_id, draft, now_ts(deps))
        await answer(update)
        await confirm(update, context, staff, draft)
        return
    assert channel is not None
    await book(update, context, staff, draft, channel, anyway=anyway)


async def book(update: Update, context: Context, staff: Staff, draft: AddDraft,
               channel: Channel, *, anyway: bool) -> None:
    """Book; `anyway`: even over another booking of the same person (the operator said so)."""
    deps, t = context.deps, staff.t
    assert draft.service is not None
    assert draft.start is not None
    service = deps.office.services[draft.service]
    start = draft.start
    desks = await _desks_free(context, service, start)
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


def handlers() -> list[UpdateHandler]:
    return [staff_command(ADD, add_command), staff_button(ADD_BUTTONS.pattern, pressed)]
