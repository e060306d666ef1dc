"""The quick codice fiscale check agrees with python-codicefiscale, which decodes the whole code."""

from __future__ import annotations

from datetime import date

from codicefiscale import codicefiscale
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.codice_fiscale import check_character, is_valid

TODAY = date(2026, 11, 26)
PLACES = ("Arezzo", "Roma", "Milano", "Bucine", "Cortona", "Albania", "Francia", "Napoli")
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(("Rossi", "Bianchi", "Dell'Acqua", "Xu", "Papa")),
       st.sampled_from(("Mario", "Anna", "Giò", "Li")), st.sampled_from(("M", "F")),
       st.dates(date(1930, 1, 1), date(2024, 12, 31)), st.sampled_from(PLACES))
def test_every_code_python_codicefiscale_makes_is_valid(
        surname: str, name: str, gender: str, born: date, place: str) -> None:
    code = codicefiscale.encode(lastname=surname, firstname=name, gender=gender,
                                birthdate=born.strftime("%d/%m/%Y"), birthplace=place)
    assert is_valid(code, TODAY)
    for omocode in codicefiscale.decode(code)["omocodes"][1:4]:  # digits written as letters
        assert is_valid(omocode, TODAY)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 14), st.sampled_from(ALPHABET),
       st.dates(date(1930, 1, 1), date(2024, 12, 31)), st.sampled_from(PLACES))
def test_a_mistyped_code_is_judged_as_python_codicefiscale_judges_it(
        position: int, char: str, born: date, place: str) -> None:
    code = codicefiscale.encode(lastname="Rossi", firstname="Maria", gender="F",
                                birthdate=born.strftime("%d/%m/%Y"), birthplace=place)
    typo = code[:position] + char + code[position + 1:]
    assert is_valid(typo, TODAY) == codicefiscale.is_valid(typo)


def test_what_is_not_a_codice_fiscale() -> None:
    assert check_character("RSSMRA85T10A390") == "L"
    assert is_valid("RSSMRA85T10A390L", TODAY)
    assert not is_valid("RSSMRA85T10A390X", TODAY)  # the check character
    assert not is_valid("RSSMRA85T32A390" + check_character("RSSMRA85T32A390"), TODAY)  # 32 Dec
    assert not is_valid("RSSMRA85T10Z999" + check_character("RSSMRA85T10Z999"), TODAY)  # place
    assert not is_valid("RSSMRA85T10A39", TODAY)
    assert not is_valid("rssmra85t10a390l", TODAY)  # capitals: clean_codice_fiscale's job
