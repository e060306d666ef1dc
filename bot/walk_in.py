"""Booking on a citizen's behalf at the counter or by phone (pure): the rules the counter books
by, and the checks on what the operator types."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from codicefiscale import codicefiscale

from bot.model import Office, from_ts, to_ts

NAME_LIMIT = 100
NOTE_LIMIT = 300


def counter_office(office: Office) -> Office:
    """The office as the counter books it: no minimum notice, so a walk-in can be served now."""
    return replace(office, rules=replace(office.rules, min_notice_minutes=0))


def counter_now(office: Office, now: datetime) -> datetime:
    """`now` moved back to the start of the current slot step: the slot under way can be given."""
    step = office.rules.slot_step_minutes * 60
    ts = to_ts(now)
    return from_ts(ts - ts % step, office.tz)


def clean_name(text: str) -> str | None:
    name = " ".join(text.split())
    return name if any(c.isalpha() for c in name) and len(name) <= NAME_LIMIT else None


def clean_codice_fiscale(text: str) -> str | None:
    code = "".join(text.split()).upper()
    return code if codicefiscale.is_valid(code) else None


def clean_note(text: str) -> str | None:
    note = text.strip()
    return note if 0 < len(note) <= NOTE_LIMIT else None
