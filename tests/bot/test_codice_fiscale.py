"""The codice fiscale check, whose place of birth is looked up quickly here, judges codes as
python-codicefiscale, which decodes the whole code, judges them."""

from __future__ import annotations

from datetime import date

from codicefiscale import codicefiscale
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.identity import read_codice_fiscale

PLACES = ("Arezzo", "Roma", "Milano", "Bucine", "Cortona", "Albania", "Francia", "Napoli")
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(("Rossi", "Bianchi", "Dell'Acqua", "Xu", "Papa")),
       st.sampled_from(("Mario", "Anna", "Giò", "Li")), st.sampled_from(("M", "F")),
       st.dates(date(1930, 1, 1), date(2024, 12, 31)), st.sampled_from(PLACES))
def test_every_code_python_codicefiscale_makes_is_read(
        surname: str, name: str, gender: str, born: date, place: str) -> None:
    code = codicefiscale.encode(lastname=surname, firstname=name, gender=gender,
                                birthdate=born.strftime("%d/%m/%Y"), birthplace=place)
    assert read_codice_fiscale(code) == code
    for omocode in codicefiscale.decode(code)["omocodes"][1:4]:  # digits written as letters
        assert read_codice_fiscale(omocode) == omocode


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 14), st.sampled_from(ALPHABET),
       st.dates(date(1930, 1, 1), date(2024, 12, 31)), st.sampled_from(PLACES))
def test_a_mistyped_code_is_judged_as_python_codicefiscale_judges_it(
        position: int, char: str, born: date, place: str) -> None:
    code = codicefiscale.encode(lastname="Rossi", firstname="Maria", gender="F",
                                birthdate=born.strftime("%d/%m/%Y"), birthplace=place)
    typo = code[:position] + char + code[position + 1:]
    assert isinstance(read_codice_fiscale(typo), str) == codicefiscale.is_valid(typo)
