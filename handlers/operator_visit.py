"""One visit at the counter: its detail (`/b<id>`), /next at my desk, its steps, a cancellation."""

from __future__ import annotations

import re

from markupsafe import Markup
from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.context import Context, UpdateHandler
from bot.domain.arguments import Period, find_desk
from bot.domain.booking import Booking, Status
from bot.domain.flows import Party
from bot.domain.model import to_ts
from bot.domain.staff_flows import REASON_LIMIT, CancelDraft, CancelStep
from bot.domain.visits import STEPS, actions, allowed, undoable
from bot.services import counter
from handlers import callbacks, staff_callbacks
from handlers.agenda_view import desk_name, detail, service_name
from handlers.common import Keyboard, answer, button, callback_data, send
from handlers.operator_access import (
    NEXT,
    Staff,
    draft_of,
    for_staff,
    invalid_button,
    now_ts,
    show,
    staff_button,
    staff_command,
    today,
)
from handlers.operator_agenda import agenda_data, desk_keyboard, unknown_desk
from handlers.staff_callbacks import NEXT as NEXT_BUTTON
from handlers.staff_callbacks import (
    PERSON_ERASE,
    STOP,
    VISIT_CANCEL,
    VISIT_CANCEL_YES,
    VISIT_STEP,
    VISIT_UNDO,
)
from storage import agenda, audit, bookings, drafts, operators

DETAIL = re.compile(r"^/b(\d{1,12})(?:@\w+)?$")


async def view(context: Context, staff: Staff, visit: Booking) -> tuple[Markup, Keyboard]:
    deps, t = context.deps, staff.t
    booked_by = None
    if visit.created_by is not None:
        booked_by = (await deps.db.read(operators.name_of, visit.created_by)
                     or t.gettext("operator {id}", id=visit.created_by))
    now, grace = deps.clock.now(), deps.office.rules.no_show_grace_minutes
    rows = [[button(t.plain.gettext(STEPS[action].label),
                    staff_callbacks.visit_step(action, visit.id))
             for action in actions(visit, now, deps.office.tz, grace)]]
    taken_by = await deps.db.read(agenda.step_taken_by, visit)
    back = undoable(visit, taken_by, staff.user_id, now)
    if back is not None:
        step = t.plain.gettext(back.label)
        rows.append([button(t.plain.gettext("↩️ Undo: {step}", step=step),
                            callbacks.with_id(VISIT_UNDO, visit.id))])
    if visit.status == Status.BOOKED:
        rows.append([button(t.plain.gettext("Cancel the booking…"),
                            callbacks.with_id(VISIT_CANCEL, visit.id))])
    if staff.admin and (visit.name or visit.codice_fiscale or visit.note):
        rows.append([button(t.plain.gettext("Erase personal data…"),
                            callbacks.with_id(PERSON_ERASE, visit.id))])
    day = visit.start.astimezone(deps.office.tz).date()
    rows.append([button(t.plain.gettext("Next citizen"), NEXT_BUTTON.encode()),
                 button(t.plain.gettext("Agenda"), agenda_data(day, visit.desk))])
    return detail(visit, deps.office, t, booked_by), [row for row in rows if row]


async def show_visit(update: Update, context: Context, staff: Staff, visit: Booking,
                     heading: str = "") -> None:
    text, keyboard = await view(context, staff, visit)
    await show(update, context, heading + text, keyboard)


async def detail_command(update: Update, context: Context, staff: Staff) -> None:
    assert update.message is not None
    found = DETAIL.match(update.message.text or "")
    assert found is not None  # the handler's filter
    deps = context.deps
    visit = await deps.db.read(bookings.get, int(found[1]))
    if visit is None:
        await send(update, context, staff.t.gettext("There is no booking {id}.", id=found[1]))
        return
    await deps.db.write(audit.record, now_ts(deps), staff.user_id, "view", visit.id)
    await show_visit(update, context, staff, visit)


async def next_command(update: Update, context: Context, staff: Staff) -> None:
    deps = context.deps
    if not context.args:
        await show_next(update, context, staff,
                        await deps.db.read(operators.desk_on, staff.user_id, today(deps)))
    elif (desk := find_desk(deps.office, context.args[0])) is None:
        await unknown_desk(update, context, staff, context.args[0])
    else:
        await show_next(update, context, staff, desk)


