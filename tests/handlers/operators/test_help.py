"""Staff see their commands in /start and /help; their menu follows the language they choose."""

from __future__ import annotations

from bot.testing.local_api import LocalBotAPI
from bot.testing.local_user import LocalUser
from tests.handlers.operators.conftest import OPERATOR


def menu_of(api: LocalBotAPI, chat_id: int) -> list[str]:
    """The commands last set for the chat's own menu."""
    found = [params for method, params in api.calls
             if method == "setMyCommands" and params.get("scope", {}).get("chat_id") == chat_id]
    assert found, f"no menu set for chat {chat_id}"
    return [command["command"] for command in found[-1]["commands"]]


async def test_operators_see_their_commands_in_start_and_help(operator: LocalUser) -> None:
    welcome = (await operator.send("/start")).text
    assert "/prenota" in welcome
    assert "Per gli operatori dello sportello" in welcome
    assert "/agenda" in welcome
    assert "/sala" in welcome
    assert "/invita" not in welcome
    helped = (await operator.send("/aiuto")).text
    assert "/prossimo" in helped
    assert "/chiudi" in helped


async def test_administrators_see_theirs_too(admin: LocalUser) -> None:
    helped = (await admin.send("/help")).text
    assert "Per gli amministratori" in helped
    assert "/invita" in helped
    assert "/calibra" in helped


async def test_citizens_see_only_theirs(stranger: LocalUser) -> None:
    welcome = (await stranger.send("/start")).text
    assert "/prenota" in welcome
    assert "/agenda" not in welcome
    assert "operatori" not in (await stranger.send("/aiuto")).text


async def test_the_operator_menu_follows_the_language(operator: LocalUser,
                                                      api: LocalBotAPI) -> None:
    await operator.send("/lingua")
    await operator.press("English")
    assert "From now on I will write in English." in operator.last.text
    assert menu_of(api, OPERATOR)[:3] == ["agenda", "room", "next"]
    await operator.send("/language")
    await operator.press("Italiano")
    assert menu_of(api, OPERATOR)[:3] == ["agenda", "sala", "prossimo"]
    assert "Per gli operatori dello sportello" in (await operator.send("/help")).text


async def test_in_english_the_staff_part_is_english(operator: LocalUser) -> None:
    await operator.send("/lingua")
    await operator.press("English")
    helped = (await operator.send("/help")).text
    assert "For the counter's operators" in helped
    assert "/room — the waiting room now, desk by desk" in helped
