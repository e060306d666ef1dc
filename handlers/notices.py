"""What the bot says on its own (bot/domain/notices.py): one renderer per kind, in the citizen's
language of the moment it is sent, with the buttons to act on it, or the file it carries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from markupsafe import Markup

from bot.domain import ics
from bot.domain.booking import Booking
from bot.domain.model import Office, from_ts
from bot.domain.notices import BOOKING_CANCELLED, CALENDAR_CANCEL, WAITLIST_OFFER
from bot.domain.schedules import REMINDER, confirm_deadline
from bot.i18n import Translator
from bot.services.triage import Notice
from handlers import callbacks
from handlers.callbacks import MyAction, my_booking
from handlers.contacts import with_reach
from storage.waitlist import Offer

REASON_SHOWN = 500
"""Characters of an operator's reason shown, so that a notice never exceeds Telegram's limit."""

Keyboard = list[list[dict[str, str]]]
"""Buttons as the Bot API takes them."""


class Rendered(NamedTuple):
    text: Markup
    """The message, or the caption of `document`."""
    keyboard: Keyboard
    document: tuple[str, bytes] | None = None
    """A file to send (its name and content), with `text` as its caption."""


def _button(text: str, data: str) -> dict[str, str]:
    return {"text": text, "callback_data": data}


def reminder(t: Translator, office: Office, booking: Booking) -> tuple[Markup, Keyboard]:
    service = office.services.get(booking.service)
    start = booking.start.astimezone(office.tz)
    text = t.gettext(
        "<b>Reminder of your appointment</b>\n\n{service}\n{when}\n{address}\n"
        "Booking code: <b>{code}</b>",
        service=office.service_name(booking.service, t.lang), when=t.when(start),
        address=office.address, code=booking.code,
    )
    if service and service.documents.get(t.lang).strip():
        text += "\n\n" + t.gettext("<b>Bring with you:</b> {documents}",
                                   documents=service.documents.get(t.lang))
    keyboard: Keyboard = []
    if booking.confirmed:
        text += "\n\n" + t.gettext("You have told us you will come: thank you.")
    else:
        deadline = confirm_deadline(service, start) if service else None
        if deadline and deadline > booking.created:  # booked later: nothing to confirm
            text += "\n\n" + t.gettext(
                "<b>Please confirm by {deadline}</b> with the button below: a booking not "
                "confirmed by then is cancelled, and the time offered to others.",
                deadline=t.when(deadline.astimezone(office.tz)))
        keyboard.append([_button(t.plain.gettext("✅ I'll be there"),
                                 callbacks.with_id(callbacks.I_WILL_BE_THERE, booking.id))])
    keyboard.append([_button(t.plain.pgettext("cancel a booking", "❌ Cancel"),
                             my_booking(MyAction.CANCEL, booking.id)),
                     _button(t.plain.gettext("🔁 Move"), my_booking(MyAction.MOVE, booking.id))])
    return text, keyboard


def booking_cancelled(t: Translator, office: Office, booking: Booking,
                      payload: Mapping[str, Any]) -> tuple[Markup, Keyboard]:
    values = {"code": booking.code, "service": office.service_name(booking.service, t.lang),
              "when": t.when(booking.start.astimezone(office.tz))}
    reason = str(payload.get("reason") or "").strip()[:REASON_SHOWN]
    text: Markup
    if payload.get("by") == "unconfirmed":
        text = t.gettext("<b>Booking cancelled</b>\n\nYour booking {code} for {service} on {when} "
                         "was cancelled because it was not confirmed in time, and the time was "
                         "offered to others.", **values)
    elif reason:
        text = t.gettext("<b>Booking cancelled</b>\n\nYour booking {code} for {service} on {when} "
                         "was cancelled by the office: {reason}", reason=reason, **values)
    else:
        text = t.gettext("<b>Booking cancelled</b>\n\nYour booking {code} for {service} on {when} "
                         "was cancelled by the office.", **values)
    if payload.get("by") != "unconfirmed":
        text = with_reach(t, office, text, separator="\n\n")
    text += "\n\n" + t.gettext("We are sorry. You can choose another time:")
    return text, [[_button(t.plain.gettext("📅 Book another time"),
                           my_booking(MyAction.MOVE, booking.id))]]


def waitlist_offer(t: Translator, office: Office, offer: Offer) -> tuple[Markup, Keyboard]:
    text = t.gettext(
        "<b>A time has become free for you</b>\n\n{service}\n{when}\n{address}\n\n"
        "It is kept for you until {until}. Do you want it?",
        service=office.service_name(offer.service, t.lang),
        when=t.when(from_ts(offer.start, office.tz)),
        address=office.address, until=t.time(from_ts(offer.expires, office.tz)),
    )
    return text, [[_button(t.plain.gettext("✅ Book it"),
                           callbacks.with_id(callbacks.OFFER_TAKE, offer.id)),
                   _button(t.plain.gettext("No, thank you"),
                           callbacks.with_id(callbacks.OFFER_DECLINE, offer.id))]]


def calendar_cancel(t: Translator, office: Office, booking: Booking,
                    payload: Mapping[str, Any]) -> Rendered:
    """The .ics that removes a cancelled booking from the citizen's calendar: its UID, a
    SEQUENCE above every file sent for it before, stamped when it was queued (a file sent
    twice, after a crash, is the same file)."""
    service = office.services[booking.service]
    event = ics.booking_event(office, service, booking.code, booking.start, booking.end, t.lang,
                              from_ts(int(payload["stamp"]), office.tz),
                              sequence=int(payload["sequence"]), cancelled=True)
    return Rendered(t.gettext("Open it to remove the appointment from your calendar."), [],
                    (f"{booking.code}.ics", event))


def notice_message(t: Translator, office: Office, notice: Notice) -> Rendered:
    if notice.kind == REMINDER and notice.booking:
        return Rendered(*reminder(t, office, notice.booking))
    if notice.kind == BOOKING_CANCELLED and notice.booking:
        return Rendered(*booking_cancelled(t, office, notice.booking, notice.payload))
    if notice.kind == CALENDAR_CANCEL and notice.booking:
        return calendar_cancel(t, office, notice.booking, notice.payload)
    if notice.kind == WAITLIST_OFFER and notice.offer:
        return Rendered(*waitlist_offer(t, office, notice.offer))
    raise ValueError(f"nothing to render for a {notice.kind!r} message")
