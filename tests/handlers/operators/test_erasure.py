"""An administrator erases the personal data of the person a booking is for (on their request,
for a booking made by phone): every booking with that codice fiscale, gone from the files too."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.model import Office
from bot.testing.clock import FakeClock
from bot.testing.local_user import LocalUser
from storage.db import Database
from tests.conftest import NOW
from tests.handlers.conftest import CF as OTHER_CF
from tests.handlers.conftest import no_errors
from tests.handlers.test_erasure_on_disk import CF, NAME, NOTE, found_on_disk
from tests.handlers.test_erasure_on_disk import db as db  # SQLite only: its bytes are read
from tests.seed import book, rows, value

PHONE = "+39 347 765 4321"


async def test_an_administrator_erases_a_person_and_the_files_keep_nothing(
        admin: LocalUser, operator: LocalUser, db: Database, office: Office,
        clock: FakeClock) -> None:
    past = await book(db, office, "cie", NOW - timedelta(days=7), NOW - timedelta(days=8),
                      name=NAME, cf=CF, note=NOTE)
    await db.write(lambda conn: conn.execute("UPDATE bookings SET status = 'served'"))
    coming = await book(db, office, "cie", NOW.replace(hour=11), NOW, name=NAME, cf=CF,
                        note=NOTE, phone=PHONE)
    other = await book(db, office, "cie", NOW.replace(hour=11), NOW, name="Altra Persona",
                       cf=OTHER_CF[1], desk="S02")
    assert found_on_disk(db, NAME, CF, NOTE, PHONE) == [NAME, CF, NOTE, PHONE]

    detail = await operator.send(f"/b{coming}")
    assert "Cancella i dati personali…" not in detail.buttons()  # administrators only
    await operator.press_data(f"op:e:{coming}", detail)
    assert operator.last.text.startswith("Solo un amministratore può farlo.")
    assert await value(db, "SELECT count(*) FROM bookings WHERE name IS NULL") == 0

    detail = await admin.send(f"/b{coming}")
    await admin.press("Cancella i dati personali…", detail)
    question = admin.last
    assert question.text == (
        f"Cancellare i dati personali di {NAME} ({CF}), cioè nome, codice fiscale, nota e "
        "telefono, da 2 prenotazioni (tutte quelle con questo codice fiscale)?\n\n"
        "1 di queste è ancora in programma: sarà annullata, senza avvisi.\n\n"
        "Non si può tornare indietro.")
    assert await admin.press("Sì, cancella", question) == "Cancellati."
    assert admin.last.text.startswith(
        "Dati personali cancellati da 2 prenotazioni; 1 annullate.")
    assert await rows(db, "SELECT id, status, cancelled_by, name, codice_fiscale, note, phone"
                          " FROM bookings ORDER BY id") == [
        (past, "served", None, None, None, None, None),
        (coming, "cancelled", "erasure", None, None, None, None),
        (other, "booked", None, "Altra Persona", OTHER_CF[1], None, None)]
    assert await rows(db, "SELECT actor, action, booking_id, detail FROM audit"
                          " WHERE action = 'erase'") == [
        (500, "erase", coming, "2 bookings, 1 cancelled")]
    assert found_on_disk(db, NAME, CF, NOTE, PHONE) == []
    assert await admin.press_data(f"op:ek:{coming}", question) == "Cancellati."  # again
    assert admin.last.text.startswith("Dati personali cancellati da 1 prenotazione; 0 annullate.")
    no_errors(admin, operator)
