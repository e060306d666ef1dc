"""How the citizen reaches the counter when the chat cannot help: the contacts of the office
file, wherever the bot sends them to the counter."""

from __future__ import annotations

from markupsafe import Markup

from bot.domain.model import Office
from bot.i18n import Translator


def reach(t: Translator, office: Office, *, certified: bool = True) -> Markup | None:
    """The counter's phone, e-mail and (if `certified`) PEC, those configured; None when none is.
    Without the PEC it fits a pop-up."""
    contacts = office.contacts
    parts = []
    if contacts.phone:
        parts.append(t.gettext("phone {phone}", phone=contacts.phone))
    if contacts.email:
        parts.append(t.gettext("e-mail {email}", email=contacts.email))
    if certified and contacts.pec:
        parts.append(t.gettext("PEC {pec}", pec=contacts.pec))
    if not parts:
        return None
    return t.gettext("Counter: {contacts}.", contacts=Markup(", ").join(parts))


def with_reach(t: Translator, office: Office, text: Markup, *, separator: str = " ",
               certified: bool = True) -> Markup:
    """`text` followed by the counter's contacts, if any are configured."""
    line = reach(t, office, certified=certified)
    return text if line is None else text + Markup(separator) + line
