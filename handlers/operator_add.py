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

This module routes the presses; the choice of a time is in handlers/operator_add_times.py,
the details, the summary and the booking in handlers/operator_add_details.py.
"""

from __future__ import annotations

from telegram import Update

from bot.context import Context, UpdateHandler
from bot.domain.model import Service
from bot.domain.staff_flows import AddDraft, AddStep, add_at
from handlers import staff_callbacks
from handlers.common import answer, callback_data
from handlers.operator_access import (
    ADD,
    Staff,
    draft_of,
    invalid_button,
    now_ts,
    staff_button,
    staff_command,
)
from handlers.operator_add_details import ask, back_pressed, confirm, draft_pressed
from handlers.operator_add_times import (
    desks_free,
    not_free,
    offer_days,
    offer_services,
    offer_times,
)
from handlers.staff_callbacks import ADD as ADD_BUTTONS
from handlers.staff_callbacks import (
    ADD_ANYWAY,
    ADD_BACK,
    ADD_CONFIRM,
    ADD_NO_NOTE,
    ADD_NO_PHONE,
    ADD_SERVICES,
)
from storage import drafts


async def add_command(update: Update, context: Context, staff: Staff) -> None:
    await offer_services(update, context, staff)


async def pressed(update: Update, context: Context, staff: Staff) -> None:
    services, data = context.deps.office.services, callback_data(update)
    if (service := staff_callbacks.read_add_service(data)) is not None and service in services:
        await answer(update)
        await offer_days(update, context, staff, services[service])
    elif (page := staff_callbacks.read_add_days(data)) and page[0] in services:
        await answer(update)
        await offer_days(update, context, staff, services[page[0]], page[1])
    elif data == ADD_SERVICES.encode():
        await answer(update)
        await offer_services(update, context, staff)
    elif nonce := staff_callbacks.read_nonce(ADD_BACK, data):
        await back_pressed(update, context, staff, nonce)
    elif (day := staff_callbacks.read_add_day(data)) and day[0] in services:
        await answer(update)
        await offer_times(update, context, staff, services[day[0]], day[1])
    elif (time := staff_callbacks.read_add_time(data)) and time[0] in services:
        await time_chosen(update, context, staff, services[time[0]], time[1])
    elif nonce := staff_callbacks.read_nonce(ADD_NO_NOTE, data):
        await draft_pressed(update, context, staff, AddStep.NOTE, nonce)
    elif pair := staff_callbacks.read_both_right(data):
        await draft_pressed(update, context, staff, AddStep.CODICE_FISCALE, pair[0], mark=pair[1])
    elif nonce := staff_callbacks.read_nonce(ADD_NO_PHONE, data):
        await draft_pressed(update, context, staff, AddStep.PHONE, nonce)
    elif pressed := staff_callbacks.read_add_booking(ADD_CONFIRM, data):
        await draft_pressed(update, context, staff, AddStep.SUMMARY, pressed[0], pressed[1])
    elif pressed := staff_callbacks.read_add_booking(ADD_ANYWAY, data):
        await draft_pressed(update, context, staff, AddStep.SUMMARY, pressed[0], pressed[1],
                            anyway=True)
    else:
        await invalid_button(update, staff)


async def time_chosen(update: Update, context: Context, staff: Staff, service: Service,
                      start: int) -> None:
    """A time: then the citizen's details, or straight to the summary when they were typed
    already and only the time had to change (it was taken at the last moment)."""
    deps = context.deps
    if not await desks_free(context, service, start):
        await not_free(update, context, staff, service, start)
        return
    draft = add_at(await draft_of(context, staff.user_id, AddDraft), service.code, start)
    await deps.db.write(drafts.save, staff.user_id, draft, now_ts(deps))
    await answer(update)
    if draft.step is AddStep.SUMMARY:
        await confirm(update, context, staff, draft)
        return
    await ask(update, context, staff, draft)


def handlers() -> list[UpdateHandler]:
    return [staff_command(ADD, add_command), staff_button(ADD_BUTTONS.pattern, pressed)]
