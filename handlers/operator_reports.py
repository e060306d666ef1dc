"""/stats (with a chart when matplotlib is installed), /calibrate, /export."""

from __future__ import annotations

import asyncio

from markupsafe import Markup
from telegram import InputFile, Update

from bot.context import Context, UpdateHandler
from bot.domain.arguments import Period, parse_period
from bot.domain.calibration import MAX_MINUTES, valid_minutes, with_durations
from bot.services.statistics import period_stats
from handlers.agenda_csv import to_csv
from handlers.common import send
from handlers.message_size import echoed
from handlers.operator_access import (
    CALIBRATE,
    EXPORT,
    STATS,
    Staff,
    now_ts,
    staff_command,
    today,
)
from handlers.operator_agenda import date_examples
from handlers.stats_view import stats_message
from storage import agenda, audit, service_durations

MAX_REPORT_DAYS = 366
DEFAULT_STATS_SPAN = "month"


async def _period(update: Update, context: Context, staff: Staff, default: str,
                  *, spans: bool) -> Period | None:
    """The period typed after the command (or `default`); None, with an answer, if it is wrong."""
    t = staff.t
    text = context.args[0] if context.args else default
    period = parse_period(text, today(context.deps), spans=spans)
    if period is not None and period.days <= MAX_REPORT_DAYS:
        return period
    hint = (t.gettext("For a period: 1/11-30/11, or week, month, year.") if spans
            else t.gettext("For a period: 1/11-30/11."))
    await send(update, context, t.gettext(
        "I don't understand {arg} as a day or a period of at most {days} days.",
        arg=echoed(text), days=MAX_REPORT_DAYS) + "\n" + date_examples(staff) + "\n" + hint)
    return None


async def stats_command(update: Update, context: Context, staff: Staff) -> None:
    deps, t = context.deps, staff.t
    period = await _period(update, context, staff, DEFAULT_STATS_SPAN, spans=True)
    if period is None:
        return
    office = deps.office
    computed = await period_stats(deps.db, office, period)
    await deps.db.write(audit.record, now_ts(deps), staff.user_id, "stats",
                        detail=f"{period.first.isoformat()}..{period.last.isoformat()}")
    hint = None
    if staff.admin and any(item.suggested for item in computed.services):
        hint = t.gettext("To apply a suggestion: /{command} code minutes",
                         command=CALIBRATE.name(t.lang))
    await send(update, context, stats_message(computed, office, t, hint))
    if deps.chart is not None:
        chart = await asyncio.to_thread(deps.chart, computed, office, t)
        assert update.effective_chat is not None
        await context.bot.send_photo(update.effective_chat.id,
                                     InputFile(chart, filename="stats.png"))


async def calibrate_command(update: Update, context: Context, staff: Staff) -> None:
    deps, t = context.deps, staff.t
    office = deps.office
    args = context.args or []
    service = office.services.get(args[0]) if args else None
    minutes = int(args[1]) if len(args) == 2 and args[1].isdecimal() else None
    if service is None or minutes is None or not valid_minutes(office, minutes):
        lines = [t.gettext(
            "Write /{command} service minutes, for example /{command} cie 40. Minutes are a "
            "multiple of {step}, at most {most}. The services now:",
            command=CALIBRATE.name(t.lang), step=office.rules.slot_step_minutes,
            most=MAX_MINUTES)]
        lines += [t.gettext("• {code}: {name}, {minutes} min", code=code,
                            name=item.name.get(t.lang), minutes=item.duration)
                  for code, item in office.services.items()]
        await send(update, context, Markup("\n").join(lines))
        return
    await deps.db.write(service_durations.set_duration, service.code, minutes, staff.user_id,
                        now_ts(deps))
    deps.current.replace(with_durations(deps.office, {service.code: minutes}))
    await send(update, context, t.gettext(
        "{service} now takes {minutes} minutes (it was {before}). The times offered from now "
        "on follow it; the bookings made already keep theirs.",
        service=service.name.get(t.lang), minutes=minutes, before=service.duration))


async def export_command(update: Update, context: Context, staff: Staff) -> None:
    deps, t = context.deps, staff.t
    period = await _period(update, context, staff, "oggi", spans=False)
    if period is None:
        return
    start, end = period.bounds(deps.office.tz)
    visits = await deps.db.read(agenda.between, start, end)
    if not visits:
        await send(update, context, t.gettext("No bookings in that period."))
        return
    await deps.db.write(audit.record, now_ts(deps), staff.user_id, "export",
                        detail=f"{period.first.isoformat()}..{period.last.isoformat()}")
    name = (f"agenda-{period.first.isoformat()}.csv" if period.days == 1
            else f"agenda-{period.first.isoformat()}_{period.last.isoformat()}.csv")
    assert update.effective_chat is not None
    await context.bot.send_document(
        update.effective_chat.id, InputFile(to_csv(visits, deps.office, t), filename=name),
        caption=t.ngettext("{n} booking", "{n} bookings", len(visits)))


def handlers() -> list[UpdateHandler]:
    return [
        staff_command(STATS, stats_command),
        staff_command(CALIBRATE, calibrate_command, admin=True),
        staff_command(EXPORT, export_command),
    ]

