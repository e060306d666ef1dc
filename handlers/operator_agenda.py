"""/agenda, its pages, and /desk: the day's bookings, desk by desk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from markupsafe import Markup
from telegram import Update

from bot.context import Context, UpdateHandler
from bot.domain.arguments import ALL_DESKS, Period, find_desk, parse_day
from bot.domain.closing import closed_already
from bot.domain.model import Office
from handlers import staff_callbacks
from handlers.agenda_view import desk_name, pages
from handlers.common import Button, Keyboard, answer, button, callback_data, send
from handlers.message_size import echoed
from handlers.operator_access import (
    AGENDA,
    DESK,
    NEXT,
    Staff,
    invalid_button,
    now_ts,
    show,
    staff_button,
    staff_command,
    today,
)
from handlers.staff_callbacks import AGENDA as AGENDA_PAGE
from handlers.staff_callbacks import DESK as DESK_BUTTON
from handlers.staff_callbacks import DESK_CHOOSER
from storage import agenda, audit, closures, operators

DESKS_PER_ROW = 5


agenda_data = staff_callbacks.agenda


def desk_keyboard(office: Office,
                  data: Callable[[str], str]) -> list[list[Button]]:
    codes = list(office.desks)
    return [[button(code, data(code)) for code in codes[i:i + DESKS_PER_ROW]]
            for i in range(0, len(codes), DESKS_PER_ROW)]


def date_examples(staff: Staff) -> Markup:
    return staff.t.gettext("Write the day as today, tomorrow, 3/12, 03/12/2026 or 2026-12-03.")


async def agenda_command(update: Update, context: Context, staff: Staff) -> None:
    deps, t = context.deps, staff.t
    day, desk, every_desk = today(deps), None, False
    for arg in context.args or []:
        if (found := parse_day(arg, today(deps))) is not None:
            day = found
        elif arg.lower() in ALL_DESKS:
            every_desk = True
        elif (code := find_desk(deps.office, arg)) is not None:
            desk = code
        else:
            await send(update, context, t.gettext(
                "I don't understand {arg}. Use /{command} [day] [desk], for example "
                "/{command} domani 3.", arg=echoed(arg), command=AGENDA.name(t.lang))
                + "\n" + date_examples(staff))
            return
    if desk is None and not every_desk:
        desk = await deps.db.read(operators.desk_on, staff.user_id, day)
        desk = desk if desk in deps.office.desks else None  # gone from the office file
    await deps.db.write(audit.record, now_ts(deps), staff.user_id, "agenda",
                        detail=f"{day.isoformat()} {desk or '*'}")
    await show_page(update, context, staff, day, desk, 0)


async def page_pressed(update: Update, context: Context, staff: Staff) -> None:
    found = staff_callbacks.read_agenda(callback_data(update))
    if found is None or (found.desk is not None and found.desk not in context.deps.office.desks):
        await invalid_button(update, staff)
        return
    await answer(update)
    await show_page(update, context, staff, found.day, found.desk, found.page)


async def show_page(update: Update, context: Context, staff: Staff, day: date,
                    desk: str | None, page: int) -> None:
    deps, t, office = context.deps, staff.t, context.deps.office
    start, end = Period(day, day).bounds(office.tz)
    visits = await deps.db.read(agenda.between, start, end, desk)
    every_page = pages(visits, office, t, day, desk)
    page = min(page, len(every_page) - 1)
    text = every_page[page]
    why = closed_already(office, await deps.db.read(closures.active, day), day, day, desk,
                         t.lang).get(day)
    if why is not None:
        text += "\n\n" + (t.gettext("Closed: {reason}", reason=why) if why
                          else t.gettext("Closed."))
    await show(update, context, text, page_keyboard(staff, office, day, desk, page,
                                                    len(every_page)))


def page_keyboard(staff: Staff, office: Office, day: date, desk: str | None, page: int,
                  count: int) -> Keyboard:
    t = staff.t
    rows = []
    if count > 1:
        rows.append([button(label, agenda_data(day, desk, number)) for label, number in (
            (f"◀ {page}/{count}", page - 1), (f"{page + 2}/{count} ▶", page + 1),
        ) if 0 <= number < count])
    if desk is None:
        rows.append([button(t.plain.gettext("Choose a desk"), staff_callbacks.desk_chooser(day))])
    else:
        codes = list(office.desks)
        index = codes.index(desk)
        around = [button(t.plain.gettext("All desks"), agenda_data(day, None))]
        if index > 0:
            around.insert(0, button(f"◀ {codes[index - 1]}", agenda_data(day, codes[index - 1])))
        if index + 1 < len(codes):
            around.append(button(f"{codes[index + 1]} ▶", agenda_data(day, codes[index + 1])))
        rows.append(around)
    before, after = day - timedelta(days=1), day + timedelta(days=1)
    rows.append([button(f"◀ {t.short_date(before)}", agenda_data(before, desk)),
                 button(f"{t.short_date(after)} ▶", agenda_data(after, desk))])
    return rows


async def desks_pressed(update: Update, context: Context, staff: Staff) -> None:
    """The desk chooser of a day's agenda."""
    day = staff_callbacks.read_desk_chooser(callback_data(update))
    if day is None:
        await invalid_button(update, staff)
        return
    await answer(update)
    office = context.deps.office
    keyboard = desk_keyboard(office, lambda code: agenda_data(day, code))
    keyboard.append([button(staff.t.plain.gettext("All desks"), agenda_data(day, None))])
    await show(update, context, staff.t.gettext("Which desk's agenda, {day}?",
                                                day=staff.t.date(day)), keyboard)


async def desk_command(update: Update, context: Context, staff: Staff) -> None:
    deps, t = context.deps, staff.t
    if context.args:
        code = find_desk(deps.office, context.args[0])
        if code is None:
            await unknown_desk(update, context, staff, context.args[0])
        else:
            await set_desk(update, context, staff, code)
        return
    current = await deps.db.read(operators.desk_on, staff.user_id, today(deps))
    text = (t.gettext("Today you are at {desk}. Choose another:",
                      desk=desk_name(deps.office, current))
            if current else t.gettext("Which desk are you at today?"))
    await send(update, context, text, desk_keyboard(deps.office, staff_callbacks.desk))


async def unknown_desk(update: Update, context: Context, staff: Staff, typed: str) -> None:
    await send(update, context, staff.t.gettext("There is no desk {desk}. Choose yours:",
                                                desk=echoed(typed)),
               desk_keyboard(context.deps.office, staff_callbacks.desk))


async def desk_pressed(update: Update, context: Context, staff: Staff) -> None:
    found = staff_callbacks.read_desk(callback_data(update))
    if found is None or found not in context.deps.office.desks:
        await invalid_button(update, staff)
        return
    await answer(update)
    await set_desk(update, context, staff, found)


async def set_desk(update: Update, context: Context, staff: Staff, desk: str) -> None:
    deps, t = context.deps, staff.t
    await deps.db.write(operators.set_desk, staff.user_id, today(deps), desk, now_ts(deps))
    await show(update, context, t.gettext(
        "Today you are at {desk}: /{agenda} and /{next} start from it.",
        desk=desk_name(deps.office, desk), agenda=AGENDA.name(t.lang), next=NEXT.name(t.lang)))


def handlers() -> list[UpdateHandler]:
    return [
        staff_command(AGENDA, agenda_command),
        staff_command(DESK, desk_command),
        staff_button(AGENDA_PAGE.pattern, page_pressed),
        staff_button(DESK_CHOOSER.pattern, desks_pressed),
        staff_button(DESK_BUTTON.pattern, desk_pressed),
    ]
