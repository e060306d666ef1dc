"""The details a citizen types in /book: name, codice fiscale, note; each checked as typed."""

from __future__ import annotations

from markupsafe import Markup

from bot.context import Context
from bot.domain import identity
from bot.domain.flows import Draft, Step
from bot.domain.identity import NAME_LIMIT, NOTE_LIMIT, Invalid
from bot.domain.model import to_ts
from bot.i18n import Translator
from handlers.booking_confirm import limit_message, person_busy
from handlers.identity_text import invalid_codice_fiscale
from storage import bookings
from storage.bookings import Refusal
from storage.citizens import Citizen


async def typed(context: Context, who: Citizen, t: Translator, draft: Draft,
                text: str) -> Markup | None:
    """Take `text` for the draft's step; the problem with it, or None once accepted."""
    if draft.step is Step.NAME:
        name = identity.clean_name(text)
        length = len(identity.tidy_name(text))
        if name is None and length > NAME_LIMIT:
            return t.gettext("That is {n} characters long; a name can have at most {limit}.",
                             n=length, limit=NAME_LIMIT)
        if name is None:
            return t.gettext("Please type a name and surname, in letters.")
        draft.name = name
        draft.step = draft.next_detail()
        return None
    if draft.step is Step.CODICE_FISCALE:
        return await _codice_fiscale(context, who, t, draft, text)
    note = identity.clean_note(text)
    if note is None and text.strip():
        return t.gettext("Your note is {n} characters long; the most is {limit}. Please shorten "
                         "it.", n=len(text.strip()), limit=NOTE_LIMIT)
    draft.note, draft.note_done, draft.step = note, True, Step.SUMMARY
    return None


async def accept(context: Context, who: Citizen, t: Translator, draft: Draft,
                 action: str) -> str | None:
    """A button that fills a detail: the codice fiscale used last time, or no note."""
    if action == "skip":
        draft.note, draft.note_done, draft.step = None, True, Step.SUMMARY
        return None
    if not who.last_cf:
        return t.gettext("This button is no longer valid.")
    return await _codice_fiscale(context, who, t, draft, who.last_cf)


async def _codice_fiscale(context: Context, who: Citizen, t: Translator, draft: Draft,
                          typed: str) -> Markup | None:
    value = identity.read_codice_fiscale(typed)
    if isinstance(value, Invalid):
        return invalid_codice_fiscale(t, value)
    deps = context.deps
    limit = deps.office.rules.max_active_per_codice_fiscale
    active = await deps.db.read(bookings.active_for_codice_fiscale, value,
                                to_ts(deps.clock.now()), draft.replaces)
    if active >= limit:
        return limit_message(t, Refusal.LIMIT_CODICE_FISCALE, limit) + "\n" + t.gettext(
            "You can type the codice fiscale of someone else, or /cancel.")
    if draft.start is not None and draft.service is not None:
        end = draft.start + deps.office.services[draft.service].duration * 60
        other = await deps.db.read(bookings.overlapping_for_person, value, draft.start, end,
                                   draft.replaces)
        if other is not None:
            return person_busy(t, deps.office, who, other)
    draft.codice_fiscale = value
    draft.step = draft.next_detail()
    return None
