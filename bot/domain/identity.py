"""The person a booking is for, as typed by a citizen or by an operator: checked the same way."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from codicefiscale import codicefiscale

NAME_LIMIT = 500
NOTE_LIMIT = 300


def tidy_name(text: str) -> str:
    """The name with its spacing tidied, kept otherwise as typed (`<b>` and `&` included)."""
    return " ".join(text.split())


def clean_name(text: str) -> str | None:
    """The tidied name, or None without a letter in it or over NAME_LIMIT characters."""
    name = tidy_name(text)
    return name if any(c.isalpha() for c in name) and len(name) <= NAME_LIMIT else None


def clean_codice_fiscale(text: str) -> str | None:
    """In capitals without spaces, or None when python-codicefiscale finds it invalid."""
    code = "".join(text.split()).upper()
    return code if codicefiscale.is_valid(code) else None


def clean_note(text: str) -> str | None:
    """The note, or None when empty or over NOTE_LIMIT characters."""
    note = text.strip()
    return note if 0 < len(note) <= NOTE_LIMIT else None


class Detail(enum.StrEnum):
    """What a booking records of the person who will come, asked in this order."""

    NAME = "name"
    CODICE_FISCALE = "codice_fiscale"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a typed detail was refused: `length` characters over `limit`, or (limit 0) not a
    valid name or codice fiscale at all."""

    detail: Detail
    length: int = 0
    limit: int = 0


def check(detail: Detail, text: str) -> str | Problem | None:
    """The detail as it is kept (None: no note), or what is wrong with it."""
    if detail is Detail.NAME:
        name = clean_name(text)
        length = len(tidy_name(text))
        return name or Problem(detail, length, NAME_LIMIT if length > NAME_LIMIT else 0)
    if detail is Detail.CODICE_FISCALE:
        return clean_codice_fiscale(text) or Problem(detail)
    note = clean_note(text)
    if note is None and text.strip():
        return Problem(detail, len(text.strip()), NOTE_LIMIT)
    return note
