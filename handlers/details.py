"""Who a booking is for: name, codice fiscale and note, asked and checked the same way in a
citizen's /book and an operator's /add (bot/domain/identity.py), with the same messages."""

from __future__ import annotations

from markupsafe import Markup

from bot.context import Context
from bot.domain.booking import Booking
from bot.domain.flows import Draft, Person
from bot.domain.identity import NOTE_LIMIT, Detail, Problem, check
from bot.domain.model import to_ts
from bot.i18n import Translator
from handlers.booking_confirm import limit_message, person_busy
from handlers.identity_text import invalid_codice_fiscale
from storage import bookings
from storage.bookings import Refusal
from storage.citizens import Citizen
from storage.engine import Connection


def problem_text(t: Translator, problem: Problem) -> Markup:
    if problem.detail is Detail.NAME and problem.limit:
        return t.gettext("That is {n} characters long; a name can have at most {limit}.",
                         n=problem.length, limit=problem.limit)
    if problem.detail is Detail.NAME:
        return t.gettext("Please type a name and surname, in letters.")
    if problem.invalid is not None:  # a codice fiscale, and what is wrong with it
        return invalid_codice_fiscale(t, problem.invalid)
    return t.gettext("Your note is {n} characters long; the most is {limit}. Please shorten "
                     "it.", n=problem.length, limit=problem.limit)


def prompt(t: Translator, draft: Person) -> Markup:
    """What the step of a codice fiscale or a note asks (a name's is asked with the time); with
    a codice fiscale in doubt, whether it and the name are right."""
    if (code := draft.in_doubt) is not None:
        return t.gettext(
            "The letters of the codice fiscale {cf} ({letters}) are not those of the name "
            "{name}. Please check both: type the codice fiscale again, or go back to correct "
            "the name (the codice fiscale is kept). If both are right (a name from abroad or "
            "transliterated may differ), press “Both are right”.",
            cf=code, letters=f"{code[:3]} {code[3:6]}", name=draft.name)
    if draft.detail is Detail.CODICE_FISCALE:
        return t.gettext("Now type the <b>codice fiscale</b> of {name}.", name=draft.name)
    return t.gettext("Anything the operator should know to prepare your case? Type it "
                     "(at most {limit} characters), or skip.", limit=NOTE_LIMIT)


def enter(t: Translator, draft: Person, text: str) -> Markup | None:
    """Take `text` for the draft's detail; the problem with it, or None once taken."""
    assert draft.detail is not None
    value = check(draft.detail, text)
    if isinstance(value, Problem):
        return problem_text(t, value)
    if draft.detail is Detail.CODICE_FISCALE and value is not None:
        draft.offer_codice_fiscale(value)  # if in doubt, the next prompt asks about it
    else:
        draft.take(draft.detail, value)
    return None


def both_right_label(t: Translator) -> str:
    return t.plain.gettext("Both are right")


async def typed(context: Context, who: Citizen, t: Translator, draft: Draft,
                text: str) -> Markup | None:
    """A detail typed in /book: a codice fiscale also within the limit of bookings per code."""
    if draft.detail is Detail.CODICE_FISCALE:
        return await _codice_fiscale(context, who, t, draft, text)
    return enter(t, draft, text)


async def accept(context: Context, who: Citizen, t: Translator, draft: Draft,
                 skip: bool) -> str | None:
    """A /book button that fills a detail: no note (`skip`), or the codice fiscale used last
    time (offered only for the name it was used with)."""
    if skip:
        draft.take(Detail.NOTE, None)
        return None
    if not who.last_cf or who.last_name != draft.name:
        return t.gettext("This button is no longer valid.")
    return await _codice_fiscale(context, who, t, draft, who.last_cf, remembered=True)


async def both_right(context: Context, who: Citizen, t: Translator,
                     draft: Draft) -> Markup | None:
    """/book's "Both are right": the codice fiscale in doubt, checked again as if typed (the
    button carries no code: only the one the draft keeps can be taken)."""
    assert draft.in_doubt is not None  # pressed at the step that shows it (handlers/booking.py)
    return await _codice_fiscale(context, who, t, draft, draft.in_doubt)


async def _codice_fiscale(context: Context, who: Citizen, t: Translator, draft: Draft,
                          typed: str, *, remembered: bool = False) -> Markup | None:
    """`remembered`: the code booked last time with this very name, so not asked about."""
    value = check(Detail.CODICE_FISCALE, typed)
    if isinstance(value, Problem):
        return problem_text(t, value)
    assert value is not None  # a codice fiscale is a code or a problem, never nothing
    deps = context.deps
    limit = deps.office.rules.max_active_per_codice_fiscale
    now, start, service = to_ts(deps.clock.now()), draft.start, draft.service

    def bookings_of(conn: Connection, code: str) -> tuple[int, Booking | None]:
        """The code's active bookings, and the one in the way of the time held, in one read."""
        active = bookings.active_for_codice_fiscale(conn, code, now, draft.replaces)
        if start is None or service is None:
            return active, None
        end = start + deps.office.services[service].duration * 60
        return active, bookings.overlapping_for_person(conn, code, start, end, draft.replaces)

    active, other = await deps.db.read(bookings_of, value)
    if active >= limit:
        return limit_message(t, Refusal.LIMIT_CODICE_FISCALE, limit) + "\n" + t.gettext(
            "You can type the codice fiscale of someone else, or /cancel.")
    if other is not None:
        return person_busy(t, deps.office, who, other)
    if remembered:
        draft.take(Detail.CODICE_FISCALE, value)
    else:
        draft.offer_codice_fiscale(value)  # if in doubt, the next prompt asks about it
    return None
