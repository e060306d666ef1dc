"""/close and /reopen: closing the office or one desk for some days, and lifting it.

/close shows what it would cancel and does nothing until confirmed; on confirmation the closure
is added and the bookings it covers cancelled in one transaction, and each citizen who booked on
Telegram gets one notice (outbox) with a button to book again. Lifting a closure reopens the
days to bookings; the bookings it cancelled stay cancelled.
"""

from __future__ import annotations

from datetime import date

from telegram import Update
from telegram.ext import BaseHandler

from bot.context import Context
from bot.domain.arguments import Period, find_desk, parse_period
from bot.domain.flows import Party
from bot.domain.model import Closure, Office, from_ts
from bot.domain.staff_flows import ClosureDraft
from bot.domain.visits import Visit
from bot.i18n import Html, Translator
from bot.services import counter
from handlers import callbacks
from handlers.agenda_view import NAME_LIMIT, clip, desk_name
from handlers.callbacks import CLOSE_CONFIRM, CLOSURE, CLOSURE_LIFT, STOP
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
from storage import agenda, closures, drafts

MAX_DAYS = 366
REASON_LIMIT = 200
LISTED = 15
"""Bookings listed by name before "and N more"."""


def parse(office: Office, text: str, today: date) -> tuple[Period, str | None, str] | None:
    """`/close DAY[-DAY] [desk] [reason]` -> (period, desk or None, reason)."""
    parts = text.split(maxsplit=2)
    period = parse_period(parts[1], today) if len(parts) > 1 else None
    if period is None:
        return None
    rest = parts[2] if len(parts) > 2 else ""
    first_word, _, after = rest.partition(" ")
    desk = find_desk(office, first_word) if first_word else None
    return period, desk, " ".join((after if desk else rest).split())


def _scope(office: Office, t: Translator, desk: str | None) -> str:
    return desk_name(office, desk) if desk else t.gettext("the whole office")


def _span(t: Translator, first: date, last: date) -> str:
    if first == last:
        return t.date(first)
    return t.gettext("from {first} to {last}", first=t.date(first), last=t.date(last))


def _listing(t: Translator, office: Office, visits: list[Visit]) -> list[str]:
    lines = []
    for visit in visits[:LISTED]:
        start = from_ts(visit.start, office.tz)
        lines.append(t.gettext("• {day} {time}, {desk}: {name}", day=t.short_date(start.date()),
                               time=t.time(start), desk=visit.desk,
                               name=clip(visit.name or "—", NAME_LIMIT)))
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
    period, desk, reason = parsed
    if period.first < today(deps) or period.days > MAX_DAYS or len(reason) > REASON_LIMIT:
        await send(update, context, t.gettext(
            "A closure starts today or later, lasts at most {days} days, and its reason has at "
            "most {limit} characters.", days=MAX_DAYS, limit=REASON_LIMIT))
        return
    start, end = period.bounds(office.tz)
    affected = await deps.db.read(agenda.cancellable, start, end, desk, now_ts(deps))
    draft = ClosureDraft.new(first=period.first.isoformat(), last=period.last.isoformat(),
                             desk=desk, reason=reason)
    await deps.db.write(drafts.save, staff.user_id, draft, now_ts(deps))
    lines = [t.gettext("Close <b>{scope}</b> {span}?", scope=_scope(office, t, desk),
                       span=_span(t, period.first, period.last)),
             t.gettext("Reason: {reason}", reason=reason or "—"), ""]
    if affected:
        lines.append(t.ngettext(
            "{n} booking will be cancelled; the citizens who booked on Telegram are told, with "
            "a button to book again:",
            "{n} bookings will be cancelled; the citizens who booked on Telegram are told, with "
            "a button to book again:", len(affected)))
        lines += _listing(t, office, affected)
    else:
        lines.append(t.gettext("No booking is affected."))
    label = (t.ngettext("Close and cancel {n} booking", "Close and cancel {n} bookings",
                        len(affected)) if affected else t.gettext("Close"))
    await send(update, context, Html("\n".join(lines)),
               [[button(label, callbacks.with_nonce(CLOSE_CONFIRM, draft.nonce)),
                button(t.gettext("Don't close"), STOP.encode())]])


