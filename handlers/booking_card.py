"""How a booking reads to the citizen: in the summary, the confirmation and /mybookings."""

from __future__ import annotations

from datetime import datetime

from markupsafe import Markup

from bot.domain.model import Office, Service, mask_codice_fiscale
from bot.i18n import Translator


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
