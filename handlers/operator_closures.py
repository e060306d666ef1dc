"""/close and /reopen: closing the office or one desk for some days, and lifting it.

/close shows what it would cancel and does nothing until confirmed; on confirmation the closure
is added and the bookings it covers cancelled in one transaction, and each citizen who booked on
Telegram gets one notice (outbox) with a button to book again. Lifting a closure reopens the
days to bookings; the bookings it cancelled stay cancelled.
"""

from __future__ import annotations

from datetime import date

from markupsafe import Markup
from telegram import Update

from bot.context import Context, UpdateHandler
from bot.domain.arguments import Period, find_desk, looks_like_desk, parse_period
from bot.domain.booking import Booking
from bot.domain.closing import closed_already
from bot.domain.flows import Party
from bot.domain.model import REASON_LIMIT, Closure, Office
from bot.domain.staff_flows import ClosureDraft
from bot.i18n import Translator
from bot.services import counter
from handlers import callbacks, staff_callbacks
from handlers.agenda_view import NAME_SHOWN, clip, desk_name
from handlers.common import answer, button, callback_data, send
from handlers.operator_access import (
    CLOSE,
    REOPEN,
    Staff,
    draft_of,
    invalid_button,
    now_ts,
    show,
    staff_button,
    staff_command,
    today,
)
from handlers.operator_agenda import date_examples
from handlers.staff_callbacks import CLOSE_CONFIRM, CLOSURE, CLOSURE_LIFT, STOP
from storage import closures, drafts

MAX_CLOSURE_DAYS = 366
LISTED = 15
"""Bookings listed by name before "and N more"."""


def parse(office: Office, text: str,
          today: date) -> tuple[Period, str | None, str] | str | None:
    """`/close DAY[-DAY] [desk] [reason]` -> (period, desk or None, reason); the word written as
    a desk when there is no such desk; None when the days cannot be read."""
    parts = text.split(maxsplit=2)
    period = parse_period(parts[1], today) if len(parts) > 1 else None
    if period is None:
        return None
    rest = parts[2] if len(parts) > 2 else ""
    first_word, _, after = rest.partition(" ")
    desk = find_desk(office, first_word) if first_word else None
    if desk is None and looks_like_desk(office, first_word):
        return first_word
    return period, desk, " ".join((after if desk else rest).split())


def _scope(office: Office, t: Translator, desk: str | None) -> str:
    return desk_name(office, desk) if desk else t.gettext("the whole office")


def _span(t: Translator, first: date, last: date) -> str:
    if first == last:
        return t.date(first)
    return t.gettext("from {first} to {last}", first=t.date(first), last=t.date(last))


def _listing(t: Translator, office: Office, visits: list[Booking]) -> list[Markup]:
    lines: list[Markup] = []
    for visit in visits[:LISTED]:
        start = visit.start.astimezone(office.tz)
        line = t.gettext("• {day} {time}, {desk}: {name}", day=t.short_date(start.date()),
                         time=t.time(start), desk=visit.desk,
                         name=clip(visit.name or "—", NAME_SHOWN))
        if visit.phone:  # someone the bot cannot tell: the operator can call
            line += Markup(", ") + t.gettext("phone {phone}", phone=visit.phone)
        lines.append(line)
    if len(visits) > LISTED:
        lines.append(t.gettext("… and {n} more", n=len(visits) - LISTED))
    return lines


async def close_command(update: Update, context: Context, staff: Staff) -> None:
    assert update.message is not None
    deps, t, office = context.deps, staff.t, context.deps.office
    parsed = parse(office, update.message.text or "", today(deps))
    if parsed is None:
        await send(update, context, t.gettext(
            "Write /{command} day [desk] [reason], or a range of days: for example\n"
            "/{command} 24/12 Christmas Eve\n/{command} 3/12-5/12 S03 training",
            command=CLOSE.name(t.lang)) + "\n" + date_examples(staff))
        return
    if isinstance(parsed, str):
        await send(update, context, t.gettext(
            "There is no desk {desk}: nothing was closed. The desks are {desks}.",
            desk=clip(parsed, NAME_SHOWN), desks=", ".join(office.desks)))
        return
    period, desk, reason = parsed
    if period.first < today(deps) or period.days > MAX_CLOSURE_DAYS or len(reason) > REASON_LIMIT:
        await send(update, context, t.gettext(
            "A closure starts today or later, lasts at most {days} days, and its reason has at "
            "most {limit} characters.", days=MAX_CLOSURE_DAYS, limit=REASON_LIMIT))
        return
    start, end = period.bounds(office.tz)
    in_force = await deps.db.read(closures.active, period.first)
    already = closed_already(office, in_force, period.first, period.last, desk, t.lang)
    if len(already) == period.days:
        await send(update, context, Markup("\n").join([t.gettext(
            "{scope} is closed already {span}: nothing to close.",
            scope=_scope(office, t, desk), span=_span(t, period.first, period.last)),
            *_closed_days(t, already)]))
        return
    affected, planned = await deps.db.read(
        counter.closing_plan, office, Closure(period.first, period.last, desk, reason),
        start=start, end=end, now=now_ts(deps))
    draft = ClosureDraft.new(first=period.first.isoformat(), last=period.last.isoformat(),
                             desk=desk, reason=reason)
    await deps.db.write(drafts.save, staff.user_id, draft, now_ts(deps))
    lines = [t.gettext("Close <b>{scope}</b> {span}?", scope=_scope(office, t, desk),
                       span=_span(t, period.first, period.last)),
             t.gettext("Reason: {reason}", reason=reason or "—"), Markup()]
    if already:
        lines += [t.gettext("Closed already on these days:"), *_closed_days(t, already), Markup()]
    doomed = [visit for visit in affected if visit.id in planned.cancelled]
    if planned.kept:
        lines.append(t.ngettext(
            "{n} booking moves to another desk that handles its service: same day, time and "
            "code.",
            "{n} bookings move to another desk that handles their service: same day, time and "
            "code.", len(planned.kept)))
    if doomed:
        lines.append(t.ngettext(
            "{n} booking will be cancelled; the citizens who booked on Telegram are told, with "
            "a button to book again:",
            "{n} bookings will be cancelled; the citizens who booked on Telegram are told, with "
            "a button to book again:", len(doomed)))
        lines += _listing(t, office, doomed)
    if not affected:
        lines.append(t.gettext("No booking is affected."))
    label = (t.plain.ngettext("Close and cancel {n} booking", "Close and cancel {n} bookings",
                              len(doomed))
             if doomed else t.plain.pgettext("close the office", "Close"))
    await send(update, context, Markup("\n").join(lines),
               [[button(label, staff_callbacks.with_nonce(CLOSE_CONFIRM, draft.nonce)),
                 button(t.plain.gettext("Don't close"), STOP.encode())]])


