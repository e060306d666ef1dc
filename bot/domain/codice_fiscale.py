"""Whether a codice fiscale is well formed: its pattern, its birth date, its place of birth, its
check character (the rules of DM 23/12/1976), with the places of python-codicefiscale's data.

python-codicefiscale's own `is_valid` decodes the whole code, and also works out the 128 forms
it takes under omocodia and the first names it may stand for: 0.5 to 3 ms a code, a twentieth
of a booking step, to answer yes or no. This answers the same question in microseconds: the
birth year is the latest that is not after `today` (or a century before, if that date or place
does not fit), and the place must have existed on the birth date (or between two spells of
existence, as python-codicefiscale also allows).
"""

from __future__ import annotations

import functools
import re
from datetime import date

from codicefiscale.data import get_countries_data, get_municipalities_data

_PATTERN = re.compile(r"[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}"
                      r"[A-Z][0-9LMNPQRSTUV]{3}[A-Z]")
_DIGITS = str.maketrans("LMNPQRSTUV", "0123456789")
"""Omocodia: a digit replaced by a letter, when two people would have the same code."""
_MONTHS = "ABCDEHLMPRST"
_ODD_DIGITS = (1, 0, 5, 7, 9, 13, 15, 17, 19, 21)
_ODD = dict(zip("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                (*_ODD_DIGITS, *_ODD_DIGITS, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25,
                 24, 23), strict=True))
"""What a character counts for in the 1st, 3rd, ... position of the check sum."""
_EVEN = {**{str(n): n for n in range(10)}, **{chr(65 + n): n for n in range(26)}}


def check_character(code: str) -> str:
    """The 16th character that the first 15 call for."""
    total = sum((_ODD if n % 2 == 0 else _EVEN)[char] for n, char in enumerate(code[:15]))
    return chr(ord("A") + total % 26)


@functools.cache
def places() -> dict[str, tuple[str, str]]:
    """Each place code: from when it first existed until when it last did, as ISO dates (which
    compare as the dates do: read once, 20,000 places, without turning each into a date).
    Read at start-up (bot/app.py), not by the first citizen who types a codice fiscale."""
    spans: dict[str, tuple[str, str]] = {}
    for place in [*get_municipalities_data(), *get_countries_data()]:
        created = place["date_created"][:10] or "0000"
        deleted = place["date_deleted"][:10] or "9999"
        first, last = spans.get(place["code"], (created, deleted))
        spans[place["code"]] = (min(first, created), max(last, deleted))
    return spans


def _born(code: str, year: int) -> date | None:
    day = int(code[9:11].translate(_DIGITS))
    try:
        return date(year, _MONTHS.index(code[8]) + 1, day - 40 if day > 40 else day)
    except ValueError:
        return None


def is_valid(code: str, today: date) -> bool:
    """`code` (16 capitals and digits) is a codice fiscale someone alive `today` can have."""
    if not _PATTERN.fullmatch(code) or check_character(code) != code[15]:
        return False
    span = places().get(code[11] + code[12:15].translate(_DIGITS))
    if span is None:
        return False
    year = today.year // 100 * 100 + int(code[6:8].translate(_DIGITS))
    if year > today.year:
        year -= 100
    return any(born is not None and span[0] <= born.isoformat() <= span[1]
               for born in (_born(code, year), _born(code, year - 100)))
