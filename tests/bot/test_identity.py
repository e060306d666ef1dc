"""bot/identity.py: one canonical codice fiscale, a precise reason when it is wrong, and whether a
typed name is a whole name that agrees with the code."""

from __future__ import annotations

import pytest
from codicefiscale import codicefiscale
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.identity import (
    Detail,
    Fault,
    Invalid,
    Problem,
    canonical_or_as_stored,
    check,
    has_given_name_and_surname,
    name_agrees_with_codice_fiscale,
    read_codice_fiscale,
)

CF = "RSSMRA85T10A390L"
CYRILLIC_A = "\u0410"
FULLWIDTH = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in CF})


def with_check(first15: str) -> str:
    """`first15` completed by its right check character."""
    return first15 + codicefiscale.encode_cin(first15)


@pytest.mark.parametrize("typed", [
    CF, CF.lower(), f"  {CF}  ", f"{CF}\u200b", f"\u200b{CF}\ufeff", f"{CF}.",
    "R-S-S-M-R-A-8-5-T-1-0-A-3-9-0-L", "RSS MRA 85T10 A390L", "RSS\u2013MRA\u201385T10\u2013A390L",
    CF.translate(FULLWIDTH), "rssmra85t10a390l\n",
])
def test_every_spelling_of_one_code_reads_as_the_same_canonical_code(typed: str) -> None:
    assert read_codice_fiscale(typed) == CF


@pytest.mark.parametrize(("typed", "expected"), [
    (f"{CF}/", Invalid(Fault.CHARACTER, "/")),
    (f"RSSMR{CYRILLIC_A}85T10A390L", Invalid(Fault.CHARACTER, CYRILLIC_A)),
    ("RSSMRAß5T10A390L", Invalid(Fault.CHARACTER, "ß")),  # upper() would make it SS
    (f"{CF} 😀", Invalid(Fault.CHARACTER, "😀")),
    ("RSSMRA85T10A39", Invalid(Fault.LENGTH, "14")),
    (CF + "X", Invalid(Fault.LENGTH, "17")),
    ("", Invalid(Fault.LENGTH, "0")),
    ("RSSMRA8XT10A390L", Invalid(Fault.LAYOUT)),
    ("1SSMRA85T10A390L", Invalid(Fault.LAYOUT)),
    (with_check("RSSMRA85D31A390"), Invalid(Fault.DATE)),   # 31 April
    (with_check("RSSMRA85F10A390"), Invalid(Fault.DATE)),   # F is no month
    (with_check("RSSMRA85B29A390"), Invalid(Fault.DATE)),   # 29 February 1985 / 2085
    (with_check("RSSMRA85T72A390"), Invalid(Fault.DATE)),   # day 72 (32, a woman)
    ("RSSMRA85T10A390X", Invalid(Fault.CHECK)),
    ("RSSMRA85T10A309L", Invalid(Fault.CHECK)),             # two digits swapped
    (with_check("RSSMRA85T10Z999"), Invalid(Fault.PLACE)),
])
def test_a_wrong_code_says_what_is_wrong(typed: str, expected: Invalid) -> None:
    assert read_codice_fiscale(typed) == expected


def test_29_february_of_a_leap_year_and_omocodia_are_accepted() -> None:
    assert read_codice_fiscale(with_check("RSSMRA00B29A390")) == with_check("RSSMRA00B29A390")
    omocode = with_check("RSSMRA85T10A39L")  # the last digit of the place replaced by L
    assert read_codice_fiscale(omocode) == omocode


def test_rows_stored_before_the_canonical_form_are_rewritten_when_the_old_check_took_them(
) -> None:
    assert canonical_or_as_stored(f"{CF}\u200b") == CF
    assert canonical_or_as_stored(f"RSSMR{CYRILLIC_A}85T10A390L") == CF  # the old check took it
    assert canonical_or_as_stored("R-S-S-M-R-A-8-5-T-1-0-A-3-9-0-L") == CF
    assert canonical_or_as_stored("NOT A CODE") == "NOT A CODE"
    assert canonical_or_as_stored(None) is None


