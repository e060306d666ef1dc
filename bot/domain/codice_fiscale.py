"""Whether the place of birth in a codice fiscale existed on the birth date it gives, with the
places of python-codicefiscale's data (comuni, and countries for those born abroad).

python-codicefiscale's own `is_valid` decodes the whole code, and also works out the 128 forms
it takes under omocodia and the first names it may stand for: 0.5 to 3 ms a code, a twentieth
of a booking step, for the one thing bot/domain/identity.py does not check itself. This answers
it in microseconds, as python-codicefiscale does: the place must have existed on the birth date
(in either century the year may mean), or between two spells of its existence.
"""

from __future__ import annotations

import functools
from datetime import date

from codicefiscale.data import get_countries_data, get_municipalities_data

_DIGITS = str.maketrans("LMNPQRSTUV", "0123456789")
"""Omocodia: a digit replaced by a letter, where two people would otherwise share a code."""
_MONTHS = "ABCDEHLMPRST"


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


def _born(code: str, century: int) -> str | None:
    day = int(code[9:11].translate(_DIGITS))
    try:
        return date(century + int(code[6:8].translate(_DIGITS)), _MONTHS.index(code[8]) + 1,
                    day - 40 if day > 40 else day).isoformat()
    except ValueError:
        return None


def place_fits(code: str) -> bool:
    """The place of birth of `code` (16 characters, laid out as a codice fiscale) existed on
    the birth date it gives."""
    span = places().get(code[11] + code[12:15].translate(_DIGITS))
    return span is not None and any(born is not None and span[0] <= born <= span[1]
                                    for born in (_born(code, 1900), _born(code, 2000)))
