"""Nothing of the operator side leaks to anyone else: every operator command and button gets
exactly the answer to an unknown command, and changes nothing."""

from __future__ import annotations

import pytest
from telegram.ext import Application

from bot.app import prepare
from bot.testing.local_api import LocalBotAPI
from bot.testing.local_user import LocalUser
from handlers.operator_access import ADMIN_COMMANDS, OPERATOR_COMMANDS
from storage.db import Database
from tests.conftest import NOW
from tests.handlers.operators.conftest import ADMIN, OPERATOR
from tests.seed import book, value

COMMANDS = [f"/{name}" for c in OPERATOR_COMMANDS + ADMIN_COMMANDS for name in c.names]
FORGED_BUTTONS = ["op:ag:20261126:*:0", "op:dc:20261126", "op:dk:S01", "op:v:in:1",
                  "op:v:end:1", "op:x:1", "op:xk:1", "op:n", "op:a:s:cie", "op:a:ok",
                  "op:c:ok", "op:r:1", "op:rm:600", "op:stop"]


async def _unknown_reply(user: LocalUser) -> tuple[str, list[str]]:
    reply = await user.send("/nosuchcommand")
    return reply.text, reply.buttons()


@pytest.mark.parametrize("command", [*COMMANDS, "/agenda domani S01", "/close 3/12 Sciopero",
                                     "/calibrate cie 40", "/export 1/11-30/11", "/b1"])
async def test_a_stranger_gets_the_unknown_command_answer(
        stranger: LocalUser, api: LocalBotAPI, command: str) -> None:
    expected = await _unknown_reply(stranger)
    before = len(stranger.messages)
    reply = await stranger.send(command)
    assert (reply.text, reply.buttons()) == expected
    assert len(stranger.messages) == before + 1
    assert not [call for call in api.calls if call[0] in ("sendDocument", "sendPhoto")]


@pytest.mark.parametrize("data", FORGED_BUTTONS)
async def test_a_stranger_pressing_forged_buttons_gets_the_same_and_changes_nothing(
        stranger: LocalUser, db: Database, office, data: str) -> None:
    booking = await book(db, office, "cie", NOW.replace(hour=10), NOW)
    await stranger.send("/start")
    expected_toast = await stranger.press_data("zz:garbage", stranger.last)
    expected = (stranger.last.text, stranger.last.buttons())
    toast = await stranger.press_data(data, stranger.last)
    assert (toast, stranger.last.text, stranger.last.buttons()) == (expected_toast, *expected)
    assert await value(db, "SELECT status FROM bookings WHERE id = ?", booking) == "booked"
    assert await value(db, "SELECT count(*) FROM closures") == 0
    assert await value(db, "SELECT count(*) FROM audit") == 0


@pytest.mark.parametrize("command", [f"/{c.en}" for c in ADMIN_COMMANDS])
async def test_an_operator_is_told_administrator_commands_are_not_theirs(
        operator: LocalUser, command: str) -> None:
    reply = await operator.send(command)
    assert "Solo un amministratore" in reply.text


def menus(api: LocalBotAPI) -> dict[int | None, list[str]]:
    """The command names last set for each chat (None: the menu of everyone else)."""
    found: dict[int | None, list[str]] = {}
    for method, params in api.calls:
        if method == "setMyCommands" and not params.get("language_code"):
            chat = params["scope"]["chat_id"] if "scope" in params else None
            found[chat] = [command["command"] for command in params["commands"]]
    return found


async def test_at_start_up_each_operator_gets_their_menu_and_nobody_else(
        app: Application, api: LocalBotAPI, operator: LocalUser) -> None:
    api.calls.clear()
    await prepare(app)
    found = menus(api)
    assert {"agenda", "prossimo", "invita", "calibra", "prenota"} <= set(found[ADMIN])
    assert {"agenda", "prossimo", "prenota"} <= set(found[OPERATOR])
    assert "invita" not in found[OPERATOR]
    assert "agenda" not in found[None]
    assert set(found) == {None, ADMIN, OPERATOR}


async def test_a_menu_refused_does_not_stop_the_bot(
        app: Application, api: LocalBotAPI, operator: LocalUser) -> None:
    api.refused.add("setMyCommands")
    await prepare(app)
    reply = await operator.send("/agenda")
    assert "Agenda" in reply.text
