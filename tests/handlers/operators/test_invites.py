"""Becoming an operator: an administrator's single-use, expiring invitation; /operators."""

from __future__ import annotations

import re

from bot import cli
from bot.testing.clock import FakeClock
from bot.testing.local_api import LocalBotAPI
from bot.testing.local_user import LocalUser
from storage.db import Database
from tests.conftest import UserFactory
from tests.handlers.operators.conftest import ADMIN, OPERATOR
from tests.seed import rows, value

LINK = re.compile(r"https://t\.me/SportelloBot\?start=(op_[A-Za-z0-9_-]+)")


async def invitation(admin: LocalUser) -> str:
    reply = await admin.send("/invita")
    found = LINK.search(reply.text)
    assert found, reply.text
    return found[1]


async def test_an_invited_person_registers_once_and_sees_the_operator_commands(
        admin: LocalUser, make_user: UserFactory, db: Database, api: LocalBotAPI) -> None:
    payload = await invitation(admin)
    newcomer = make_user(801, first_name="Nadia")
    reply = await newcomer.send(f"/start {payload}")
    assert "Benvenuto, Nadia" in reply.text
    assert "/agenda" in reply.text
    assert "/invita" not in reply.text
    assert (await newcomer.send("/agenda")).text.startswith("Agenda")
    stored = await rows(db, "SELECT token_hash, used_by FROM invites")
    assert len(stored) == 1
    assert payload.removeprefix("op_") not in stored[0][0]  # only the hash is kept
    assert stored[0][1] == 801
    menu = [params for method, params in api.calls
            if method == "setMyCommands" and params.get("scope", {}).get("chat_id") == 801]
    assert menu


async def test_an_invitation_works_only_once(admin: LocalUser, make_user: UserFactory,
                                             db: Database) -> None:
    payload = await invitation(admin)
    await make_user(801).send(f"/start {payload}")
    second = make_user(802)
    reply = await second.send(f"/start {payload}")
    assert "già stato usato" in reply.text
    assert await value(db, "SELECT count(*) FROM operators WHERE user_id = 802") == 0
    unknown = await second.send("/agenda")
    assert "Non conosco questo comando" in unknown.text


async def test_an_invitation_expires_after_two_days(admin: LocalUser, make_user: UserFactory,
                                                    clock: FakeClock, db: Database) -> None:
    payload = await invitation(admin)
    clock.advance(hours=48, seconds=1)
    reply = await make_user(801).send(f"/start {payload}")
    assert "non è valido o è scaduto" in reply.text
    assert await value(db, "SELECT count(*) FROM operators") == 0


async def test_a_made_up_invitation_is_refused(make_user: UserFactory, db: Database) -> None:
    reply = await make_user(801).send("/start op_madeup")
    assert "non è valido o è scaduto" in reply.text
    assert await value(db, "SELECT count(*) FROM operators") == 0


async def test_staff_opening_an_invitation_leave_it_for_the_invited(
        admin: LocalUser, operator: LocalUser, make_user: UserFactory) -> None:
    payload = await invitation(admin)
    assert "già parte del personale" in (await admin.send(f"/start {payload}")).text
    assert "già parte del personale" in (await operator.send(f"/start {payload}")).text
    assert "Benvenuto" in (await make_user(801).send(f"/start {payload}")).text


async def test_a_plain_start_is_still_the_welcome(make_user: UserFactory) -> None:
    assert "Benvenuto allo Sportello Unico" in (await make_user(801).send("/start")).text


async def test_the_administrator_lists_and_removes_an_operator(
        admin: LocalUser, operator: LocalUser, db: Database, api: LocalBotAPI) -> None:
    listing = await admin.send("/operatori")
    assert "Olga Operatrice" in listing.text
    assert str(ADMIN) in listing.text
    toast = await admin.press("Olga Operatrice")
    assert toast == "Rimosso: non è più operatore."
    assert "Olga" not in admin.last.text
    assert "Ancora nessun operatore" in admin.last.text
    assert ("deleteMyCommands", OPERATOR) in [
        (method, params.get("scope", {}).get("chat_id")) for method, params in api.calls]
    assert "Non conosco questo comando" in (await operator.send("/agenda")).text
    assert await rows(db, "SELECT actor, action, detail FROM audit WHERE action = "
                          "'remove_operator'") == [(ADMIN, "remove_operator", str(OPERATOR))]


async def test_removing_twice_is_harmless(admin: LocalUser, operator: LocalUser) -> None:
    listing = await admin.send("/operatori")
    await admin.press("Olga Operatrice", listing)
    assert await admin.press_data(f"op:rm:{OPERATOR}", listing) == "Già rimosso."


async def test_a_removed_operator_can_be_invited_again(
        admin: LocalUser, operator: LocalUser) -> None:
    await admin.send("/operatori")
    await admin.press("Olga Operatrice")
    payload = await invitation(admin)
    assert "Benvenuto" in (await operator.send(f"/start {payload}")).text
    assert (await operator.send("/agenda")).text.startswith("Agenda")


def test_the_command_line_prints_an_invitation(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("SPORTELLO_BOT_USERNAME", raising=False)
    assert cli.main(["invite", "--db", str(tmp_path / "s.db")]) == 2
    assert "--bot-username" in capsys.readouterr().err
    monkeypatch.setenv("SPORTELLO_BOT_USERNAME", "@SportelloBot")
    assert cli.main(["invite", "--db", str(tmp_path / "s.db")]) == 0
    printed = capsys.readouterr().out
    assert LINK.search(printed)
    assert "single use" in printed
