"""/close and /reopen: what is cancelled, who is told (once), and nothing before confirming."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from bot.domain.model import Office, to_ts
from bot.testing.local_user import LocalUser
from storage.db import Database
from tests.conftest import NOW, ROME
from tests.handlers.operators.conftest import OPERATOR
from tests.seed import book, codice_fiscale, rows, value

DEC_3 = datetime(2026, 12, 3, 10, 0, tzinfo=ROME)


async def seed(db: Database, office: Office) -> dict[str, int]:
    return {
        "anna_s01": await book(db, office, "cie", DEC_3, NOW, desk="S01", user_id=1,
                               name="Anna"),
        "anna_s01_later": await book(db, office, "cie", DEC_3.replace(hour=11), NOW,
                                     desk="S01", user_id=1, name="Anna"),
        "bruno_s02": await book(db, office, "cie", DEC_3, NOW, desk="S02", user_id=2,
                                name="Bruno", cf=codice_fiscale(2)),
        "walk_in_s01": await book(db, office, "cie", DEC_3.replace(hour=12), NOW, desk="S01",
                                  name="Senza Telegram", phone="+39 333 123 4567"),
        "carla_next_day": await book(db, office, "cie", DEC_3 + timedelta(days=1), NOW,
                                     desk="S01", user_id=3, name="Carla"),
    }


async def fill_other_desks(db: Database, office: Office, desk: str) -> None:
    """Every other desk of the service taken at the seed's times on 3 December."""
    for other in office.services["cie"].desks:
        for hour in (10, 11, 12):
            taken = await value(db, "SELECT count(*) FROM bookings WHERE desk = ? AND start_ts"
                                    " = ?", other, to_ts(DEC_3.replace(hour=hour)))
            if other != desk and not taken:
                await book(db, office, "cie", DEC_3.replace(hour=hour), NOW, desk=other,
                           cf=codice_fiscale(hour * 100 + len(other) + ord(other[-1])))


async def test_closing_a_desk_keeps_its_bookings_at_other_desks_of_the_service(
        operator: LocalUser, db: Database, office: Office) -> None:
    ids = await seed(db, office)
    before = await rows(db, "SELECT id, code, start_ts FROM bookings WHERE desk = 'S01'"
                            " AND start_ts < ? ORDER BY id", to_ts(DEC_3 + timedelta(days=1)))
    preview = await operator.send("/chiudi 30/11-3/12 S01 formazione")
    assert ("3 prenotazioni passano ad altri sportelli che trattano lo stesso servizio: stesso "
            "giorno, orario e codice.") in preview.text
    assert "annullate" not in preview.text
    assert await operator.press("Chiudi", preview) == "Chiuso."
    assert "3 prenotazioni spostate ad altri sportelli." in operator.last.text
    assert "0 prenotazioni annullate." in operator.last.text
    after = await rows(db, "SELECT id, code, start_ts, desk, status FROM bookings WHERE id IN"
                           " (?, ?, ?) ORDER BY id", ids["anna_s01"], ids["anna_s01_later"],
                       ids["walk_in_s01"])
    assert [(i, c, s) for i, c, s, _, _ in after] == before  # same code, same time
    assert all(desk in office.services["cie"].desks and desk != "S01" and status == "booked"
               for *_, desk, status in after)
    assert await value(db, "SELECT count(*) FROM outbox") == 0  # nobody to tell
    assert await value(db, "SELECT count(*) FROM audit WHERE action = 'relocate'") == 3


