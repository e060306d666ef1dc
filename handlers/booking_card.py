"""How a booking reads to the citizen: in the summary, the confirmation and /mybookings."""

from __future__ import annotations

from datetime import datetime, timedelta

from markupsafe import Markup

from bot.domain import schedules
from bot.domain.booking import mask_codice_fiscale
from bot.domain.model import Office, Service
from bot.i18n import Translator
from handlers.contacts import with_reach


def card(t: Translator, office: Office, service: str, start: datetime, *,
         name: str | None = None, codice_fiscale: str | None = None, note: str | None = None,
         code: str | None = None) -> Markup:
    """The booking's details, one per line (`service`: its code); the codice fiscale is always
    masked."""
    lines = []
    if code:
        lines.append(t.gettext("Booking code: <b>{code}</b>", code=code))
    lines += [
        t.gettext("Service: {service}", service=office.service_name(service, t.lang)),
        t.gettext("When: <b>{when}</b>", when=t.when(start.astimezone(office.tz))),
        t.gettext("Where: {office}, {address}", office=office.name, address=office.address),
    ]
    if name is not None:
        lines.append(t.gettext("Name: {name}", name=name))
    if codice_fiscale is not None:
        lines.append(t.gettext("Codice fiscale: {cf}", cf=mask_codice_fiscale(codice_fiscale)))
    if note:
        lines.append(t.gettext("Note for the operator: {note}", note=note))
    return Markup("\n").join(lines)


def documents(t: Translator, service: Service) -> Markup:
    return t.gettext("<b>Bring with you:</b> {documents}", documents=service.documents.get(t.lang))


def confirm_rule(t: Translator, service: Service) -> Markup | None:
    """Confirm-or-lose, told when the service is chosen (no time yet: the hours)."""
    if service.confirm_hours is None:
        return None
    return t.ngettext(
        "<b>This booking must be confirmed:</b> I will ask you to, and a booking not confirmed "
        "{n} hour before the appointment is cancelled.",
        "<b>This booking must be confirmed:</b> I will ask you to, and a booking not confirmed "
        "{n} hours before the appointment is cancelled.", service.confirm_hours)


def confirm_by(t: Translator, office: Office, service: Service, start: datetime,
               now: datetime) -> Markup | None:
    """Confirm-or-lose for a booking at `start`: the deadline as a date and time (None when the
    service has none, or when it has already passed: then there is nothing to confirm)."""
    deadline = schedules.confirm_deadline(service, start)
    if deadline is None or deadline <= now:
        return None
    return t.gettext(
        "<b>Confirm it by {when}</b>, with the button I will send you, or it is cancelled.",
        when=t.when(deadline.astimezone(office.tz)))


def changeable(office: Office, start: datetime, now: datetime) -> bool:
    """Whether a booking at `start` can still be moved or cancelled in the chat."""
    return start - now >= timedelta(hours=office.rules.cancellation_cutoff_hours)


def cutoff_rule(t: Translator, office: Office) -> Markup:
    """The cancellation cutoff as configured."""
    return t.ngettext(
        "You can move or cancel a booking in /mybookings up to {n} hour before the appointment.",
        "You can move or cancel a booking in /mybookings up to {n} hours before the appointment.",
        office.rules.cancellation_cutoff_hours)


def too_late(t: Translator, office: Office) -> Markup:
    """A booking inside the cancellation cutoff, told before it is made."""
    return with_reach(t, office, t.ngettext(
        "⚠️ <b>This booking cannot be moved or cancelled in the chat</b>: it starts in less than "
        "{n} hour.",
        "⚠️ <b>This booking cannot be moved or cancelled in the chat</b>: it starts in less than "
        "{n} hours.", office.rules.cancellation_cutoff_hours), separator="\n")
