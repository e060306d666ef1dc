"""`sportello serve`: its settings, each mistake one line, and the webhook it registers."""

from __future__ import annotations

import pytest
from telegram import Bot

from bot.cli import EXIT_CONFIG, main
from bot.config import ConfigError
from bot.serving import derived_secret, read_webhook_settings, register
from bot.testing.local_api import OFFLINE_TOKEN, LocalBotAPI

URL = "https://sportello.example.it/telegram"


def test_the_settings_and_their_defaults() -> None:
    web = read_webhook_settings({"SPORTELLO_WEBHOOK_URL": URL}, "1:abc")
    assert (web.path, web.host, web.port, web.workers) == ("/telegram", "127.0.0.1", 8080, 1)
    assert web.secret == derived_secret("1:abc") != derived_secret("1:abd")
    assert (web.tuning.lease_seconds, web.tuning.send_rate) == (10, 30)
    assert web.secret not in repr(web)
    four = read_webhook_settings({"SPORTELLO_WEBHOOK_URL": URL, "SPORTELLO_WORKERS": "4",
                                  "SPORTELLO_WEBHOOK_SECRET": "s-1", "SPORTELLO_PORT": "9000",
                                  "SPORTELLO_LEASE_SECONDS": "5"}, "1:abc")
    assert (four.workers, four.secret, four.port, four.tuning.lease_seconds) == (4, "s-1", 9000, 5)
    assert four.tuning.send_rate == 7  # Telegram's 30 a second, shared
    told = read_webhook_settings({"SPORTELLO_WEBHOOK_URL": URL, "SPORTELLO_WORKERS": "4"},
                                 "1:abc", workers=2, host="0.0.0.0", port=81)
    assert (told.workers, told.host, told.port, told.tuning.send_rate) == (2, "0.0.0.0", 81, 15)


@pytest.mark.parametrize(("environment", "expected"), [
    ({}, "<environment>: SPORTELLO_WEBHOOK_URL = <missing>: required"),
    ({"SPORTELLO_WEBHOOK_URL": "http://sportello.example.it/t"},
     "SPORTELLO_WEBHOOK_URL = 'http://sportello.example.it/t': expected https://host/path"),
    ({"SPORTELLO_WEBHOOK_URL": "https://sportello.example.it/metrics"}, "the path /metrics is"),
    ({"SPORTELLO_WEBHOOK_URL": URL, "SPORTELLO_WORKERS": "many"},
     "SPORTELLO_WORKERS = 'many': expected a whole number from 1 to 64"),
    ({"SPORTELLO_WEBHOOK_URL": URL, "SPORTELLO_WORKERS": "0"}, "from 1 to 64"),
    ({"SPORTELLO_WEBHOOK_URL": URL, "SPORTELLO_PORT": "70000"}, "from 1 to 65535"),
    ({"SPORTELLO_WEBHOOK_URL": URL, "SPORTELLO_LEASE_SECONDS": "1"}, "from 2 to 600"),
    ({"SPORTELLO_WEBHOOK_URL": URL, "SPORTELLO_SEND_RATE": "31"}, "from 0 to 30"),
    ({"SPORTELLO_WEBHOOK_URL": URL, "SPORTELLO_SEND_RATE": "nan"}, "from 0 to 30"),
    ({"SPORTELLO_WEBHOOK_URL": URL, "SPORTELLO_WEBHOOK_SECRET": "with space"},
     "SPORTELLO_WEBHOOK_SECRET = <not shown>: 1 to 256 letters"),
])
def test_each_mistake_is_one_line(environment: dict[str, str], expected: str) -> None:
    with pytest.raises(ConfigError) as raised:
        read_webhook_settings(environment, "1:abc")
    assert expected in str(raised.value)
    assert "\n" not in str(raised.value)


def test_serve_says_what_is_wrong_in_one_line(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:abc")
    monkeypatch.delenv("SPORTELLO_WEBHOOK_URL", raising=False)
    assert main(["serve", "--workers", "2"]) == EXIT_CONFIG
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "SPORTELLO_WEBHOOK_URL" in error
    monkeypatch.setenv("SPORTELLO_WEBHOOK_URL", URL)
    for wrong in ("0", "65"):
        assert main(["serve", "--workers", wrong]) == EXIT_CONFIG
        assert f"--workers = {wrong}: expected 1 to 64" in capsys.readouterr().err


async def test_the_webhook_is_registered_with_its_secret_and_update_types() -> None:
    api = LocalBotAPI()
    web = read_webhook_settings({"SPORTELLO_WEBHOOK_URL": URL}, OFFLINE_TOKEN)
    await register(Bot(OFFLINE_TOKEN, request=api, get_updates_request=api), web)
    [params] = [params for name, params in api.calls if name == "setWebhook"]
    assert params["url"] == URL
    assert params["secret_token"] == web.secret
    assert params["allowed_updates"] == ["message", "callback_query"]
