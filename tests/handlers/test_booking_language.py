"""The language a citizen is answered in (from the client, then /language, remembered), and the
command menu set per language at start-up, by a Bot API that may refuse it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.app import build_application, prepare
from bot.domain.model import Office
from bot.testing.clock import FakeClock
from bot.testing.local_api import LocalBotAPI
from bot.testing.local_user import LocalUser
from storage.db import Database
from tests.conftest import UserFactory
from tests.handlers.conftest import Steps
from tests.seed import rows


@pytest.mark.parametrize(("code", "welcome"), [
    ("it", "Benvenuto allo Sportello Unico"), ("it-IT", "Benvenuto allo Sportello Unico"),
    (None, "Benvenuto allo Sportello Unico"), ("en", "Welcome to Sportello Unico"),
    ("de", "Welcome to Sportello Unico"), ("fr", "Welcome to Sportello Unico"),
])
async def test_the_clients_language_or_italian(make_user: UserFactory, code: str | None,
                                               welcome: str) -> None:
    user = make_user(language_code=code)
    assert (await user.send("/start")).text.startswith(welcome)


async def test_language_switches_and_is_remembered(make_user: UserFactory, steps: Steps,
                                                   db: Database) -> None:
    user = make_user(language_code="it")
    reply = await user.send("/lingua")
    assert reply.text == "Scelga la lingua:"
    assert reply.buttons() == ["Italiano", "English"]
    await user.press("English")
    assert user.last.text.startswith("From now on I will write in English.\n\n/book")
    assert await rows(db, "SELECT lang FROM citizens") == [("en",)]

    await steps.to_days(user)
    assert "Choose a day (✖ closed, ▪ full):" in user.last.text
    assert "Fri 27 Nov" in user.last.buttons()
    assert (await user.send("/help")).text.startswith("/book — book an appointment")

    await user.send("/language")
    await user.press("Italiano")
    assert user.last.text.startswith("D'ora in poi scriverò in italiano.\n\n/prenota")
    assert (await user.send("/aiuto")).text.startswith("/prenota — prenota un appuntamento")


async def test_both_languages_commands_work_in_either_language(make_user: UserFactory) -> None:
    user = make_user(language_code="en")
    assert "What is it about?" in (await user.send("/prenota")).text
    reply = await user.send("/nonesiste")
    assert reply.text.startswith("I don't know that command. This is what I can do:")


def menus(api: LocalBotAPI) -> dict[str | None, list[str]]:
    found = {}
    for method, params in api.calls:
        if method == "setMyCommands":
            commands = json.loads(params["commands"]) if isinstance(
                params["commands"], str) else params["commands"]
            found[params.get("language_code")] = [c["command"] for c in commands]
    return found


async def test_the_command_menu_in_each_language(make_user: UserFactory,
                                                 api: LocalBotAPI) -> None:
    assert menus(api) == {
        None: ["prenota", "appuntamenti", "attesa", "lingua", "privacy", "cancelladati",
               "annulla", "aiuto"],
        "it": ["prenota", "appuntamenti", "attesa", "lingua", "privacy", "cancelladati",
               "annulla", "aiuto"],
        "en": ["book", "mybookings", "waitlist", "language", "privacy", "deletemydata", "cancel",
               "help"],
    }
    [english] = [p for m, p in api.calls if m == "setMyCommands" and p.get("language_code")
                 == "en"]
    assert "book an appointment" in str(english["commands"])


async def test_a_bot_api_that_refuses_the_menu_does_not_stop_the_bot(
        office: Office, tmp_path: Path, clock: FakeClock) -> None:
    api = LocalBotAPI()
    api.refused = {"setMyCommands"}
    db = await Database.open(tmp_path / "menu.db")
    try:
        async with build_application(office, db, request=api, clock=clock) as application:
            await prepare(application)
            assert [m for m, _ in api.calls].count("setMyCommands") == 3  # each one tried
            reply = await LocalUser(api, application, 1001).send("/start")
            assert reply.text.startswith("Benvenuto")
    finally:
        await db.close()
