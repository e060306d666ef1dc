"""/add: a booking made by an operator for a citizen on the phone or at the counter."""

from __future__ import annotations

from bot.app import build_application, prepare
from bot.context import Deps
from bot.domain.model import Office, to_ts
from bot.services import housekeeping
from bot.testing.clock import FakeClock
from bot.testing.local_api import LocalBotAPI
from bot.testing.local_user import LocalUser
from storage import closures
from storage.db import Database
from tests.conftest import NOW, UserFactory
from tests.handlers.conftest import CF, FRIDAY, Steps, no_errors
from tests.handlers.operators.conftest import ADMIN, OPERATOR
from tests.seed import book, codice_fiscale, codice_fiscale_of, rows, value

SERVICE = "Carta d'identità elettronica — ritiro"
ADA = codice_fiscale_of("Ada", "Lovelace", female=True)
"""LVLDAA85T50A390Q"""


async def choose_time(operator: LocalUser, time: str) -> None:
    await operator.send("/aggiungi")
    await operator.press(SERVICE)
    await operator.press("gio 26 nov")
    await operator.press(time)


async def test_a_walk_in_is_booked_now_with_a_valid_codice_fiscale(
        operator: LocalUser, db: Database, clock: FakeClock) -> None:
    clock.advance(minutes=7)  # 09:07: the 09:00 slot is under way, and can still be given
    await operator.send("/aggiungi")
    await operator.press(SERVICE)
    await operator.press("gio 26 nov")
    assert operator.last.buttons()[0] == "09:00"
    await operator.press("09:00")
    assert "Nome e cognome del cittadino?" in operator.last.text
    assert "in lettere" in (await operator.send("12345")).text
    assert "nome e cognome" in (await operator.send("Giuseppe")).text  # a surname too
    await operator.send("  Giuseppe   <Verdi>  ")
    assert operator.last.text == "Ora scriva il codice fiscale di Giuseppe <Verdi>."
    bad = await operator.send("VRDGPP85T10A390X")
    assert bad.text.startswith("L'ultimo carattere di questo codice fiscale non corrisponde")
    await operator.send("vrdgpp 85t10 a390l")
    assert "Salta" in operator.last.buttons()
    await operator.send("Delega del figlio")
    assert "Un numero di telefono per raggiungere il cittadino" in operator.last.text
    assert operator.last.buttons() == ["« Indietro", "Salta", "Interrompi"]
    refused = await operator.send("12")
    assert refused.text.startswith("Questo non è un numero di telefono.")
    await operator.send("0039 333 1234567")
    summary = operator.last
    assert "Telefono: +39 333 123 4567" in summary.text
    assert "Prenotare" in summary.text
    assert "Giuseppe <Verdi> (VRDGPP85T10A390L)" in summary.text
    assert "Nota: Delega del figlio" in summary.text
    assert await value(db, "SELECT count(*) FROM bookings") == 0  # nothing before Book
    assert summary.buttons() == ["Prenota: al telefono", "Prenota: allo sportello", "« Indietro",
                                "Interrompi"]
    book_here = summary.button("allo sportello")["callback_data"]
    nonce = book_here.split(":")[3]
    for forged in (f"op:a:ok:{nonce}", f"op:a:ok:{nonce}:chat", f"op:a:ok:{nonce}:waitlist"):
        assert await operator.press_data(forged, summary) == "Questo pulsante non è più valido."
    assert await operator.press("Prenota: allo sportello", summary) == "Prenotato."
    assert "Codice per il cittadino" in operator.last.text
    assert "Prenotata da Olga Operatrice" in operator.last.text
    assert "Arrivato" in operator.last.buttons()
    assert "Telefono: +39 333 123 4567" in operator.last.text  # the card
    stored = await rows(db, "SELECT user_id, created_by, name, codice_fiscale, note, start_ts,"
                            " service, channel, phone FROM bookings")
    assert stored == [(None, OPERATOR, "Giuseppe <Verdi>", "VRDGPP85T10A390L",
                       "Delega del figlio", to_ts(NOW), "cie_ritiro", "desk",
                       "+39 333 123 4567")]
    assert await value(db, "SELECT count(*) FROM audit WHERE action = 'add'") == 1
    assert await value(db, "SELECT count(*) FROM drafts WHERE party = 'staff'") == 0
    assert await operator.press_data(book_here, summary) == "Questo pulsante non è più valido."
    assert await value(db, "SELECT count(*) FROM bookings") == 1


