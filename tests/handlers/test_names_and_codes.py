"""A name and a codice fiscale that do not agree, in /book: the citizen is asked once, and can
correct either or say both are right (issue 10, item 5). /add: tests/handlers/operators."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.testing.local_user import LocalUser
from storage.db import Database
from tests.conftest import UserFactory
from tests.handlers.conftest import CF, FRIDAY, Steps, data_ending, no_errors
from tests.seed import codice_fiscale_of, rows

ADA = codice_fiscale_of("Ada", "Lovelace", female=True)
ASKED = ("Le lettere del codice fiscale RSSMRA85T10A390L (RSS MRA) non sono quelle del nome "
         "{name}. Controlli entrambi: scriva di nuovo il codice fiscale, oppure torni indietro "
         "per correggere il nome (il codice fiscale resta).")
NOTE_STEP = "C'è qualcosa che l'operatore deve sapere"
INVALID = "Questo pulsante non è più valido."


async def draft(db: Database) -> tuple[str, str | None, str | None]:
    """The step of the one draft, its codice fiscale and the one in doubt."""
    [(step, data)] = await rows(db, "SELECT step, data FROM drafts")
    saved = json.loads(data)
    return step, saved["codice_fiscale"], saved["doubted_cf"]


async def asked_about(user: LocalUser, steps: Steps, name: str = "Ada Lovelace",
                      cf: str = CF[0]) -> None:
    await steps.to_name(user)
    await user.send(name)
    await user.send(cf)


@pytest.mark.parametrize(("typed", "given_name", "surname"), [
    ("Mario Rossi", "Mario", "Rossi"), ("ROSSI mario", "Mario", "Rossi"),
    ("Giulia D'Angelo", "Giulia", "Dangelo"), ("De Luca Maria", "Maria", "De Luca"),
    ("Jürgen Müller", "Jurgen", "Muller"), ("Anna Maria Bianchi", "Anna Maria", "Bianchi"),
    ("José Nuñez-Pérez", "Jose", "Nunez Perez"),
])
async def test_a_code_with_the_name_s_letters_is_taken_without_a_question(
        make_user: UserFactory, steps: Steps, db: Database, typed: str, given_name: str,
        surname: str) -> None:
    user = make_user()
    await steps.to_name(user)
    await user.send(typed)
    reply = await user.send(codice_fiscale_of(given_name, surname))
    assert reply.text.startswith(NOTE_STEP), reply.text
    assert (await draft(db))[0] == "note"
    no_errors(user)


@pytest.mark.parametrize(("lang", "labels"), [
    ("it", {"asked": ASKED.format(name="Ada Lovelace"),
            "end": "Se sono giusti entrambi (un nome straniero o traslitterato può differire), "
                   "prema «Sono giusti entrambi».",
            "buttons": ["Sono giusti entrambi", "« Indietro", "✖ Annulla"],
            "note": NOTE_STEP, "use name": "Usa “Ada Lovelace”", "use cf": "Usa RSSMRA"}),
    ("en", {"asked": "The letters of the codice fiscale RSSMRA85T10A390L (RSS MRA) are not "
                     "those of the name Ada Lovelace. Please check both: type the codice "
                     "fiscale again, or go back to correct the name (the codice fiscale is "
                     "kept).",
            "end": "If both are right (a name from abroad or transliterated may differ), press "
                   "“Both are right”.",
            "buttons": ["Both are right", "« Back", "✖ Cancel"],
            "note": "Anything the operator should know", "use name": "Use “Ada Lovelace”",
            "use cf": "Use RSSMRA"}),
])
async def test_a_code_of_other_letters_is_asked_about_and_both_may_be_right(
        make_user: UserFactory, steps: Steps, db: Database, lang: str,
        labels: dict[str, str]) -> None:
    user = make_user(language_code=lang)
    await asked_about(user, steps)
    asked = user.last
    assert asked.text.startswith(labels["asked"])
    assert asked.text.endswith(labels["end"])
    assert asked.buttons() == labels["buttons"]
    assert await draft(db) == ("codice_fiscale", None, CF[0])
    await user.press(labels["buttons"][0])
    assert user.last.text.startswith(labels["note"])
    assert await draft(db) == ("note", CF[0], None)
    await steps.choose(user, "skip")
    await steps.choose(user, "ok")
    assert await rows(db, "SELECT name, codice_fiscale FROM bookings") == [
        ("Ada Lovelace", CF[0])]  # as typed
    assert await rows(db, "SELECT last_name, last_cf FROM citizens") == [("Ada Lovelace", CF[0])]


    await steps.to_name(user, start=FRIDAY + timedelta(hours=1))  # the pair said right: offered
    await user.press(labels["use name"])
    await user.press(labels["use cf"])
    assert user.last.text.startswith(labels["note"])  # and not asked about again
    no_errors(user)


async def test_the_code_typed_again_is_taken(make_user: UserFactory, steps: Steps,
                                              db: Database) -> None:
    user = make_user()
    await asked_about(user, steps)
    reply = await user.send(CF[0].lower())  # checked, and the same: it is right
    assert reply.text.startswith(NOTE_STEP)
    assert await draft(db) == ("note", CF[0], None)
    no_errors(user)


async def test_the_code_corrected(make_user: UserFactory, steps: Steps, db: Database) -> None:
    user = make_user()
    await asked_about(user, steps)
    asked = user.last
    both = asked.button("Sono giusti entrambi")["callback_data"]
    reply = await user.send("RSSMRA85T10A390")  # a typo: what is wrong is said, the doubt stays
    assert reply.text.startswith("Un codice fiscale ha 16 lettere e cifre; questo ne ha 15.")
    assert "Sono giusti entrambi" in reply.buttons()
    reply = await user.send(ADA)
    assert reply.text.startswith(NOTE_STEP)
    assert await draft(db) == ("note", ADA, None)
    assert await user.press_data(both, asked) == INVALID  # an older message, its buttons gone
    await steps.choose(user, "skip")
    assert "Codice fiscale: LVLDAA*******90Q" in user.last.text
    await steps.choose(user, "ok")
    assert await rows(db, "SELECT name, codice_fiscale FROM bookings") == [("Ada Lovelace", ADA)]
    no_errors(user)


async def test_the_name_corrected_keeps_the_code(make_user: UserFactory, steps: Steps,
                                                 db: Database) -> None:
    user = make_user()
    await asked_about(user, steps)
    await user.press("« Indietro")
    assert "Scriva il <b>nome e cognome</b>" in user.last.markup
    assert await draft(db) == ("name", None, CF[0])
    reply = await user.send("Mario Rosi")  # still not the code's: asked again, for this name
    assert reply.text.startswith(ASKED.format(name="Mario Rosi"))
    await user.press("« Indietro")
    reply = await user.send("Mario Rossi")  # the code's: taken with it
    assert reply.text.startswith(NOTE_STEP)
    assert await draft(db) == ("note", CF[0], None)
    await steps.choose(user, "skip")
    assert "Nome: Mario Rossi" in user.last.text
    assert "Codice fiscale: RSSMRA*******90L" in user.last.text
    await steps.choose(user, "ok")
    assert await rows(db, "SELECT name, codice_fiscale FROM bookings") == [
        ("Mario Rossi", CF[0])]
    no_errors(user)


async def test_going_back_before_the_name_forgets_the_code(make_user: UserFactory,
                                                           steps: Steps, db: Database) -> None:
    user = make_user()
    await asked_about(user, steps)
    await user.press("« Indietro")
    await user.press("« Indietro")  # to the times
    assert await draft(db) == ("time", None, None)
    no_errors(user)


async def test_a_forged_or_stale_both_are_right_is_refused(make_user: UserFactory,
                                                           steps: Steps, db: Database) -> None:
    user = make_user()
    await steps.to_name(user)
    await user.send("Mario Rossi")
    step = user.last
    both = data_ending(step, ":back").replace(":back", ":cfok")
    for forged in (both, f"{both}:00000000", f"{both}:{CF[1]}"):  # nothing in doubt
        assert await user.press_data(forged, step) == INVALID
        assert await draft(db) == ("codice_fiscale", None, None)

    await user.send("Ada Lovelace")  # not a code: refused, nothing in doubt
    await user.press("« Indietro")
    await user.send("Ada Lovelace")
    asked = await user.send(CF[0])
    both = asked.button("Sono giusti entrambi")["callback_data"]
    await user.send("/annulla")
    assert await user.press_data(both, asked) == INVALID
    assert "Quella conversazione è conclusa." in user.last.text
    assert await rows(db, "SELECT count(*) FROM drafts") == [(0,)]

    await asked_about(user, steps)
    asked = user.last
    both = asked.button("Sono giusti entrambi")["callback_data"]
    for forged in (both.rsplit(":", 1)[0], f"{both[:-8]}00000000", f"{both[:-8]}{CF[0]}"):
        assert await user.press_data(forged, asked) == INVALID  # not the pair on screen
        assert await draft(db) == ("codice_fiscale", None, CF[0])
    await user.send("/prenota")  # a new conversation: the old one's buttons are stale
    assert await user.press_data(both, asked) == INVALID
    assert await rows(db, "SELECT count(*) FROM bookings") == [(0,)]
    assert (await draft(db))[0] == "category"
    no_errors(user)
