"""An operator finds a booking by the code the citizen shows: typed as it comes, or after /b."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.booking_code import parse_code
from bot.domain.model import Office
from bot.testing.local_user import LocalUser
from storage.db import Database
from tests.conftest import NOW
from tests.seed import book, rows, value


async def booked(db: Database, office: Office, days: int = 0) -> tuple[int, str]:
    booking = await book(db, office, "cie", NOW.replace(hour=9, minute=30) + timedelta(days=days),
                         NOW, desk="S01", name="Giuseppina Mancini")
    return booking, str(await value(db, "SELECT code FROM bookings WHERE id = ?", booking))


def test_a_code_is_read_in_any_case_spacing_or_width() -> None:
    assert parse_code("gw5ypp") == "GW5YPP"
    assert parse_code(" GW5 YPP ") == "GW5YPP"
    assert parse_code("gw5-ypp") == "GW5YPP"
    assert parse_code("\uff27\uff37\uff15\uff39\uff30\uff30") == "GW5YPP"  # fullwidth
    assert parse_code("GW5YP0") is None  # no 0 in a code
    assert parse_code("GW5YPPX") is None
    assert parse_code("GRAZIE") is None


async def test_a_typed_code_shows_the_card_with_its_actions(
        operator: LocalUser, db: Database, office: Office) -> None:
    booking, code = await booked(db, office)
    shown = await operator.send(f"  {code[:3].lower()} {code[3:].lower()} ")
    assert "Giuseppina Mancini" in shown.text
    assert code in shown.text
    assert shown.buttons()[:2] == ["Arrivato", "Inizia"]
    assert "Annulla la prenotazione…" in shown.buttons()
    assert await rows(db, "SELECT action FROM audit WHERE booking_id = ?", booking) == [
        ("view",)]


async def test_b_with_a_code_finds_a_booking_of_another_day(
        operator: LocalUser, db: Database, office: Office) -> None:
    _, code = await booked(db, office, days=5)
    shown = await operator.send(f"/b {code}")
    assert "Giuseppina Mancini" in shown.text
    assert "Arrivato" not in shown.buttons()  # arrivals only on the day
    assert "Annulla la prenotazione…" in shown.buttons()


async def test_an_unknown_code_says_so_and_what_to_do(operator: LocalUser) -> None:
    answer = await operator.send("/b ZZZZZZ")
    assert "Nessuna prenotazione ha il codice ZZZZZZ" in answer.text
    assert "/agenda" in answer.text
    assert "Scrivi il codice" in (await operator.send("/b")).text


async def test_the_agenda_lines_carry_the_code(operator: LocalUser, db: Database,
                                               office: Office) -> None:
    booking, code = await booked(db, office)
    agenda = await operator.send("/agenda oggi")
    assert f"09:30 /b{booking} {code} Giuseppina Mancini" in agenda.text


async def test_a_citizen_typing_a_code_gets_the_citizen_answer(
        make_user, db: Database, office: Office) -> None:
    _, code = await booked(db, office)
    citizen = make_user(4242)
    answer = await citizen.send(code)
    assert "Giuseppina" not in answer.text
    assert "/prenota" in answer.text


async def test_an_operator_typing_a_name_in_add_is_not_taken_for_a_code(
        operator: LocalUser) -> None:
    await operator.send("/aggiungi")
    await operator.press("Carta d'identità")
    await operator.press_data(operator.last_with_buttons().keyboard[0][0]["callback_data"])
    await operator.press_data(operator.last_with_buttons().keyboard[0][0]["callback_data"])
    assert "Nome e cognome" in operator.last.text
    assert parse_code("Paz Max") == "PAZMAX"
    answer = await operator.send("Paz Max")  # a code once spaces go, but a name being typed
    assert "Nessuna prenotazione" not in answer.text
