"""The person a booking is for, as typed by a citizen or by an operator: checked the same way.

A codice fiscale is kept in one canonical form, so that limits, duplicates and what operators
read never see two spellings of one person: Unicode NFKC (fullwidth letters become ASCII), spaces,
invisible characters, dashes and dots removed, upper case; any other character is refused, and
so is every letter that is not A-Z (a Cyrillic A, U+0410, looks like a Latin A but would be
another code).
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from codicefiscale import codicefiscale

from bot.domain import codice_fiscale

NAME_LIMIT = 500
NOTE_LIMIT = 300
CODE_LENGTH = 16
MAX_NAME_WORDS = 6
"""Words of a given name, or of a surname, compared with a codice fiscale's letters."""
SEPARATOR_CATEGORIES = ("Zs", "Zl", "Zp", "Cc", "Cf", "Pd")
"""Spaces, line breaks, invisible characters (zero-width space, BOM) and dashes."""
SEPARATORS = "."
_LAYOUT = re.compile(r"[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z]"
                     r"[0-9LMNPQRSTUV]{3}[A-Z]")
"""Surname, name, year, month, day (+40 for women), place, check; a digit may be replaced by
a letter L-V other than O where two people would otherwise share a code (omocodia)."""
_OMOCODIA = str.maketrans("LMNPQRSTUV", "0123456789")
_MONTHS = "ABCDEHLMPRST"
_ALPHANUMERIC = re.compile(r"[A-Za-z0-9]")


class Fault(enum.StrEnum):
    CHARACTER = "character"
    """`detail`: the first character that is neither a letter A-Z, a digit nor a separator."""
    LENGTH = "length"
    """`detail`: how many letters and digits there are."""
    LAYOUT = "layout"
    """Letters where digits belong, or the other way round."""
    DATE = "date"
    """The birth date it encodes does not exist (31 April, a month letter that is none)."""
    CHECK = "check"
    """The last character does not match the others: a character was mistyped."""
    PLACE = "place"
    """The place of birth code is not a comune or country known on that date."""


@dataclass(frozen=True, slots=True)
class Invalid:
    fault: Fault
    detail: str = ""


def tidy_name(text: str) -> str:
    """The name with its spacing tidied, kept otherwise as typed (`<b>` and `&` included)."""
    return " ".join(text.split())


def clean_name(text: str) -> str | None:
    """The tidied name, or None without a letter in it or over NAME_LIMIT characters."""
    name = tidy_name(text)
    return name if any(c.isalpha() for c in name) and len(name) <= NAME_LIMIT else None


def clean_note(text: str) -> str | None:
    """The note, or None when empty or over NOTE_LIMIT characters."""
    note = text.strip()
    return note if 0 < len(note) <= NOTE_LIMIT else None


def _is_separator(char: str) -> bool:
    return char in SEPARATORS or unicodedata.category(char) in SEPARATOR_CATEGORIES


def read_codice_fiscale(text: str) -> str | Invalid:
    """The canonical codice fiscale in `text`, or what is wrong with it."""
    kept = [c for c in unicodedata.normalize("NFKC", text) if not _is_separator(c)]
    for char in kept:  # before upper(), which turns ß into SS
        if not _ALPHANUMERIC.fullmatch(char):
            return Invalid(Fault.CHARACTER, char)
    code = "".join(kept).upper()
    if len(code) != CODE_LENGTH:
        return Invalid(Fault.LENGTH, str(len(code)))
    if not _LAYOUT.fullmatch(code):
        return Invalid(Fault.LAYOUT)
    if not _possible_birth_date(code):
        return Invalid(Fault.DATE)
    if codicefiscale.encode_cin(code[:15]) != code[15]:
        return Invalid(Fault.CHECK)
    if not codice_fiscale.place_fits(code):
        return Invalid(Fault.PLACE)
    return code


def _possible_birth_date(code: str) -> bool:
    """Whether the year, month and day of `code` make a real date in one of the two centuries
    it may mean (29 February is possible in 2000, not in 1900)."""
    if code[8] not in _MONTHS:
        return False
    year = int(code[6:8].translate(_OMOCODIA))
    month = _MONTHS.index(code[8]) + 1
    day = int(code[9:11].translate(_OMOCODIA))
    day = day - 40 if day > 40 else day
    for century in (1900, 2000):
        try:
            date(century + year, month, day)
        except ValueError:
            continue
        return True
    return False


def canonical_or_as_stored(value: str | None) -> str | None:
    """For the migration of rows stored before the canonical form: a code the old check
    accepted (python-codicefiscale's own lenient reading, which dropped dots, dashes and
    invisible characters) in canonical form; anything else unchanged."""
    if value is None:
        return None
    found = read_codice_fiscale(value)
    if isinstance(found, str):
        return found
    try:
        lenient = codicefiscale.decode_raw(value)["code"]
    except ValueError:
        return value
    return lenient if isinstance(read_codice_fiscale(lenient), str) else value


def has_given_name_and_surname(name: str) -> bool:
    """At least two words with letters, not all of them initials ("M", "M R" are not names;
    "Li Na" is)."""
    words = [w for w in name.split() if any(c.isalpha() for c in w)]
    return len(words) >= 2 and any(sum(c.isalpha() for c in w) > 1 for w in words)


def name_agrees_with_codice_fiscale(name: str, code: str) -> bool:
    """Whether the surname and name letters of the canonical `code` are those of `name`, typed
    in either order ("Mario Rossi", "Rossi Mario", "Maria De Luca", "Anna Maria Bianchi").

    python-codicefiscale works the letters out as the Agenzia delle Entrate does: accents and
    umlauts dropped (Müller: MLL), apostrophes, hyphens and spaces ignored (D'Angelo: DNG, De
    Luca: DLC), letters of other alphabets transliterated. Omocodia replaces digits only, never
    these six letters. The given name or the surname is taken to have at most
    `MAX_NAME_WORDS` words, so that a long name costs no more than a short one.
    """
    words = name.split()
    cuts = {*range(1, min(len(words), MAX_NAME_WORDS + 1)),
            *range(max(1, len(words) - MAX_NAME_WORDS), len(words))}
    for cut in sorted(cuts):
        for given, surname in ((words[:cut], words[cut:]), (words[cut:], words[:cut])):
            if (codicefiscale.encode_lastname(" ".join(surname)) == code[:3]
                    and codicefiscale.encode_firstname(" ".join(given)) == code[3:6]):
                return True
    return False


class Detail(enum.StrEnum):
    """What a booking records of the person who will come, asked in this order."""

    NAME = "name"
    CODICE_FISCALE = "codice_fiscale"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a typed detail was refused: `length` characters over `limit`; a codice fiscale
    `invalid` for that reason; or (limit 0) not a valid name at all."""

    detail: Detail
    length: int = 0
    limit: int = 0
    invalid: Invalid | None = None


def check(detail: Detail, text: str) -> str | Problem | None:
    """The detail as it is kept (None: no note), or what is wrong with it."""
    if detail is Detail.NAME:
        name = clean_name(text)
        length = len(tidy_name(text))
        if name is not None and not has_given_name_and_surname(name):
            return Problem(detail, length)
        return name or Problem(detail, length, NAME_LIMIT if length > NAME_LIMIT else 0)
    if detail is Detail.CODICE_FISCALE:
        code = read_codice_fiscale(text)
        return Problem(detail, invalid=code) if isinstance(code, Invalid) else code
    note = clean_note(text)
    if note is None and text.strip():
        return Problem(detail, len(text.strip()), NOTE_LIMIT)
    return note