async def close_confirmed(update: Update, context: Context, staff: Staff) -> None:
    deps, t, office = context.deps, staff.t, context.deps.office
    nonce = staff_callbacks.read_nonce(CLOSE_CONFIRM, callback_data(update))
    draft = await draft_of(context, staff.user_id, ClosureDraft)
    if nonce is None or draft is None or draft.nonce != nonce:
        await invalid_button(update, staff)
        return
    period = Period(date.fromisoformat(draft.first), date.fromisoformat(draft.last))
    start, end = period.bounds(office.tz)
    desk, reason = draft.desk, draft.reason
    await deps.db.write(drafts.delete, staff.user_id, Party.STAFF)
    closed = await deps.db.write(
        counter.close, office, period.first, period.last, desk, reason, start=start, end=end,
        actor=staff.user_id, now=now_ts(deps))
    await answer(update, t.plain.gettext("Closed."))
    lines = [t.gettext("<b>Closed:</b> {scope} {span}.", scope=_scope(office, t, desk),
                       span=_span(t, closed.closure.first, closed.closure.last))]
    if closed.kept:
        lines.append(t.ngettext("{n} booking moved to another desk.",
                                "{n} bookings moved to another desk.", len(closed.kept)))
    lines.append(t.ngettext("{n} booking cancelled.", "{n} bookings cancelled.",
                            len(closed.cancelled)))
    offline = [b for b in closed.cancelled if b.user_id is None]
    if offline:
        lines += [Markup(), t.gettext("Booked by phone or at the counter, so not told by the bot:")]
        lines += _listing(t, office, offline)
    await show(update, context, Markup("\n").join(lines))


async def reopen_command(update: Update, context: Context, staff: Staff) -> None:
    await show_closures(update, context, staff, Markup())


async def show_closures(update: Update, context: Context, staff: Staff,
                        heading: Markup) -> None:
    deps, t = context.deps, staff.t
    active = await deps.db.read(closures.active, today(deps))
    if not active:
        await show(update, context, heading + t.gettext(
            "No closure made here is in force. Closures written in the configuration file are "
            "changed there."))
        return
    await show(update, context, heading + t.gettext("Which closure do you lift?"),
               [[button(_closure_label(t, deps.office, closure),
                        callbacks.with_id(CLOSURE_LIFT, closure.id or 0))]
                for closure in active])


def _closed_days(t: Translator, already: dict[date, str]) -> list[Markup]:
    return [t.gettext("• {day}: {reason}", day=t.short_date(day),
                      reason=reason or t.plain.gettext("no opening hours"))
            for day, reason in list(already.items())[:LISTED]]


def _closure_label(t: Translator, office: Office, closure: Closure) -> str:
    days = (t.short_date(closure.first) if closure.first == closure.last
            else f"{t.short_date(closure.first)} - {t.short_date(closure.last)}")
    parts = [days, closure.desk or t.plain.gettext("whole office"), closure.reason]
    return " · ".join(part for part in parts if part)[:60]


async def lift_pressed(update: Update, context: Context, staff: Staff) -> None:
    closure_id = callbacks.read_id(CLOSURE_LIFT, callback_data(update))
    if closure_id is None:
        await invalid_button(update, staff)
        return
    deps, t = context.deps, staff.t
    lifted = await deps.db.write(counter.reopen, closure_id, actor=staff.user_id,
                                 now=now_ts(deps))
    await answer(update, t.plain.gettext("Lifted.") if lifted else t.gettext("Already lifted."))
    heading = Markup()
    if lifted is not None:
        heading = t.gettext("<b>Lifted:</b> {scope} {span} can be booked again; the bookings "
                            "it cancelled stay cancelled.",
                            scope=_scope(deps.office, t, lifted.desk),
                            span=_span(t, lifted.first, lifted.last)) + "\n\n"
        await deps.offer_free_times()
    await show_closures(update, context, staff, heading)


def handlers() -> list[UpdateHandler]:
    return [
        staff_command(CLOSE, close_command),
        staff_command(REOPEN, reopen_command),
        staff_button(CLOSURE.pattern, close_confirmed),
        staff_button(CLOSURE_LIFT.pattern, lift_pressed),
    ]
