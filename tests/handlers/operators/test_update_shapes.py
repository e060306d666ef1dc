"""Staff meet every update shape too: an edited command, detail link, name or reason is never
read twice nor an error; arguments echoed and listings of any length fit Telegram's messages."""

from __future__ import annotations

import json

from bot.domain.model import Office, to_ts
from bot.services.invites import token_hash
from bot.testing.clock import FakeClock
from bot.testing.local_api import LocalBotAPI
from bot.testing.local_user import LocalUser
from storage import operators
from storage.db import Database
from tests.conftest import NOW
from tests.handlers.conftest import no_errors
from tests.handlers.operators.conftest import ADMIN
from tests.handlers.test_update_shapes import EDITED
from tests.seed import book, rows, value

LONG = "x" * 4000


async def test_an_edited_closure_command_closes_nothing(operator: LocalUser,
                                                        db: Database) -> None:
    preview = await operator.send("/chiudi 27/11 prova")
    assert (await operator.edit("/chiudi 28/11 prova")).text == EDITED
    assert await value(db, "SELECT count(*) FROM closures") == 0
    await operator.press("Chiudi", preview)  # the preview of what was sent still works
    assert await rows(db, "SELECT first_day, reason FROM closures") == [("2026-11-27", "prova")]
    no_errors(operator)


async def test_an_edited_detail_link_name_or_reason_is_answered(
        operator: LocalUser, db: Database, office: Office) -> None:
    booking = await book(db, office, "cie", NOW.replace(hour=11), NOW, user_id=1001)
    shown = await operator.send(f"/b{booking}")
    assert (await operator.edit(f"/b{booking + 1}")).text == EDITED

    await operator.press("Annulla la prenotazione", shown)
    await operator.send("Guasto")
    assert (await operator.edit("Guasto allo sportello")).text == EDITED
    assert json.loads(str(await value(db, "SELECT data FROM drafts WHERE party = 'staff'"))
                      )["reason"] == "Guasto"
    await operator.send("/aggiungi")
    await operator.press("Carta d'identità elettronica — ritiro")
    await operator.press("gio 26 nov")
    await operator.press("12:00")
    await operator.send("Ada Lovelace")
    assert (await operator.edit("Ada Byron")).text == EDITED
    assert json.loads(str(await value(db, "SELECT data FROM drafts WHERE party = 'staff'"))
                      )["name"] == "Ada Lovelace"
    no_errors(operator)


async def test_long_arguments_are_echoed_clipped(operator: LocalUser) -> None:
    for command in ("/agenda", "/statistiche", "/esporta"):
        reply = await operator.send(f"{command} {LONG}")
        assert "x" * 39 + "…" in reply.text, command
        assert "x" * 41 not in reply.text
        assert len(reply.text) < 1000
    no_errors(operator)


async def test_sixty_operators_with_long_names_are_listed_in_messages_that_fit(
        admin: LocalUser, db: Database, clock: FakeClock, api: LocalBotAPI) -> None:
    now = to_ts(clock.now())
    for n in range(60):
        await db.write(operators.invite, token_hash(f"t{n}"), ADMIN, now, now + 3600)
        await db.write(operators.redeem, token_hash(f"t{n}"), 10_000 + n,
                       f"Operatrice {n:02d} " + "Ж" * 50, now)
    before = len(admin.messages)
    await admin.send("/operatori")
    listing = admin.messages[before:]
    assert len(listing) == 2
    assert "Operatrice 00" in listing[0].text
    assert "Operatrice 59" in listing[1].text
    assert listing[0].keyboard == []
    assert len(listing[1].buttons()) == 60
    await admin.press("✕ Operatrice 00", listing[1])  # the listing again, in that one message
    assert listing[1].text.endswith("… il resto è troppo lungo per essere mostrato qui.")
    assert "Operatrice 00" not in listing[1].text
    assert len(listing[1].buttons()) == 59
    no_errors(admin)