async def test_the_limits_said_are_the_limits_applied(operator: LocalUser) -> None:
    await choose_time(operator, "10:00")
    refused = await operator.send("Ada " * 126)  # 503 characters
    assert "al massimo 500" in refused.text
    await operator.send("Ada " * 120)  # 479: taken
    await operator.send(codice_fiscale_of("Ada " * 3, "Ada " * 3, female=True))
    assert "il massimo è 300" in (await operator.send("n" * 301)).text


async def test_no_note(operator: LocalUser, db: Database) -> None:
    await choose_time(operator, "10:00")
    await operator.send("Ada Lovelace")
    await operator.send(ADA)
    await operator.press("Salta")
    await operator.press("Salta")  # no phone either
    await operator.press("Prenota: al telefono")
    assert await rows(db, "SELECT name, note, channel, phone FROM bookings") == [
        ("Ada Lovelace", None, "phone", None)]


async def test_the_summary_of_an_abandoned_booking_books_nothing_else(
        operator: LocalUser, db: Database) -> None:
    await choose_time(operator, "10:00")
    await operator.send("Ada Lovelace")
    await operator.send(ADA)
    no_note = operator.last.button("Salta")["callback_data"]
    await operator.press("Salta")
    await operator.press("Salta")
    ada = operator.last_with_buttons()
    await choose_time(operator, "11:00")  # /aggiungi again: Ada's is abandoned
    await operator.send("Anna Bianchi")
    await operator.send("BNCNNA90D43A390D")
    assert await operator.press_data(no_note, ada) == "Questo pulsante non è più valido."
    await operator.send("Nota")
    await operator.press("Salta")
    assert await operator.press("Prenota", ada) == "Questo pulsante non è più valido."
    assert await value(db, "SELECT count(*) FROM bookings") == 0
    assert await operator.press("Prenota") == "Prenotato."
    assert await rows(db, "SELECT name FROM bookings") == [("Anna Bianchi",)]


async def test_a_time_taken_meanwhile_keeps_the_details(
        operator: LocalUser, db: Database, office: Office) -> None:
    await choose_time(operator, "12:50")
    await operator.send("Ada Lovelace")
    await operator.send(ADA)
    await operator.send("Nota")
    await operator.press("Salta")
    summary = operator.last
    desks = office.services["cie_ritiro"].desks
    for n, desk in enumerate(desks):  # meanwhile every desk is booked at 12:50
        await book(db, office, "cie_ritiro", NOW.replace(hour=12, minute=50), NOW, desk=desk,
                   cf=codice_fiscale(n))
    assert await operator.press("Prenota", summary) == "Questo orario non è più libero."
    assert "I dati restano: scelga un altro orario" in operator.last.text
    assert "12:50" not in operator.last.buttons()
    await operator.press("12:40")
    assert "Prenotare" in operator.last.text
    await operator.press("Prenota")
    assert await rows(db, "SELECT name, note FROM bookings WHERE created_by IS NOT NULL") == [
        ("Ada Lovelace", "Nota")]


async def test_a_forged_time_is_refused(operator: LocalUser, db: Database) -> None:
    await operator.send("/aggiungi")
    await operator.press(SERVICE)
    off_grid = to_ts(NOW) + 7 * 60
    assert await operator.press_data(f"op:a:t:cie_ritiro:{off_grid}") == (
        "Questo orario non è più libero.")
    assert await operator.press_data("op:a:t:nosuch:1") == "Questo pulsante non è più valido."
    assert await operator.press_data("op:a:d:cie:20261399") == "Questo pulsante non è più valido."
    assert await operator.press_data("op:a:d:cie:99991231") == "Questo pulsante non è più valido."
    assert await operator.press_data("op:a:t:cie_ritiro:999999999999") == (
        "Questo pulsante non è più valido.")  # no date has it
    assert await value(db, "SELECT count(*) FROM drafts WHERE party = 'staff'") == 0


async def test_a_command_abandons_the_booking_in_progress(
        operator: LocalUser, db: Database, make_user: UserFactory) -> None:
    await choose_time(operator, "10:00")
    await operator.send("/agenda")
    assert await value(db, "SELECT count(*) FROM drafts WHERE party = 'staff'") == 0
    reply = await operator.send("Ada Lovelace")  # now just text, for the citizens' side
    assert "Ada Lovelace" not in reply.text


async def test_a_draft_left_too_long_is_forgotten(operator: LocalUser, clock: FakeClock,
                                                  db: Database) -> None:
    await choose_time(operator, "10:00")
    clock.advance(minutes=31)
    await operator.send("Ada Lovelace")
    assert "Ora scriva il codice fiscale" not in operator.last.text
    assert await value(db, "SELECT count(*) FROM bookings") == 0


