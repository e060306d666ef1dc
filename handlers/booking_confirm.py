"""The last press of /book: the booking is written, or the citizen learns why not and what next."""

from __future__ import annotations

from datetime import date

from markupsafe import Markup
from telegram import InputFile, Update

from bot.context import Context
from bot.domain import ics, schedules
from bot.domain.booking import Booking, Channel
from bot.domain.flows import Draft, Step
from bot.domain.model import Office, from_ts, to_ts
from bot.i18n import Translator
from bot.services import booking, free_time
from handlers.booking_card import (
    card,
    changeable,
    confirm_by,
    cutoff_rule,
    documents,
    too_late,
)
from handlers.common import bot_call, send
from handlers.contacts import with_reach
from storage import drafts
from storage.bookings import Booked, InTheWay, Refusal, Request
from storage.citizens import Citizen


async def send_event(update: Update, context: Context, who: Citizen, t: Translator,
                     event: bytes, code: str, caption: Markup) -> None:
    """A booking's calendar file (`event`, from bot.domain.ics), named after its code."""
    chat_id = update.effective_chat.id if update.effective_chat else who.user_id
    await bot_call(context.bot, "sendDocument", chat_id=chat_id,
                   document=InputFile(event, filename=f"{code}.ics"), caption=caption)


def limit_message(t: Translator, refusal: Refusal, limit: int) -> Markup:
    if refusal is Refusal.LIMIT_ACCOUNT:
        return t.ngettext(
            "You already have {n} upcoming booking, the most allowed. To book another, first "
            "cancel one in /mybookings.",
            "You already have {n} upcoming bookings, the most allowed. To book another, first "
            "cancel one in /mybookings.", limit)
    return t.ngettext(
        "This codice fiscale already has {n} upcoming booking, the most allowed. To book "
        "another, cancel one in /mybookings (or ask whoever booked it).",
        "This codice fiscale already has {n} upcoming bookings, the most allowed. To book "
        "another, cancel one in /mybookings (or ask whoever booked them).", limit)


def person_busy(t: Translator, office: Office, who: Citizen, other: Booking) -> Markup:
    """The booking of the same person that overlaps the time wanted: in full when it is the
    citizen's own, otherwise only that it exists (another account's booking is not theirs to
    read)."""
    if other.user_id == who.user_id:
        return t.gettext(
            "{name} already has a booking at an overlapping time: {service}, {when}, code {code}. "
            "One person cannot be in two places at once: choose another time, or cancel that "
            "booking in /mybookings.", name=other.name or "—",
            service=office.service_name(other.service, t.lang),
            when=t.when(other.start.astimezone(office.tz)), code=other.code)
    return t.gettext(
        "This codice fiscale already has a booking at an overlapping time, made from another "
        "account or at the counter. One person cannot be in two places at once: choose another "
        "time, or check the codice fiscale.")


def closed_message(t: Translator, day: date, reason: str) -> Markup:
    if reason:
        return t.gettext("Sorry, the office has just been closed on {day}: {reason}. Please "
                         "choose another day.", day=t.date(day), reason=reason)
    return t.gettext("Sorry, the office has just been closed on {day}. Please choose another "
                     "day.", day=t.date(day))


async def confirm(update: Update, context: Context, who: Citizen, t: Translator,
                  draft: Draft) -> Markup | None:
    """Book what `draft` describes. None when the conversation is over (booked, or a limit
    reached); otherwise the reason to show above the step `draft` was moved back to."""
    deps = context.deps
    office, now = deps.office, deps.clock.now()
    assert draft.service is not None
    assert draft.start is not None
    service = office.services[draft.service]
    start = from_ts(draft.start, office.tz)
    day = start.date()
    rules = office.rules
    request = Request(
        user_id=who.user_id, service=service.code, desks=(), start=draft.start,
        end=draft.start + service.duration * 60, day=day, name=draft.name,
        codice_fiscale=draft.codice_fiscale, note=draft.note,
        max_per_account=rules.max_active_per_account,
        max_per_codice_fiscale=rules.max_active_per_codice_fiscale, replaces=draft.replaces,
        replaceable_until=to_ts(now) + rules.cancellation_cutoff_hours * 3600,
        scheduled=schedules.schedule(office, service, start, now),
        channel=Channel.WAITLIST if draft.offered == draft.start else Channel.CHAT,
    )
    result = await deps.db.write(booking.book_at_a_free_desk, office, service, request, now)
    if result is Refusal.UNCHANGEABLE:
        await deps.db.write_relaxed(drafts.delete, who.user_id)
        await send(update, context, t.ngettext(
            "Your booking can no longer be moved here: it starts in less than {n} hour, or the "
            "counter has changed it meanwhile. Nothing was changed: see /mybookings.",
            "Your booking can no longer be moved here: it starts in less than {n} hours, or the "
            "counter has changed it meanwhile. Nothing was changed: see /mybookings.",
            rules.cancellation_cutoff_hours))
        return None
    if result in (Refusal.LIMIT_ACCOUNT, Refusal.LIMIT_CODICE_FISCALE):
        await deps.db.write_relaxed(drafts.delete, who.user_id)
        limit = (rules.max_active_per_account if result is Refusal.LIMIT_ACCOUNT
                 else rules.max_active_per_codice_fiscale)
        await send(update, context, limit_message(t, Refusal(result), limit))
        return None
    if isinstance(result, InTheWay):
        if draft.fixed:  # the person cannot change: the time must
            draft.step, draft.start = Step.TIME, None
        else:  # the codice fiscale may be mistyped, or « Back leads to another time
            draft.step, draft.codice_fiscale = Step.CODICE_FISCALE, None
        return person_busy(t, office, who, result.booking)
    if result is Refusal.CLOSED:
        reason = (await free_time.load(deps, service, day, day, who.user_id)).closure(day)
        if reason is not None:
            draft.step, draft.day, draft.start = Step.DAY, None, None
            return closed_message(t, day, reason)
    if not isinstance(result, Booked):
        draft.step, draft.start = Step.TIME, None
        return t.gettext("Sorry, that time has just been taken by someone else. "
                         "Please choose another one.")
    details = card(t, office, service.code, start, code=result.code)
    if result.moved_from is None:
        title = t.gettext("✅ <b>Booked.</b>")
    else:
        title = t.gettext("✅ <b>Moved</b> from {old} to <b>{new}</b>; the booking code stays the "
                          "same.", old=t.when(from_ts(result.moved_from, office.tz)),
                          new=t.when(start))
    text = title + "\n\n" + details + "\n\n" + documents(t, service)
    deadline = confirm_by(t, office, service, start, now)
    if deadline is not None:
        text += "\n\n" + deadline
    text += "\n\n" + t.gettext("Show the booking code at the counter. I will remind you before "
                               "the appointment.")
    text += "\n" + (with_reach(t, office, cutoff_rule(t, office), separator="\n")
                    if changeable(office, start, now) else too_late(t, office))
    await send(update, context, text)
    end = from_ts(draft.start + service.duration * 60, office.tz)
    await send_event(update, context, who, t, ics.booking_event(
        office, service, result.code, start, end, t.lang, now, sequence=result.sequence),
        result.code, t.gettext("Add it to your calendar."))
    if draft.replaces is not None:
        await deps.offer_free_times()
    return None