async def test_closing_a_desk_shows_then_cancels_and_notifies_each_booking_once(
        operator: LocalUser, db: Database, office: Office) -> None:
    ids = await seed(db, office)
    await fill_other_desks(db, office, "S01")
    preview = await operator.send("/chiudi 3/12 S01 Guasto all'impianto")
    assert "Chiudere <b>" not in preview.text
    assert "Chiudere Sportello 1 (S01) giovedì 3 dicembre 2026?" in preview.text
    assert "Motivo: Guasto all'impianto" in preview.text
    assert "Saranno annullate 3 prenotazioni" in preview.text
    assert "Anna" in preview.text
    assert "Bruno" not in preview.text
    assert await value(db, "SELECT count(*) FROM closures") == 0  # nothing yet
    assert await value(db, "SELECT count(*) FROM bookings WHERE status = 'cancelled'") == 0
    assert await operator.press("Chiudi e annulla 3 prenotazioni", preview) == "Chiuso."
    result = operator.last.text
    assert "3 prenotazioni annullate" in result
    assert "non avvisate dal bot" in result
    assert "Senza Telegram, tel. +39 333 123 4567" in result
    cancelled = {i for (i,) in await rows(
        db, "SELECT id FROM bookings WHERE status = 'cancelled' AND cancelled_by = 'closure'")}
    assert cancelled == {ids["anna_s01"], ids["anna_s01_later"], ids["walk_in_s01"]}
    notices = await rows(db, "SELECT chat_id, booking_id, payload FROM outbox"
                             " WHERE kind = 'booking_cancelled' ORDER BY booking_id")
    assert notices == [
        (1, ids["anna_s01"], json.dumps({"reason": "Guasto all'impianto", "by": "closure"})),
        (1, ids["anna_s01_later"], json.dumps({"reason": "Guasto all'impianto",
                                               "by": "closure"})),
    ]
    assert await operator.press_data("op:c:ok", preview) == (
        "Questo pulsante non è più valido.")  # pressed again: nothing more happens
    assert await value(db, "SELECT count(*) FROM outbox") == 4  # each notice with its .ics
    assert await value(db, "SELECT count(*) FROM closures") == 1
    audited = await rows(db, "SELECT action, booking_id FROM audit WHERE actor = ?"
                             " AND action IN ('close', 'cancel') ORDER BY id", OPERATOR)
    assert audited[0] == ("close", None)
    assert sorted(b for _, b in audited[1:]) == sorted(cancelled)


async def test_closing_the_whole_office_for_a_range(operator: LocalUser, db: Database,
                                                    office: Office) -> None:
    ids = await seed(db, office)
    preview = await operator.send("/close 3/12-4/12 Sciopero generale")
    assert "tutto l'ufficio da giovedì 3 dicembre 2026 a venerdì 4 dicembre 2026" in preview.text
    await operator.press("Chiudi e annulla 5 prenotazioni", preview)
    assert await value(db, "SELECT count(*) FROM bookings WHERE status = 'cancelled'") == 5
    chats = sorted(c for (c,) in await rows(db, "SELECT chat_id FROM outbox"))
    assert chats == [1, 1, 1, 1, 2, 2, 3, 3]  # a notice and a calendar file to each booking
    assert ids  # all five: the walk-in is cancelled too, without a notice


async def test_a_closure_can_be_called_off_before_confirming(
        operator: LocalUser, db: Database, office: Office) -> None:
    await seed(db, office)
    await operator.send("/chiudi 3/12")
    await operator.press("Non chiudere")
    assert await value(db, "SELECT count(*) FROM closures") == 0
    assert await value(db, "SELECT count(*) FROM bookings WHERE status = 'cancelled'") == 0


async def test_bookings_of_a_closed_day_are_refused(operator: LocalUser, db: Database,
                                                    office: Office) -> None:
    preview = await operator.send("/chiudi 3/12 S01")
    assert "Nessuna prenotazione è coinvolta" in preview.text
    await operator.press("Chiudi", preview)
    await operator.send("/aggiungi")
    await operator.press("Carta d'identità elettronica — richiesta")
    assert "gio 3 dic" in operator.last.buttons()  # S02..S06 are still open
    agenda = await operator.send("/agenda 3/12 S01")
    assert "Chiuso" in agenda.text


async def test_wrong_closures_are_explained(operator: LocalUser, db: Database) -> None:
    assert "Scriva /chiudi giorno [sportello] [motivo]" in (await operator.send("/chiudi")).text
    assert "Scriva /chiudi" in (await operator.send("/chiudi 5/12-3/12")).text
    assert "comincia oggi" in (await operator.send("/chiudi ieri-domani")).text
    assert "comincia oggi o più avanti" in (await operator.send("/chiudi 25/11")).text
    assert "al massimo 366 giorni" in (await operator.send("/chiudi 1/12/2026-1/1/2028")).text
    answer = (await operator.send("/chiudi domani S99 formazione")).text
    assert "Non esiste lo sportello S99: non è stato chiuso nulla." in answer
    assert "S01, S02" in answer
    assert await value(db, "SELECT count(*) FROM drafts WHERE party = 'staff'") == 0