async def test_an_abandoned_draft_does_not_keep_the_citizen_s_details(
        operator: LocalUser, clock: FakeClock, db: Database, deps: Deps) -> None:
    await choose_time(operator, "10:00")
    await operator.send("Ada Lovelace")
    await operator.send(ADA)
    await housekeeping.tidy(deps)
    staff_drafts = "SELECT count(*) FROM drafts WHERE party = 'staff'"
    assert await value(db, staff_drafts) == 1  # still being typed
    clock.advance(minutes=31)
    await housekeeping.tidy(deps)
    assert await value(db, "SELECT count(*) FROM drafts WHERE party = 'staff'") == 0


async def test_a_restart_in_the_middle_loses_nothing(
        operator: LocalUser, db: Database, office: Office, clock: FakeClock,
        api: LocalBotAPI) -> None:
    await choose_time(operator, "10:00")
    await operator.send("Ada Lovelace")
    restarted = build_application(office, db, request=api, clock=clock)
    async with restarted:
        await prepare(restarted)
        again = LocalUser(api, restarted, OPERATOR)
        assert "Salta" in (await again.send(ADA)).buttons()
        await again.press("Salta")
        await again.press("Salta")
        await again.press("Prenota")
    assert await rows(db, "SELECT name, codice_fiscale FROM bookings") == [
        ("Ada Lovelace", ADA)]


async def test_an_operator_sees_the_booking_in_the_way_and_may_book_anyway(
        operator: LocalUser, make_user: UserFactory, steps: Steps, db: Database) -> None:
    citizen = make_user()
    await steps.book(citizen, "cie", FRIDAY, cf=CF[0])
    [(booking_id,)] = await rows(db, "SELECT id FROM bookings")
    await operator.send("/aggiungi")
    await operator.press(SERVICE)
    await operator.press("ven 27 nov")
    await operator.press("09:10")
    await operator.send("Mario Rossi")
    await operator.send(CF[0])
    await operator.send("Ritira la carta della madre")
    await operator.press("Salta")
    summary = operator.last
    assert ("⚠️ Mario Rossi ha già una prenotazione in un orario che si sovrappone: Carta "
            "d'identità elettronica — richiesta, venerdì 27 novembre 2026, 09:00") in summary.text
    assert f"(/b{booking_id})" in summary.text
    assert summary.buttons() == [
        "Prenota comunque: al telefono", "Prenota comunque: allo sportello", "Un altro orario",
        "« Indietro", "Interrompi"]
    await operator.press("Un altro orario", summary)
    await operator.press("10:00")
    assert "⚠️" not in operator.last.text
    assert operator.last.buttons() == ["Prenota: al telefono", "Prenota: allo sportello",
                                       "« Indietro", "Interrompi"]
    await operator.press("Prenota")
    assert await rows(db, "SELECT start_ts, person_overlap_by FROM bookings ORDER BY id") == [
        (to_ts(FRIDAY), None), (to_ts(FRIDAY.replace(hour=10)), None)]

    await operator.send("/aggiungi")  # and once more, at 09:10, anyway
    await operator.press(SERVICE)
    await operator.press("ven 27 nov")
    await operator.press("09:10")
    await operator.send("Mario Rossi")
    await operator.send(CF[0])
    await operator.press("Salta")
    await operator.press("Salta")
    assert await operator.press("Prenota comunque: allo sportello") == "Prenotato."
    assert await rows(db, "SELECT start_ts, person_overlap_by, channel FROM bookings"
                          " WHERE id = 3") == [(to_ts(FRIDAY.replace(minute=10)), 600, "desk")]
    assert await rows(db, "SELECT detail FROM audit WHERE action = 'add' ORDER BY id") == [
        ("",), ("same person overlap allowed",)]
    no_errors(operator, citizen)


async def test_a_time_lost_to_a_closure_says_why_and_offers_other_days(
        operator: LocalUser, db: Database) -> None:
    await choose_time(operator, "12:50")
    await operator.send("Ada Lovelace")
    await operator.send(ADA)
    await operator.send("Nota")
    await operator.press("Salta")
    summary = operator.last
    await db.write(closures.add, NOW.date(), NOW.date(), None, "Allagamento", ADMIN, to_ts(NOW))
    assert await operator.press("Prenota", summary) == (
        "Ci scusi, l'ufficio è appena stato chiuso giovedì 26 novembre 2026: Allagamento. "
        "Scelga un altro giorno.")
    assert "quale giorno?" in operator.last.text
    assert "gio 26 nov" not in operator.last.buttons()
    assert await value(db, "SELECT count(*) FROM bookings") == 0
    no_errors(operator)


