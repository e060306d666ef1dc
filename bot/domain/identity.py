"""The person a booking is for, as typed by a citizen or by an operator: checked the same way."""

from __future__ import annotations

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
