"""Who a booking is for: name, codice fiscale and note, asked and checked the same way in a
citizen's /book and an operator's /add (bot/domain/identity.py), with the same messages."""

from __future__ import annotations

from bot.context import Context
from bot.domain.flows import Draft, Person
from bot.domain.identity import NOTE_LIMIT, Detail, Problem, check
from bot.domain.model import to_ts
from bot.i18n import Html, Translator
from handlers.booking_confirm import limit_message
from storage import bookings
from storage.bookings import Refusal
from storage.citizens import Citizen


def problem_text(t: Translator, problem: Problem) -> Html:
    if problem.detail is Detail.NAME and problem.limit:
        return t.gettext("That is {n} characters long; a name can have at most {limit}.",
                         n=problem.length, limit=problem.limit)
    if problem.detail is Detail.NAME:
        return t.gettext("Please type a name and surname, in letters.")
    if problem.detail is Detail.CODICE_FISCALE:
        return t.gettext("That codice fiscale is not valid. It has 16 letters and digits, like "
                         "RSSMRA85T10A562S: please type it again.")
    return t.gettext("Your note is {n} characters long; the most is {limit}. Please shorten "
                     "it.", n=problem.length, limit=problem.limit)


def prompt(t: Translator, draft: Person) -> Html:
    """What the step of a codice fiscale or a note asks (a name's is asked with the time)."""
    if draft.detail is Detail.CODICE_FISCALE:
        return t.gettext("Now type the <b>codice fiscale</b> of {name}.", name=draft.name)
    return t.gettext("Anything the operator should know to prepare your case? Type it "
                     "(at most {limit} characters), or skip.", limit=NOTE_LIMIT)


def enter(t: Translator, draft: Person, text: str) -> Html | None:
    """Take `text` for the draft's detail; the problem with it, or None once taken."""
    assert draft.detail is not None
    value = check(draft.detail, text)
    if isinstance(value, Problem):
        return problem_text(t, value)
    draft.take(draft.detail, value)
    return None


async def typed(context: Context, who: Citizen, t: Translator, draft: Draft,
                text: str) -> Html | None:
    """A detail typed in /book: a codice fiscale also within the limit of bookings per code."""
    if draft.detail is Detail.CODICE_FISCALE:
        return await _codice_fiscale(context, t, draft, text)
    return enter(t, draft, text)


async def accept(context: Context, who: Citizen, t: Translator, draft: Draft,
                 skip: bool) -> str | None:
    """A /book button that fills a detail: no note (`skip`), or the codice fiscale used last
    time."""
    if skip:
        draft.take(Detail.NOTE, None)
        return None
    if not who.last_cf:
        return t.gettext("This button is no longer valid.")
    return await _codice_fiscale(context, t, draft, who.last_cf)


async def _codice_fiscale(context: Context, t: Translator, draft: Draft,
                          typed: str) -> Html | None:
    value = check(Detail.CODICE_FISCALE, typed)
    if isinstance(value, Problem) or value is None:
        return problem_text(t, Problem(Detail.CODICE_FISCALE))
    deps = context.deps
    limit = deps.office.rules.max_active_per_codice_fiscale
    active = await deps.db.read(bookings.active_for_codice_fiscale, value,
                                to_ts(deps.clock.now()), draft.replaces)
    if active >= limit:
        return Html(limit_message(t, Refusal.LIMIT_CODICE_FISCALE, limit) + "\n" + t.gettext(
            "You can type the codice fiscale of someone else, or /cancel."))
    draft.take(Detail.CODICE_FISCALE, value)
    return None
