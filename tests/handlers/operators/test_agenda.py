"""/agenda and /desk: the day's bookings desk by desk, in pages a client can show."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.model import Office, to_ts
from bot.testing.clock import FakeClock
from bot.testing.local_api import MESSAGE_LIMIT
from bot.testing.local_user import LocalUser
from storage import operators
from storage.db import Database
from tests.conftest import NOW, ROME, UserFactory
from tests.handlers.conftest import no_errors
from tests.handlers.operators.conftest import OPERATOR
from tests.seed import book, codice_fiscale, fill_day, rows, value

LONG_NOTE = "Pratica complessa: porta i documenti di tutta la famiglia; " * 8


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


async def test_a_day_of_450_bookings_is_paged_under_the_limit(
        operator: LocalUser, db: Database, office: Office) -> None:
    ids = await fill_day(db, office, NOW.date(), 450, NOW,
                         name="Maria Assunta Dell'Acqua Bianchi Lo Presti {n}", note=LONG_NOTE)
    first = await operator.send("/agenda tutti")
    assert "pagina 1 di" in first.text
    count = int(first.text.split("pagina 1 di ")[1].split()[0])
    seen = [first.text]
    for _ in range(count - 1):
        await operator.press("▶", first)
        seen.append(operator.api.messages[operator.chat_id][first.message_id].text)
    assert all(utf16(page) < MESSAGE_LIMIT for page in seen)
    assert f"pagina {count} di {count}" in seen[-1]
    shown = "\n".join(seen)
    assert all(f"/b{booking_id} " in shown for booking_id in ids)  # every booking, once
    assert sum(shown.count(f"/b{booking_id} ") for booking_id in ids) == 450
    assert "Sportello 1 (S01)" in seen[0]
    assert "RSSMRA85T10A562S" not in shown  # the codice fiscale only in the detail
    await operator.press("◀", first)
    assert f"pagina {count - 1} di {count}" in operator.api.messages[operator.chat_id][
        first.message_id].text


async def test_times_are_in_order_desk_by_desk(operator: LocalUser, db: Database,
                                               office: Office) -> None:
    await book(db, office, "cie", NOW.replace(hour=11), NOW, name="Secondo", desk="S02")
    await book(db, office, "cie", NOW.replace(hour=10), NOW, name="Primo", desk="S02")
    await book(db, office, "cie", NOW.replace(hour=9, minute=30), NOW, name="Altro", desk="S01")
    text = (await operator.send("/agenda tutti")).text
    assert text.index("Altro") < text.index("Sportello 2") < text.index("Primo") < text.index(
        "Secondo")
    assert "10:00" in text
    assert "Carta d'identità elettronica — richiesta" in text


async def test_a_citizen_name_full_of_html_is_shown_as_written(
        operator: LocalUser, db: Database, office: Office) -> None:
    name = '<b>Rossi</b> & "Figli" <script>alert(1)</script>'
    booking = await book(db, office, "cie", NOW.replace(hour=10), NOW, name=name,
                         note="<i>urgente</i> & </b>", desk="S01")
    text = (await operator.send("/agenda S01")).text
    assert name in text
    assert "<i>urgente</i> & </b>" in text
    detail = await operator.send(f"/b{booking}")
    assert name in detail.text
    assert "RSSMRA85T10A562S" in detail.text


async def test_the_agenda_of_another_day_and_desk(operator: LocalUser, db: Database,
                                                  office: Office) -> None:
    tomorrow = NOW + timedelta(days=1)
    await book(db, office, "cie", tomorrow.replace(hour=10), NOW, name="Domani", desk="S03")
    await book(db, office, "cie", NOW.replace(hour=10), NOW, name="Oggi", desk="S03")
    for command in ("/agenda domani 3", "/agenda 27/11 S03", "/agenda 2026-11-27 s03",
                    "/agenda 27/11/2026 S03"):
        text = (await operator.send(command)).text
        assert "venerdì 27 novembre 2026" in text, command
        assert "Sportello 3 (S03)" in text
        assert "Domani" in text
        assert "Oggi" not in text


async def test_a_bad_day_is_explained_with_examples(operator: LocalUser) -> None:
    reply = await operator.send("/agenda 31/02")
    assert "Non capisco 31/02" in reply.text
    assert "oggi, domani, 3/12, 03/12/2026 o 2026-12-03" in reply.text


async def test_buttons_move_between_desks_and_days(operator: LocalUser, db: Database,
                                                   office: Office) -> None:
    await book(db, office, "cie", NOW.replace(hour=10), NOW, name="Al due", desk="S02")
    agenda = await operator.send("/agenda S01")
    assert "Nessuna prenotazione" in agenda.text
    await operator.press("S02 ▶", agenda)
    assert "Al due" in operator.last_with_buttons().text
    await operator.press("ven 27 nov ▶")
    assert "venerdì 27 novembre 2026" in operator.last_with_buttons().text
    await operator.press("Tutti gli sportelli")
    assert "tutti gli sportelli" in operator.last_with_buttons().text
    await operator.press("Scelga uno sportello")
    await operator.press("S25")
    assert "Sportello 25 (S25)" in operator.last_with_buttons().text


async def test_a_forged_page_button_is_refused(operator: LocalUser) -> None:
    agenda = await operator.send("/agenda")
    for data in ("op:ag:20261340:*:0", "op:ag:20261126:S99:0", "op:ag:x"):
        assert await operator.press_data(data, agenda) == "Questo pulsante non è più valido."


async def test_a_page_past_the_end_shows_the_last(operator: LocalUser) -> None:
    agenda = await operator.send("/agenda")
    await operator.press_data("op:ag:20261126:*:99", agenda)
    assert "Nessuna prenotazione" in operator.last.text


async def test_the_desk_of_the_day_is_the_default(operator: LocalUser, db: Database,
                                                  office: Office, clock: FakeClock) -> None:
    await book(db, office, "cie", NOW.replace(hour=10), NOW, name="Allo sei", desk="S06")
    await book(db, office, "cie", NOW.replace(hour=10), NOW, name="Al cinque", desk="S05",
               cf=codice_fiscale(1))
    reply = await operator.send("/sportello")
    assert "A quale sportello è oggi?" in reply.text
    await operator.press("S06")
    assert "Oggi è allo Sportello 6 (S06)" in operator.last.text
    text = (await operator.send("/agenda")).text
    assert "Allo sei" in text
    assert "Al cinque" not in text
    assert "Al cinque" in (await operator.send("/agenda tutti")).text
    assert await rows(db, "SELECT desk FROM operator_desks WHERE user_id = ?",
                      OPERATOR) == [("S06",)]
    clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=ROME))
    assert "tutti gli sportelli" in (await operator.send("/agenda")).text  # a new day


async def test_desk_by_code_or_number(operator: LocalUser) -> None:
    assert "Sportello 7 (S07)" in (await operator.send("/desk 7")).text
    assert "Sportello 8 (S08)" in (await operator.send("/sportello s08")).text
    reply = await operator.send("/sportello 99")
    assert "Lo sportello 99 non esiste" in reply.text
    assert "S01" in reply.buttons()


async def test_digits_that_are_no_number_are_no_desk(operator: LocalUser) -> None:
    assert "Lo sportello ² non esiste" in (await operator.send("/sportello ²")).text
    assert "Lo sportello ² non esiste" in (await operator.send("/prossimo ²")).text
    assert "Non capisco ²" in (await operator.send("/agenda ²")).text
    no_errors(operator)


async def test_the_agenda_shows_a_closed_day(operator: LocalUser) -> None:
    text = (await operator.send("/agenda 8/12")).text
    assert "Chiuso: Immacolata Concezione" in text  # the name the holidays library gives


async def test_agenda_views_are_audited(operator: LocalUser, db: Database) -> None:
    await operator.send("/agenda domani")
    assert await rows(db, "SELECT actor, action, detail FROM audit WHERE action = 'agenda'") == [
        (OPERATOR, "agenda", "2026-11-27 *")]


async def test_in_english_for_an_english_operator(db: Database, office: Office,
                                                  make_user: UserFactory,
                                                  clock: FakeClock) -> None:
    now = to_ts(clock.now())
    await db.write(operators.invite, "h", 1, now, now + 60)
    await db.write(operators.redeem, "h", 4242, "Emma", now)
    emma = make_user(4242, language_code="en")
    booking = await book(db, office, "cie", NOW.replace(hour=10), NOW, desk="S01", name="Ugo")
    text = (await emma.send("/agenda S01")).text
    assert "Agenda, Thursday 26 November 2026" in text
    code = await value(db, "SELECT code FROM bookings WHERE id = ?", booking)
    assert (f"10:00 /b{booking} {code} Ugo · Electronic identity card — application · booked"
            in text)
    assert emma.last.buttons()[-2:] == ["◀ Wed 25 Nov", "Fri 27 Nov ▶"]


async def test_days_at_the_ends_of_the_calendar_are_not_days(operator: LocalUser) -> None:
    for day in ("31/12/9999", "1/1/0001", "9999-12-31"):
        assert f"Non capisco {day}" in (await operator.send(f"/agenda {day}")).text
    assert "Non capisco 31/12/9999" in (await operator.send("/esporta 31/12/9999")).text
    agenda = await operator.send("/agenda")
    for data in ("op:ag:99991231:*:0", "op:ag:00010101:*:0"):
        assert await operator.press_data(data, agenda) == "Questo pulsante non è più valido."
    no_errors(operator)


async def test_a_closure_without_a_reason_is_said_in_the_operator_s_language(
        operator: LocalUser) -> None:
    text = (await operator.send("/agenda 24/12")).text  # closures.dates in the sample
    assert text.endswith("Chiuso.")
    await operator.press("Chiudi", await operator.send("/chiudi 3/12 S01"))
    assert (await operator.send("/agenda 3/12 S01")).text.endswith("Chiuso.")
    assert "Chiuso" not in (await operator.send("/agenda 3/12 S02")).text


async def test_closed_days_and_an_empty_desk_in_both_languages(operator: LocalUser) -> None:
    sunday = (await operator.send("/agenda 29/11")).text
    assert "Nessuna prenotazione." in sunday
    assert sunday.endswith("Chiuso.")
    assert (await operator.send("/agenda 8/12")).text.endswith("Chiuso: Immacolata Concezione")
    assert "Oggi non c'è nessun prenotato allo Sportello 4 (S04)." in (
        await operator.send("/prossimo S04")).text
    await operator.send("/lingua")
    await operator.press("English")
    assert (await operator.send("/agenda 29/11")).text.endswith("Closed.")
    assert (await operator.send("/agenda 8/12")).text.endswith("Closed: Immaculate Conception")
    assert "Nobody is booked at Sportello 4 (S04) today." in (
        await operator.send("/next S04")).text
    assert "Closed." not in (await operator.send("/agenda 30/11")).text