async def test_back_at_every_step_forgets_only_the_step_returned_to(
        operator: LocalUser, db: Database) -> None:
    await operator.send("/aggiungi")
    assert operator.last.buttons()[-1] == "Interrompi"
    await operator.press(SERVICE)
    days = operator.last
    assert days.buttons()[-2:] == ["« Indietro", "Interrompi"]
    assert "Porti con sé:" in days.text  # the documents, for the operator to read out
    await operator.press("« Indietro", days)
    assert "Quale servizio?" in operator.last.text
    await operator.press(SERVICE)
    await operator.press("gio 26 nov")
    assert operator.last.buttons()[-2:] == ["« Indietro", "Interrompi"]
    await operator.press("« Indietro")
    assert "quale giorno?" in operator.last.text
    await operator.press("gio 26 nov")
    await operator.press("10:00")
    assert operator.last.buttons() == ["« Indietro", "Interrompi"]
    await operator.press("« Indietro")
    assert "quale orario?" in operator.last.text
    await operator.press("10:00")
    await operator.send("Ada Lovelace")
    assert operator.last.buttons() == ["« Indietro", "Interrompi"]
    await operator.press("« Indietro")
    assert "Nome e cognome del cittadino?" in operator.last.text
    await operator.send("Ada Byron")
    await operator.send(codice_fiscale_of("Ada", "Byron", female=True))
    assert operator.last.buttons() == ["« Indietro", "Salta", "Interrompi"]
    await operator.press("« Indietro")
    assert operator.last.text == "Ora scriva il codice fiscale di Ada Byron."
    await operator.send(codice_fiscale_of("Ada", "Byron"))  # another one, this time
    await operator.send("Nota")
    await operator.send("333 1234567")
    await operator.press("« Indietro")  # from the summary to the phone
    assert "Un numero di telefono" in operator.last.text
    await operator.press("« Indietro")  # to the note
    assert "Salta" in operator.last.buttons()
    await operator.press("Salta")
    await operator.press("Salta")
    assert await operator.press("Prenota: al telefono") == "Prenotato."
    assert await rows(db, "SELECT name, codice_fiscale, note, phone FROM bookings") == [
        ("Ada Byron", codice_fiscale_of("Ada", "Byron"), None, None)]
    stale = "op:a:back:zzzz"
    assert await operator.press_data(stale) == "Questo pulsante non è più valido."


async def test_the_whole_horizon_a_page_at_a_time_in_english(
        operator: LocalUser, office: Office) -> None:
    await operator.send("/language")
    await operator.press("English")
    await operator.send("/add")
    await operator.press("Electronic identity card — pick-up")
    first = operator.last
    assert "which day?" in first.text
    assert "Bring with you:" in first.text
    assert first.buttons()[-3:] == ["Later ▶", "« Back", "Stop"]
    seen = first.buttons()[:-3]
    assert len(seen) == 8
    pages = 1
    while "Later ▶" in operator.last.buttons():
        await operator.press("Later ▶")
        pages += 1
    last = operator.last
    assert pages >= office.rules.horizon_days // 7 // 2
    assert "◀ Earlier" in last.buttons()
    assert "Later ▶" not in last.buttons()
    assert last.buttons()[0] not in seen
    await operator.press(last.buttons()[0])
    assert "which time?" in operator.last.text
    await operator.press("Stop")
    assert operator.last.buttons() == []


async def test_an_international_phone_in_english(operator: LocalUser, db: Database) -> None:
    await operator.send("/language")
    await operator.press("English")
    await operator.send("/add")
    await operator.press("Electronic identity card — pick-up")
    await operator.press(operator.last.buttons()[0])
    await operator.press("10:00")
    await operator.send("Ada Lovelace")
    await operator.send(ADA)
    await operator.press("Skip")
    asked = operator.last
    assert asked.text.startswith("A phone number to reach the citizen if the appointment changes")
    assert asked.buttons() == ["« Back", "Skip", "Stop"]
    refused = await operator.send("+99 12")
    assert refused.text.startswith("That is not a phone number.")
    assert refused.buttons() == ["« Back", "Stop"]
    summary = await operator.send("+44 20 7946 0958")
    assert "Phone: +44 20 7946 0958" in summary.text
    assert await operator.press("Book: on the phone", summary) == "Booked."
    assert "Phone: +44 20 7946 0958" in operator.last.text
    assert await rows(db, "SELECT phone, channel FROM bookings") == [
        ("+44 20 7946 0958", "phone")]
