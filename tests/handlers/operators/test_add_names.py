"""/add: a name and a codice fiscale that do not agree are asked about as in /book (issue 10,
item 5): the operator corrects either, or says both are right."""

from __future__ import annotations

import json

from bot.testing.local_user import LocalUser
from storage.db import Database
from tests.handlers.conftest import CF, no_errors
from tests.seed import codice_fiscale_of, rows, value

SERVICE = "Carta d'identità elettronica — ritiro"
ASKED = ("Le lettere del codice fiscale RSSMRA85T10A390L (RSS MRA) non sono quelle del nome "
         "{name}. Controlli entrambi")
INVALID = "Questo pulsante non è più valido."


async def asked_about(operator: LocalUser, name: str = "Ada Lovelace") -> None:
    await operator.send("/aggiungi")
    await operator.press(SERVICE)
    await operator.press("gio 26 nov")
    await operator.press("10:00")
    await operator.send(name)
    await operator.send(CF[0])


async def doubted(db: Database) -> str | None:
    found = json.loads(await value(db, "SELECT data FROM drafts WHERE party = 'staff'"))
    return str(found["doubted_cf"]) if found["doubted_cf"] else None


async def test_both_are_right(operator: LocalUser, db: Database) -> None:
    await asked_about(operator)
    asked = operator.last
    assert asked.text.startswith(ASKED.format(name="Ada Lovelace"))
    assert asked.buttons() == ["Sono giusti entrambi", "« Indietro", "Interrompi"]
    assert await doubted(db) == CF[0]
    await operator.press("Sono giusti entrambi")
    assert "Salta" in operator.last.buttons()  # the note
    await operator.press("Salta")
    await operator.press("Salta")  # no phone
    assert "Ada Lovelace (RSSMRA85T10A390L)" in operator.last.text
    assert await operator.press("Prenota: al telefono") == "Prenotato."
    assert await rows(db, "SELECT name, codice_fiscale, created_by FROM bookings") == [
        ("Ada Lovelace", CF[0], 600)]
    no_errors(operator)


async def test_the_name_corrected_in_english(operator: LocalUser, db: Database) -> None:
    await operator.send("/language")
    await operator.press("English")
    await operator.send("/add")
    await operator.press("Electronic identity card — pick-up")
    await operator.press("Thu 26 Nov")
    await operator.press("10:00")
    await operator.send("Mario Rosi")
    asked = await operator.send(CF[0])
    assert asked.text.startswith("The letters of the codice fiscale RSSMRA85T10A390L (RSS MRA) "
                                 "are not those of the name Mario Rosi.")
    assert asked.buttons() == ["Both are right", "« Back", "Stop"]
    await operator.press("« Back")
    assert "name and surname?" in operator.last.text
    asked = await operator.send("Maria Rosi")  # not the code's either: asked for this name
    assert asked.text.startswith("The letters of the codice fiscale RSSMRA85T10A390L (RSS MRA) "
                                 "are not those of the name Maria Rosi.")
    await operator.press("« Back")
    reply = await operator.send("Mario Rossi")  # the code's: taken with it
    assert "Skip" in reply.buttons()
    await operator.press("Skip")
    await operator.press("Skip")
    assert "Mario Rossi (RSSMRA85T10A390L)" in operator.last.text
    assert await operator.press("Book: at the counter") == "Booked."
    assert await rows(db, "SELECT name, codice_fiscale FROM bookings") == [
        ("Mario Rossi", CF[0])]
    no_errors(operator)


async def test_the_code_corrected_or_typed_again(operator: LocalUser, db: Database) -> None:
    await asked_about(operator, "Anna Bianchi")
    refused = await operator.send("RSSMRA85T10A39")  # a typo: said, and the doubt stays
    assert refused.text.startswith("Un codice fiscale ha 16 lettere e cifre; questo ne ha 14.")
    assert refused.buttons() == ["Sono giusti entrambi", "« Indietro", "Interrompi"]
    assert await doubted(db) == CF[0]
    await operator.send(CF[1])  # Anna Bianchi's
    assert "Salta" in operator.last.buttons()
    await operator.press("« Indietro")
    await operator.send(CF[0])  # asked about again: a new code for the name
    assert operator.last.text.startswith(ASKED.format(name="Anna Bianchi"))
    await operator.send(CF[0])  # typed again: checked, and right
    await operator.press("Salta")
    await operator.press("Salta")
    assert "Anna Bianchi (RSSMRA85T10A390L)" in operator.last.text
    no_errors(operator)


async def test_a_forged_or_stale_both_are_right_is_refused(operator: LocalUser,
                                                           db: Database) -> None:
    await asked_about(operator)
    asked = operator.last
    both = asked.button("Sono giusti entrambi")["callback_data"]
    nonce = both.split(":")[3]
    await operator.send(CF[1])  # another code, Anna Bianchi's: asked about in turn
    assert operator.last.text.startswith(ASKED.replace("RSSMRA85T10A390L (RSS MRA)",
                                                       "BNCNNA90D43A390D (BNC NNA)").format(
        name="Ada Lovelace"))
    assert await operator.press_data(both, asked) == INVALID  # shown for another pair
    assert await doubted(db) == CF[1]
    await operator.send(codice_fiscale_of("Ada", "Lovelace", female=True))  # corrected
    assert await operator.press_data(both, asked) == INVALID  # at the note step
    await operator.press("« Indietro")
    for forged in (both, f"op:a:cfok:{nonce}", f"op:a:cfok:{nonce}:{CF[0]}",
                   "op:a:cfok:zzzz:00000000"):  # at the code, nothing in doubt
        assert await operator.press_data(forged, asked) == INVALID
    await operator.press("Interrompi")
    assert await operator.press_data(both, asked) == INVALID  # no draft at all
    assert await value(db, "SELECT count(*) FROM drafts WHERE party = 'staff'") == 0
    assert await value(db, "SELECT count(*) FROM bookings") == 0
    no_errors(operator)
