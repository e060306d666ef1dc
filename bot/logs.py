"""Logging that never shows the bot token."""

from __future__ import annotations

import logging

from bot.config_reader import ConfigError

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then replaces the token wherever it appears, tracebacks included."""

    def __init__(self, token: str | None) -> None:
        super().__init__(FORMAT)
        self.token = token

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return text.replace(self.token, "<token>") if self.token else text


def configure(level: str, token: str | None) -> None:
    if level not in logging.getLevelNamesMapping():
        raise ConfigError("<environment>", "SPORTELLO_LOG_LEVEL", level,
                          "expected DEBUG, INFO, WARNING or ERROR")
    logging.basicConfig(level=level)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(RedactingFormatter(token))
    # httpx logs every request URL at INFO, and the URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
