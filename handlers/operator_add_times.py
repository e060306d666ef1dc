"""/add, its first half: the service, a day of the whole booking horizon and a free time, by
buttons (from the same availability citizens see, without the minimum notice, so a walk-in can
be served now); a time gone meanwhile is said why (closed, or taken) and the choice offered again.
"""

from __future__ import annotations

from datetime import date, timedelta

from markupsafe import Markup
from telegram import Update

from bot.context import Context
from bot.domain.availability import DayState, service_closure
from bot.domain.model import Service, from_ts, to_ts
from bot.i18n import Translator
from bot.services import free_time
from handlers import staff_callbacks
from handlers.booking_card import documents
from handlers.booking_confirm import closed_message
from handlers.common import Button, answer, button
from handlers.operator_access import (
    Staff,
    show,
    today,
)
from handlers.staff_callbacks import ADD_SERVICES
from storage import closures

DAYS_SHOWN = 8
TIMES_PER_ROW = 5
MAX_TIMES = 95
"""Telegram allows 100 buttons on a message."""
STOP = staff_callbacks.STOP.encode()


def stop_keyboard(t: Translator, back: str | None = None) -> list[list[Button]]:
    """Back (to what `back` does) and Stop."""
    stop = button(t.plain.pgettext("stop what you are doing", "Stop"), STOP)
    if back is None:
        return [[stop]]
    return [[button(t.plain.pgettext("go back a step", "« Back"), back), stop]]


async def offer_services(update: Update, context: Context, staff: Staff) -> None:
    t = staff.t
    await show(update, context, t.gettext(
        "Booking for a citizen on the phone or at the counter. Which service?"),
        [[button(service.name.get(t.lang), staff_callbacks.add_service(code))]
         for code, service in context.deps.office.services.items()] + stop_keyboard(t))


async def offer_days(update: Update, context: Context, staff: Staff, service: Service,
                     page: int = 0) -> None:
    """The free days of the whole booking horizon, DAYS_SHOWN a page, with the documents to
    bring (for the operator to read to the caller)."""
    deps, t = context.deps, staff.t
    horizon = deps.office.rules.horizon_days
    days = [today(deps) + timedelta(days=n) for n in range(horizon + 1)]
    states = await free_time.ask(deps, service, lambda cal: cal.states(days), at_counter=True)
    free = [day for day in days if states[day] == DayState.FREE]
    back = stop_keyboard(t, ADD_SERVICES.encode())
    name = service.name.get(t.lang)
    if not free:
        await show(update, context, t.gettext("{service}: no free time in the next {n} days.",
                                              service=name, n=horizon), back)
        return
    pages = (len(free) + DAYS_SHOWN - 1) // DAYS_SHOWN
    page = min(page, pages - 1)
    shown = free[page * DAYS_SHOWN:(page + 1) * DAYS_SHOWN]
    keyboard = [[button(t.short_date(day), staff_callbacks.add_day(service.code, day))]
                for day in shown]
    turn = []
    if page > 0:
        turn.append(button(t.plain.gettext("◀ Earlier"), staff_callbacks.add_days(service.code,
                                                                            page - 1)))
    if page + 1 < pages:
        turn.append(button(t.plain.gettext("Later ▶"), staff_callbacks.add_days(service.code,
                                                                          page + 1)))
    text = t.gettext("{service}: which day?", service=name)
    if service.documents.get(t.lang).strip():
        text += Markup("\n\n") + documents(t, service)
    await show(update, context, text, keyboard + ([turn] if turn else []) + back)


async def offer_times(update: Update, context: Context, staff: Staff, service: Service,
                      day: date, heading: str = "") -> None:
    deps, t = context.deps, staff.t
    slots = (await free_time.load(deps, service, day, day, at_counter=True)).slots(day)[:MAX_TIMES]
    back = stop_keyboard(t, staff_callbacks.add_days(service.code, 0))
    if not slots:
        await show(update, context, heading + t.gettext("No free time left on {day}.",
                                                        day=t.date(day)), back)
        return
    times = [button(t.time(slot.start), staff_callbacks.add_time(service.code, to_ts(slot.start)))
             for slot in slots]
    await show(update, context, heading + t.gettext(
        "{service}, {day}: which time?", service=service.name.get(t.lang), day=t.date(day)),
        [times[i:i + TIMES_PER_ROW] for i in range(0, len(times), TIMES_PER_ROW)] + back)


async def desks_free(context: Context, service: Service, start: int) -> list[str]:
    moment = from_ts(start, context.deps.office.tz)
    calendar = await free_time.load(context.deps, service, moment.date(), moment.date(),
                                    at_counter=True)
    return calendar.desks_at(moment)


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