async def next_pressed(update: Update, context: Context, staff: Staff) -> None:
    await answer(update)
    deps = context.deps
    await show_next(update, context, staff,
                    await deps.db.read(operators.desk_on, staff.user_id, today(deps)))


async def show_next(update: Update, context: Context, staff: Staff, desk: str | None) -> None:
    deps, t = context.deps, staff.t
    if desk is None:
        await send(update, context, t.gettext("Which desk are you at today?"),
                   desk_keyboard(deps.office, staff_callbacks.desk))
        return
    start, end = Period(today(deps), today(deps)).bounds(deps.office.tz)
    visit = await deps.db.read(agenda.next_at, desk, start, end)
    name = desk_name(deps.office, desk)
    if visit is None:
        anyone = await deps.db.read(agenda.between, start, end, desk)
        await show(update, context, t.gettext("Nobody else is booked at {desk} today.", desk=name)
                   if anyone else t.gettext("Nobody is booked at {desk} today.", desk=name))
        return
    await deps.db.write(audit.record, now_ts(deps), staff.user_id, "view", visit.id)
    await show_visit(update, context, staff, visit,
                     t.gettext("<b>Next at {desk}</b>", desk=name) + "\n\n")


async def _pressed_visit(update: Update, context: Context, staff: Staff,
                         booking_id: int | None) -> Booking | None:
    """The booking a button names; None (answered as invalid) if the button names none, or
    one that is not there."""
    visit = None
    if booking_id is not None:
        visit = await context.deps.db.read(bookings.get, booking_id)
    if visit is None:
        await invalid_button(update, staff)
    return visit


async def step_pressed(update: Update, context: Context, staff: Staff) -> None:
    pressed = staff_callbacks.read_visit_step(callback_data(update))
    visit = await _pressed_visit(update, context, staff, pressed[1] if pressed else None)
    if pressed is None or visit is None:
        return
    deps, t = context.deps, staff.t
    action, now = pressed[0], deps.clock.now()
    moved = None
    if allowed(visit, action, now, deps.office.tz, deps.office.rules.no_show_grace_minutes):
        moved = await deps.db.write(agenda.take_step, visit.id, STEPS[action], staff.user_id,
                                    to_ts(now))
    if moved is None:  # someone else moved it on, or the button is out of date
        await answer(update, t.plain.gettext("Not possible any more: here is the booking as it is "
                                       "now."), alert=True)
        moved = await deps.db.read(bookings.get, visit.id) or visit
    else:
        await answer(update, t.plain.gettext(STEPS[action].done))
    await show_visit(update, context, staff, moved)


async def undo_pressed(update: Update, context: Context, staff: Staff) -> None:
    visit = await _pressed_visit(update, context, staff,
                                 callbacks.read_id(VISIT_UNDO, callback_data(update)))
    if visit is None:
        return
    deps, t = context.deps, staff.t
    now = deps.clock.now()
    back = undoable(visit, await deps.db.read(agenda.step_taken_by, visit), staff.user_id, now)
    moved = (await deps.db.write(agenda.undo_step, visit.id, back, staff.user_id, to_ts(now))
             if back is not None else None)
    if moved is None:
        await answer(update, t.plain.gettext(
            "It can no longer be undone (too late, taken by someone else, or its time was "
            "booked since): here is the booking as it is now."), alert=True)
        moved = await deps.db.read(bookings.get, visit.id) or visit
    else:
        await answer(update, t.plain.gettext("Undone."))
    await show_visit(update, context, staff, moved)


async def ask_reason(update: Update, context: Context, staff: Staff) -> None:
    visit = await _pressed_visit(update, context, staff,
                                 callbacks.read_id(VISIT_CANCEL, callback_data(update)))
    if visit is None:
        return
    deps, t = context.deps, staff.t
    if visit.status != Status.BOOKED:
        await answer(update, t.plain.gettext("It can no longer be cancelled."), alert=True)
        await show_visit(update, context, staff, visit)
        return
    await deps.db.write(drafts.save, staff.user_id, CancelDraft.new(booking=visit.id),
                        now_ts(deps))
    await answer(update)
    await send(update, context, t.gettext(
        "Why is the booking of {name}, {when}, cancelled? Write the reason in one message: "
        "the citizen will read it.", name=visit.name or "—", when=_when(staff, context, visit)),
        [[button(t.plain.pgettext("stop what you are doing", "Stop"), STOP.encode())]])