@given(st.text(max_size=40))
def test_reading_never_fails_and_what_it_accepts_is_canonical(typed: str) -> None:
    found = read_codice_fiscale(typed)
    if isinstance(found, str):
        assert len(found) == 16
        assert found.isascii()
        assert found.isalnum()
        assert found == found.upper()
        assert read_codice_fiscale(found) == found


@pytest.mark.parametrize(("name", "whole"), [
    ("Mario Rossi", True), ("Li Na", True), ("Maria De Luca", True), ("M", False),
    ("M R", False), ("Madonna", False), ("Mario 2", False), ("- Rossi", False),
])
def test_a_name_needs_a_given_name_and_a_surname(name: str, whole: bool) -> None:
    assert has_given_name_and_surname(name) is whole


@pytest.mark.parametrize(("name", "agrees"), [
    ("Mario Rossi", True), ("Rossi Mario", True), ("mario  ROSSI", True), ("Màrio Rossi", True),
    ("Franco Verdi", False), ("Mario Verdi", False), ("Franco Rossi", False),
    ("Rossi", False), ("Mario Bianchi Rossi", False), ("Mario Rossi Bianchi", True),
    ("Mario R'ossi", True), ("Mario Röß", True), ("MARIO ROSSI", True),
])
def test_the_name_letters_of_the_code_are_those_of_the_name(name: str, agrees: bool) -> None:
    assert name_agrees_with_codice_fiscale(name, CF) is agrees


NAMES = st.text(alphabet="abcdefghilmnopqrstuvzàèéìòù'", min_size=1, max_size=12).filter(
    lambda word: any(c.isalpha() for c in word))


@given(st.lists(NAMES, min_size=1, max_size=2), st.lists(NAMES, min_size=1, max_size=2))
def test_any_name_agrees_with_its_own_code_in_either_order(given_names: list[str],
                                                          surnames: list[str]) -> None:
    given_name, surname = " ".join(given_names), " ".join(surnames)
    code = with_check(codicefiscale.encode_lastname(surname)
                      + codicefiscale.encode_firstname(given_name) + "85T10A390")
    assert name_agrees_with_codice_fiscale(f"{given_name} {surname}", code)
    assert name_agrees_with_codice_fiscale(f"{surname} {given_name}", code)


@pytest.mark.parametrize(("name", "given_name", "surname"), [
    ("Giulia D'Angelo", "Giulia", "Dangelo"), ("Maria De Luca", "Maria", "DeLuca"),
    ("Jürgen Müller", "Jurgen", "Muller"), ("Zoë O'Neill-Brontë", "Zoe", "ONeillBronte"),
])
def test_particles_apostrophes_and_accents_count_as_their_letters(name: str, given_name: str,
                                                                   surname: str) -> None:
    code = with_check(codicefiscale.encode_lastname(surname)
                      + codicefiscale.encode_firstname(given_name) + "85T10A390")
    assert name_agrees_with_codice_fiscale(name, code)


def test_a_long_name_is_compared_by_its_first_and_last_words() -> None:
    code = with_check("RSSMRA85T10A390")
    assert name_agrees_with_codice_fiscale("Mario Rossi " + "Ugo " * 200, code)
    assert name_agrees_with_codice_fiscale("Ugo " * 200 + "Rossi Mario", code) is False


@pytest.mark.parametrize("typed", ["Mario", "M R", "  Rossi  "])
def test_a_typed_name_without_a_surname_is_refused(typed: str) -> None:
    assert isinstance(check(Detail.NAME, typed), Problem)


@pytest.mark.parametrize("typed", ["Li Na", "Mario Rossi", "Anna Maria De Luca"])
def test_a_given_name_and_a_surname_are_a_name(typed: str) -> None:
    assert check(Detail.NAME, typed) == typed