async def close_confirmed(update: Update, context: Context, staff: Staff) -> None:
    deps, t, office = context.deps, staff.t, context.deps.office
    nonce = callbacks.read_nonce(CLOSE_CONFIRM, callback_data(update))
    draft = await draft_of(context, staff.user_id, ClosureDraft)
    if nonce is None or draft is None or draft.nonce != nonce:
        await invalid_button(update, staff)
        return
    period = Period(date.fromisoformat(draft.first), date.fromisoformat(draft.last))
    start, end = period.bounds(office.tz)
    desk, reason = draft.desk, draft.reason
    await deps.db.write(drafts.delete, staff.user_id, Party.STAFF)
    closure, cancelled = await deps.db.write(
        counter.close, period.first, period.last, desk, reason, start=start, end=end,
        actor=staff.user_id, now=now_ts(deps))
    await answer(update, t.gettext("Closed."))
    lines = [t.gettext("<b>Closed:</b> {scope} {span}.", scope=_scope(office, t, desk),
                       span=_span(t, closure.first, closure.last)),
             t.ngettext("{n} booking cancelled.", "{n} bookings cancelled.", len(cancelled))]
    offline = [b for b in cancelled if b.user_id is None]
    if offline:
        lines += ["", t.gettext("Booked by phone or at the counter, so not told by the bot:")]
        lines += _listing(t, office, offline)
    await show(update, context, Html("\n".join(lines)))


async def reopen_command(update: Update, context: Context, staff: Staff) -> None:
    await show_closures(update, context, staff, "")


async def show_closures(update: Update, context: Context, staff: Staff, heading: str) -> None:
    deps, t = context.deps, staff.t
    active = await deps.db.read(closures.active, today(deps))
    if not active:
        await show(update, context, heading + t.gettext(
            "No closure made here is in force. Closures written in the configuration file are "
            "changed there."))
        return
    await show(update, context, Html(heading + t.gettext("Which closure do you lift?")),
               [[button(_closure_label(t, deps.office, closure),
                        callbacks.with_id(CLOSURE_LIFT, closure.id))]
                for closure in active])


def _closure_label(t: Translator, office: Office, closure: Closure) -> str:
    days = (t.short_date(closure.first) if closure.first == closure.last
            else f"{t.short_date(closure.first)} - {t.short_date(closure.last)}")
    return f"{days} · {closure.desk or t.gettext('whole office')} · {closure.reason}"[:60]


async def lift_pressed(update: Update, context: Context, staff: Staff) -> None:
    closure_id = callbacks.read_id(CLOSURE_LIFT, callback_data(update))
    if closure_id is None:
        await invalid_button(update, staff)
        return
    deps, t = context.deps, staff.t
    lifted = await deps.db.write(counter.reopen, closure_id, actor=staff.user_id,
                                 now=now_ts(deps))
    await answer(update, t.gettext("Lifted.") if lifted else t.gettext("Already lifted."))
    heading = ""
    if lifted is not None:
        heading = t.gettext("<b>Lifted:</b> {scope} {span} can be booked again; the bookings "
                            "it cancelled stay cancelled.",
                            scope=_scope(deps.office, t, lifted.desk),
                            span=_span(t, lifted.first, lifted.last)) + "\n\n"
        await deps.offer_free_times()
    await show_closures(update, context, staff, heading)


def handlers() -> list[BaseHandler]:
    return [
        staff_command(CLOSE, close_command),
        staff_command(REOPEN, reopen_command),
        staff_button(CLOSURE.pattern, close_confirmed),
        staff_button(CLOSURE_LIFT.pattern, lift_pressed),
    ]