async def test_a_day_closed_already_is_not_closed_again(operator: LocalUser, db: Database) -> None:
    sunday = await operator.send("/chiudi 29/11")
    assert "tutto l'ufficio è già chiuso domenica 29 novembre 2026: niente da chiudere." in (
        sunday.text)
    assert "• dom 29 nov: nessun orario di apertura" in sunday.text
    holiday = await operator.send("/chiudi 8/12 S01")
    assert "è già chiuso" in holiday.text
    assert "Immacolata Concezione" in holiday.text
    partly = await operator.send("/chiudi 7/12-8/12 sciopero")
    assert "Già chiuso in questi giorni:" in partly.text
    assert "• mar 8 dic: Immacolata Concezione" in partly.text
    assert partly.buttons() == ["Chiudi", "Non chiudere"]
    assert await value(db, "SELECT count(*) FROM closures") == 0


async def test_the_reopen_list_in_italian_and_english(operator: LocalUser) -> None:
    await operator.press("Chiudi", await operator.send("/chiudi 3/12"))
    listing = await operator.send("/riapri")
    assert listing.buttons() == ["gio 3 dic · tutto l'ufficio"]  # no reason: no dangling dot
    await operator.send("/lingua")
    await operator.press("English")
    assert (await operator.send("/reopen")).buttons() == ["Thu 3 Dec · whole office"]


async def test_reopen_lifts_a_closure(operator: LocalUser, db: Database, office: Office,
                                      offers: list[object]) -> None:
    await operator.press("Chiudi", await operator.send("/chiudi 3/12 S01 Formazione"))
    listing = await operator.send("/riapri")
    assert "Quale chiusura vuole revocare?" in listing.text
    label = listing.buttons()[0]
    assert label == "gio 3 dic · S01 · Formazione"
    assert await operator.press(label, listing) == "Revocata."
    assert "Revocata:" in operator.last.text
    assert "Nessuna chiusura fatta qui è in vigore" in operator.last.text
    assert await value(db, "SELECT count(*) FROM closures WHERE lifted_ts IS NOT NULL") == 1
    assert len(offers) == 1
    assert await operator.press_data("op:r:1", listing) == "Già revocata."
    assert len(offers) == 1
    assert "Chiuso" not in (await operator.send("/agenda 3/12 S01")).text


async def test_the_button_of_an_older_preview_does_not_confirm_a_newer_closure(
        operator: LocalUser, db: Database, office: Office) -> None:
    await seed(db, office)
    await fill_other_desks(db, office, "S01")
    older = await operator.send("/chiudi 3/12 S01 Guasto")
    newer = await operator.send("/chiudi 3/12-4/12 Sciopero")
    assert "Saranno annullate 19 prenotazioni" in newer.text
    toast = await operator.press("Chiudi e annulla 3 prenotazioni", older)
    assert toast == "Questo pulsante non è più valido."
    assert await value(db, "SELECT count(*) FROM closures") == 0
    assert await value(db, "SELECT count(*) FROM bookings WHERE status = 'cancelled'") == 0
    assert await operator.press("Chiudi e annulla 19 prenotazioni", newer) == "Chiuso."
    assert await value(db, "SELECT reason FROM closures") == "Sciopero"


async def test_long_names_keep_the_preview_and_the_result_under_the_limit(
        operator: LocalUser, db: Database, office: Office) -> None:
    long_name = "Maria & <Figli> " * 31  # 496 characters: a name a citizen may type
    for hour in range(9, 13):
        for minute in (0, 30):
            for n, desk in enumerate(("S01", "S02")):
                await book(db, office, "cie", DEC_3.replace(hour=hour, minute=minute), NOW,
                           desk=desk, name=long_name.strip(), cf=codice_fiscale(n))
    preview = await operator.send("/chiudi 3/12 Sciopero")
    assert "Saranno annullate 16 prenotazioni" in preview.text
    assert "… e altre 1" in preview.text
    await operator.press("Chiudi e annulla 16 prenotazioni", preview)
    assert "16 prenotazioni annullate" in operator.last.text
    assert "Maria &amp; &lt;Figli&gt;" in operator.last.markup
    assert await value(db, "SELECT count(*) FROM bookings WHERE status = 'cancelled'") == 16
