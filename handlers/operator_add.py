"""/add: an operator books for a citizen on the phone or at the counter.

Service, day and time by buttons (from the same availability citizens see, without the minimum
notice, so a walk-in can be served now); then name, codice fiscale and an optional note typed in
turn; then a summary to confirm, with one Book button for a caller on the phone and one for a
citizen at the counter (the booking's channel). The booking has no Telegram account (user_id NULL)
and records the operator in `created_by`. Every press is checked again: the time may have gone
meanwhile.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from markupsafe import Markup
from telegram import Update
from telegram.ext import BaseHandler

from bot.context import Context
from bot.domain.availability import DayState, service_closure
from bot.domain.identity import (
    NAME_LIMIT,
    NOTE_LIMIT,
    Invalid,
    clean_name,
    clean_note,
    read_codice_fiscale,
)
from bot.domain.model import Booking, Channel, Office, Service, from_ts, to_ts
from bot.i18n import Translator
from bot.services import booking, free_time
from handlers.agenda_view import desk_name, service_name
from handlers.booking_confirm import closed_message
from handlers.common import answer, button, send
from handlers.identity_text import invalid_codice_fiscale
from handlers.operator_access import (
    ADD,
    Staff,
    draft_of,
    invalid_button,
    matched,
    show,
    staff_button,
    staff_command,
    today,
)
from handlers.operator_agenda import day_in
from handlers.operator_visit import show_visit
from storage import bookings, closures, operator_drafts
from storage.bookings import Booked, InTheWay, Refusal, Request
from storage.operator_drafts import Draft

ADD_DRAFT = "add"
"""The operator draft: {"service", "start", "step", "nonce", and as typed "name", "cf", "note"};
the nonce is in its No note, Book and Book anyway buttons, which act only on the draft they were
sent for."""
BOOK_AS = {"phone": Channel.PHONE, "desk": Channel.DESK}
"""The Book buttons' last part: how the citizen is booking (the booking's channel)."""
DAYS_AHEAD = 14
DAYS_SHOWN = 8
TIMES_PER_ROW = 5
MAX_TIMES = 95
"""Telegram allows 100 buttons on a message."""
STOP = "op:stop"


async def add_command(update: Update, context: Context, staff: Staff) -> None:
    t = staff.t
    await send(update, context, t.gettext(
        "Booking for a citizen on the phone or at the counter. Which service?"),
        [[button(service.name.get(t.lang), f"op:a:s:{code}")]
         for code, service in context.deps.office.services.items()])


async def pressed(update: Update, context: Context, staff: Staff) -> None:
    services = context.deps.office.services
    code = r"([A-Za-z0-9_-]{1,24})"
    if (found := matched(update, rf"op:a:s:{code}")) and found[1] in services:
        await answer(update)
        await offer_days(update, context, staff, services[found[1]])
    elif ((found := matched(update, rf"op:a:d:{code}:(\d{{8}})")) and found[1] in services
          and (day := day_in(found[2]))):
        await answer(update)
        await offer_times(update, context, staff, services[found[1]], day)
    elif (found := matched(update, rf"op:a:t:{code}:(\d{{1,10}})")) and found[1] in services:
        await time_chosen(update, context, staff, services[found[1]], int(found[2]))
    elif found := matched(update, r"op:a:nonote:([0-9a-f]{8})"):
        await draft_pressed(update, context, staff, found[1])
    elif found := matched(update, r"op:a:(ok|both):([0-9a-f]{8}):(phone|desk)"):
        await draft_pressed(update, context, staff, found[2], BOOK_AS[found[3]],
                            anyway=found[1] == "both")
    else:
        await invalid_button(update, staff)


async def offer_days(update: Update, context: Context, staff: Staff, service: Service) -> None:
    deps, t = context.deps, staff.t
    days = [today(deps) + timedelta(days=n) for n in range(DAYS_AHEAD)]
    states = (await free_time.load(deps, service, days[0], days[-1], at_counter=True)).states(days)
    free = [day for day in days if states[day] == DayState.FREE][:DAYS_SHOWN]
    if not free:
        await show(update, context, t.gettext("{service}: no free time in the next {n} days.",
                                              service=service.name.get(t.lang), n=DAYS_AHEAD))
        return
    await show(update, context, t.gettext("{service}: which day?",
                                          service=service.name.get(t.lang)),
               [[button(t.short_date(day), f"op:a:d:{service.code}:{day:%Y%m%d}")]
                for day in free])


async def offer_times(update: Update, context: Context, staff: Staff, service: Service,
                      day: date, heading: str = "") -> None:
    deps, t = context.deps, staff.t
    slots = (await free_time.load(deps, service, day, day, at_counter=True)).slots(day)[:MAX_TIMES]
    if not slots:
        await show(update, context, heading + t.gettext("No free time left on {day}.",
                                                        day=t.date(day)))
        return
    times = [button(t.time(slot.start), f"op:a:t:{service.code}:{to_ts(slot.start)}")
             for slot in slots]
    await show(update, context, heading + t.gettext(
        "{service}, {day}: which time?", service=service.name.get(t.lang), day=t.date(day)),
        [times[i:i + TIMES_PER_ROW] for i in range(0, len(times), TIMES_PER_ROW)])


async def time_chosen(update: Update, context: Context, staff: Staff, service: Service,
                      start: int) -> None:
    """A time: then the citizen's details, or straight to the summary when they were typed
    already and only the time had to change (it was taken at the last moment)."""
    deps, t = context.deps, staff.t
    if not await _desks_free(context, service, start):
        await not_free(update, context, staff, service, start)
        return
    draft = await draft_of(context, staff.user_id, ADD_DRAFT)
    kept = draft.data if draft and draft.data.get("service") == service.code else {}
    data = {**kept, "service": service.code, "start": start,
            "step": "confirm" if kept.get("step") == "confirm" else "name",
            "nonce": kept.get("nonce") or secrets.token_hex(4)}
    await deps.db.write(operator_drafts.put, staff.user_id, ADD_DRAFT, data,
                        to_ts(deps.clock.now()))
    await answer(update)
    if data["step"] == "confirm":
        await confirm(update, context, staff, data)
        return
    await show(update, context, t.gettext(
        "{service}, {when}.\n\nThe citizen's name and surname?",
        service=service.name.get(t.lang), when=t.when(from_ts(start, deps.office.tz))),
        [[button(t.plain.pgettext("stop what you are doing", "Stop"), STOP)]])


async def _desks_free(context: Context, service: Service, start: int) -> list[str]:
    moment = from_ts(start, context.deps.office.tz)
    calendar = await free_time.load(context.deps, service, moment.date(), moment.date(),
                                    at_counter=True)
    return calendar.desks_at(moment)


async def text_typed(update: Update, context: Context, staff: Staff, draft: Draft) -> None:
    """Name, codice fiscale or note, typed in turn (see handlers/operator_input.py)."""
    assert update.message is not None
    deps, t, data = context.deps, staff.t, dict(draft.data)
    text = update.message.text or ""
    step = data["step"]
    code = read_codice_fiscale(text) if step == "cf" else None
    if isinstance(code, Invalid):
        await send(update, context, invalid_codice_fiscale(t, code),
                   [[button(t.gettext("Stop"), STOP)]])
        return
    if step == "name" and (name := clean_name(text)):
        data.update(name=name, step="cf")
        prompt = t.gettext("The codice fiscale?")
    elif step == "cf" and code:
        data.update(cf=code, step="note")
        prompt = t.gettext("A note for the desk (what the case is about)? Or press No note.")
    elif step == "note" and (note := clean_note(text)):
        data.update(note=note, step="confirm")
        prompt = None
    else:
        await send(update, context, _problem(staff, step),
                   [[button(t.plain.pgettext("stop what you are doing", "Stop"), STOP)]])
        return
    await deps.db.write(operator_drafts.put, staff.user_id, ADD_DRAFT, data,
                        to_ts(deps.clock.now()))
    if prompt is None:
        await confirm(update, context, staff, data)
        return
    keyboard = [[button(t.plain.pgettext("stop what you are doing", "Stop"), STOP)]]
    if data["step"] == "note":
        keyboard[0].insert(0, button(t.plain.gettext("No note"), f"op:a:nonote:{data['nonce']}"))
    await send(update, context, prompt, keyboard)


def _problem(staff: Staff, step: str) -> Markup:
    t = staff.t
    return {
        "name": t.gettext("Write the name and surname, in letters, in at most {limit} "
                          "characters.", limit=NAME_LIMIT),
        "note": t.gettext("Write the note in at most {limit} characters, or press No note.",
                          limit=NOTE_LIMIT),
    }.get(step, t.gettext("Press Book or Stop above."))


async def confirm(update: Update, context: Context, staff: Staff, data: dict) -> None:
    """The summary; when the person already has a booking at an overlapping time, it says
    which, and booking needs the explicit Book anyway."""
    deps, t = context.deps, staff.t
    start = int(data["start"])
    end = start + deps.office.services[data["service"]].duration * 60
    other = await deps.db.read(bookings.overlapping_for_person, data["cf"], start, end)
    text = t.gettext(
        "Book {service}, {when}, for {name} ({cf})?", service=service_name(
            deps.office, data["service"], t), when=t.when(from_ts(start, deps.office.tz)),
        name=data["name"], cf=data["cf"]) + (
        "\n" + t.gettext("Note: {note}", note=data["note"]) if data.get("note") else "")
    stop = button(t.plain.pgettext("stop what you are doing", "Stop"), STOP)
    p, nonce = t.plain, data["nonce"]
    keyboard = [[button(p.pgettext("confirm a booking", "Book: on the phone"),
                        f"op:a:ok:{nonce}:phone"),
                 button(p.pgettext("confirm a booking", "Book: at the counter"),
                        f"op:a:ok:{nonce}:desk")],
                [stop]]
    if other is not None:
        day = from_ts(start, deps.office.tz).date()
        text = text + Markup("\n\n") + overlap_warning(t, deps.office, other)
        keyboard = [[button(p.gettext("Book anyway: on the phone"), f"op:a:both:{nonce}:phone"),
                     button(p.gettext("Book anyway: at the counter"),
                            f"op:a:both:{nonce}:desk")],
                    [button(p.gettext("Another time"), f"op:a:d:{data['service']}:{day:%Y%m%d}"),
                     stop]]
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


async def draft_pressed(update: Update, context: Context, staff: Staff, nonce: str,
                        channel: Channel | None = None, *, anyway: bool = False) -> None:
    """No note (no channel), or Book or Book anyway (for a channel): each acts on the draft it
    was sent for, at the matching step."""
    deps = context.deps
    draft = await draft_of(context, staff.user_id, ADD_DRAFT)
    wanted = "note" if channel is None else "confirm"
    if draft is None or draft.data.get("nonce") != nonce or draft.data.get("step") != wanted:
        await invalid_button(update, staff)
        return
    if wanted == "note":
        data = {**draft.data, "step": "confirm"}
        await deps.db.write(operator_drafts.put, staff.user_id, ADD_DRAFT, data,
                            to_ts(deps.clock.now()))
        await answer(update)
        await confirm(update, context, staff, data)
        return
    assert channel is not None
    await book(update, context, staff, draft.data, channel, anyway=anyway)


async def book(update: Update, context: Context, staff: Staff, data: dict, channel: Channel,
               *, anyway: bool) -> None:
    """Book; `anyway`: even over another booking of the same person (the operator said so)."""
    deps, t = context.deps, staff.t
    service = deps.office.services[data["service"]]
    start = int(data["start"])
    desks = await _desks_free(context, service, start)
    result: Booked | Refusal | InTheWay = Refusal.TAKEN
    if desks:
        result = await deps.db.write(booking.book_on_behalf, Request(
            user_id=None, service=service.code, desks=desks, start=start,
            end=start + service.duration * 60, day=from_ts(start, deps.office.tz).date(),
            name=data["name"], codice_fiscale=data["cf"], note=data.get("note"),
            created_by=staff.user_id, person_overlap_by=staff.user_id if anyway else None,
            channel=channel),
            to_ts(deps.clock.now()))
    if isinstance(result, InTheWay):  # booked meanwhile: the summary now says which
        await answer(update, t.gettext("This person now has a booking at an overlapping "
                                       "time."), alert=True)
        await confirm(update, context, staff, data)
        return
    if not isinstance(result, Booked):
        await not_free(update, context, staff, service, start,
                       t.gettext("The details are kept: choose another time.") + "\n\n")
        return
    await deps.db.write(operator_drafts.clear, staff.user_id)
    visit = await deps.db.read(bookings.get, result.id)
    assert visit is not None
    await answer(update, t.plain.gettext("Booked."))
    await show_visit(update, context, staff, visit, t.gettext(
        "<b>Booked</b> at {desk}. Code for the citizen: <b>{code}</b>",
        desk=desk_name(deps.office, result.desk), code=result.code) + "\n\n")


def handlers() -> list[BaseHandler]:
    return [staff_command(ADD, add_command), staff_button(r"^op:a:", pressed)]

