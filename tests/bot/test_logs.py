"""The bot token never reaches a log line, tracebacks included."""

from __future__ import annotations

import io
import logging

import pytest

from bot.cli import EXIT_CONFIG, main
from bot.logs import RedactingFormatter

TOKEN = "123456789:secret-token-for-the-test"


def test_the_token_is_redacted_from_messages_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter(TOKEN))
    log = logging.getLogger("test.redaction")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning("POST https://api.telegram.org/bot%s/getUpdates", TOKEN)
        try:
            raise RuntimeError(f"connection to /bot{TOKEN}/sendMessage failed")
        except RuntimeError:
            log.exception("request failed")
    finally:
        log.removeHandler(handler)
    output = stream.getvalue()
    assert TOKEN not in output
    assert "bot<token>/getUpdates" in output
    assert "RuntimeError: connection to /bot<token>/sendMessage failed" in output


def test_run_without_a_token_says_what_to_do(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["run"]) == EXIT_CONFIG
    error = capsys.readouterr().err
    assert "TELEGRAM_BOT_TOKEN is not set" in error
    assert "sportello console" in error
    assert "Traceback" not in error


def test_an_unknown_log_level_is_one_line_not_a_traceback(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SPORTELLO_LOG_LEVEL", "verbose")
    assert main(["run"]) == EXIT_CONFIG
    error = capsys.readouterr().err
    assert error == ("<environment>: SPORTELLO_LOG_LEVEL = 'VERBOSE': expected DEBUG, INFO, "
                     "WARNING or ERROR\n")