async def reason_typed(update: Update, context: Context, staff: Staff,
                       draft: CancelDraft) -> None:
    """The reason of a cancellation, typed by the operator (handlers/conversation.py)."""
    assert update.message is not None
    deps, t = context.deps, staff.t
    if not draft.give_reason(update.message.text or ""):
        await send(update, context, t.gettext(
            "Write the reason in one message of at most {limit} characters.",
            limit=REASON_LIMIT),
            [[button(t.plain.pgettext("stop what you are doing", "Stop"), STOP.encode())]])
        return
    visit = await deps.db.read(bookings.get, draft.booking)
    if visit is None or visit.status != Status.BOOKED:
        await deps.db.write(drafts.delete, staff.user_id, Party.STAFF)
        await send(update, context, t.gettext("It can no longer be cancelled."))
        return
    await deps.db.write(drafts.save, staff.user_id, draft, now_ts(deps))
    told = (t.gettext("The citizen will be told on Telegram, with a button to book again.")
            if visit.user_id is not None else
            t.gettext("This booking was made by phone or at the counter: the bot cannot tell "
                      "the citizen."))
    if visit.user_id is None and visit.phone:
        told += Markup(" ") + t.gettext("Phone: {phone}", phone=visit.phone)
    await send(update, context, t.gettext(
        "Cancel the booking of {name}, {when}, for {service}?\nReason: {reason}",
        name=visit.name or "—", when=_when(staff, context, visit), reason=draft.reason,
        service=service_name(deps.office, visit.service, t)) + "\n\n" + told,
        [[button(t.plain.pgettext("cancel a booking", "Yes, cancel it"),
                 callbacks.with_id(VISIT_CANCEL_YES, visit.id)),
          button(t.plain.pgettext("an operator keeps a booking", "No, keep it"),
                 STOP.encode())]])


async def cancel_confirmed(update: Update, context: Context, staff: Staff) -> None:
    booking_id = callbacks.read_id(VISIT_CANCEL_YES, callback_data(update))
    deps, t = context.deps, staff.t
    draft = await draft_of(context, staff.user_id, CancelDraft)
    if (booking_id is None or draft is None or draft.booking != booking_id
            or draft.step is not CancelStep.CONFIRM or draft.reason is None):
        await invalid_button(update, staff)
        return
    cancelled = await deps.db.write(counter.cancel, booking_id, now_ts(deps),
                                    actor=staff.user_id, by="operator",
                                    reason=draft.reason)
    await deps.db.write(drafts.delete, staff.user_id, Party.STAFF)
    visit = await deps.db.read(bookings.get, booking_id)
    assert visit is not None
    if cancelled is None:
        await answer(update, t.plain.gettext("It can no longer be cancelled."), alert=True)
        await show_visit(update, context, staff, visit)
        return
    await answer(update, t.plain.gettext("Cancelled."))
    await show_visit(update, context, staff, visit, t.gettext("<b>Cancelled.</b>") + "\n\n")
    await deps.offer_free_times()


def _when(staff: Staff, context: Context, visit: Booking) -> str:
    return staff.t.when(visit.start.astimezone(context.deps.office.tz))


def handlers() -> list[UpdateHandler]:
    return [
        MessageHandler(filters.ChatType.PRIVATE & filters.Regex(DETAIL),
                       for_staff(detail_command)),
        staff_command(NEXT, next_command),
        staff_button(NEXT_BUTTON.exact, next_pressed),
        staff_button(VISIT_STEP.pattern, step_pressed),
        staff_button(VISIT_UNDO.pattern, undo_pressed),
        staff_button(VISIT_CANCEL.pattern, ask_reason),
        staff_button(VISIT_CANCEL_YES.pattern, cancel_confirmed),
    ]
