"""/sala (/room): the waiting room now, desk by desk, with a button that refreshes it."""

from __future__ import annotations

from datetime import datetime, timedelta

from markupsafe import Markup
from telegram import Update

from bot.context import Context, UpdateHandler
from bot.domain.arguments import Period
from bot.domain.waiting_room import Desk, Room, room, waited
from bot.i18n import Translator
from handlers.agenda_view import PAGE_LIMIT, desk_name, units
from handlers.common import answer, button
from handlers.operator_access import ROOM, Staff, show, staff_button, staff_command, today
from handlers.staff_callbacks import ROOM_REFRESH
from storage import agenda


def _minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)


def _desk_line(desk: Desk, context: Context, t: Translator, now: datetime) -> Markup:
    office = context.deps.office
    parts = []
    if desk.serving is not None and desk.serving.started is not None:
        parts.append(t.gettext("🟢 {code} since {time} ({minutes} min)", code=desk.serving.code,
                               time=t.time(desk.serving.started.astimezone(office.tz)),
                               minutes=_minutes(now - desk.serving.started)))
    if desk.waiting:
        longest = max(_minutes(waited(visit, now)) for visit in desk.waiting)
        parts.append(t.ngettext("⏳ {n} waiting, the longest for {minutes} min",
                                "⏳ {n} waiting, the longest for {minutes} min",
                                len(desk.waiting), minutes=longest))
    if desk.late:
        parts.append(t.ngettext("⏰ {n} late", "⏰ {n} late", len(desk.late)))
    body = Markup(" · ").join(parts) if parts else t.gettext("nobody")
    return Markup("<b>{}</b> — {}").format(desk_name(office, desk.code), body)


def render(found: Room, context: Context, t: Translator, now: datetime) -> Markup:
    office = context.deps.office
    lines = [
        t.gettext("<b>Waiting room</b>, {time}", time=t.time(now.astimezone(office.tz))),
        t.gettext("At the desk: {serving} · waiting: {waiting} · late: {late}",
                  serving=found.serving, waiting=found.waiting, late=found.late),
    ]
    if found.average_wait is not None:
        lines.append(t.gettext("Average wait today: {minutes} min",
                               minutes=round(found.average_wait)))
    if found.average_service is not None and found.average_booked is not None:
        lines.append(t.gettext("Average time at the desk today: {minutes} min (booked: {booked})",
                               minutes=round(found.average_service),
                               booked=round(found.average_booked)))
    lines.append(Markup())
    desk_lines = [_desk_line(desk, context, t, now) for desk in found.desks]
    for shown, line in enumerate(desk_lines):
        if units(Markup("\n").join([*lines, line])) > PAGE_LIMIT:
            lines.append(t.ngettext("… and {n} more desk: see /agenda.",
                                    "… and {n} more desks: see /agenda.", len(desk_lines) - shown))
            break
        lines.append(line)
    return Markup("\n").join(lines)


async def show_room(update: Update, context: Context, staff: Staff) -> None:
    deps = context.deps
    start, end = Period(today(deps), today(deps)).bounds(deps.office.tz)
    visits = await deps.db.read(agenda.between, start, end)
    now = deps.clock.now()
    text = render(room(list(deps.office.desks), visits, now), context, staff.t, now)
    await answer(update)
    refresh = button(staff.t.plain.gettext("🔄 Refresh"), ROOM_REFRESH.encode())
    await show(update, context, text, [[refresh]])


def handlers() -> list[UpdateHandler]:
    return [staff_command(ROOM, show_room), staff_button(ROOM_REFRESH.exact, show_room)]
