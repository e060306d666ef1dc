"""The code a booking is known by at the counter: six characters, read out or typed back."""

from __future__ import annotations

import secrets
import unicodedata

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""No 0/O, no 1/I: a code read over the phone or from a screen is never ambiguous."""
LENGTH = 6
SEPARATORS = " -.\t"


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def parse_code(text: str) -> str | None:
    """The code in `text` as typed (any case, spaced or dashed, fullwidth): None if it is none."""
    folded = unicodedata.normalize("NFKC", text).upper()
    code = "".join(c for c in folded if c not in SEPARATORS)
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code
