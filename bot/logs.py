"""Output that never shows the bot token: log records, tracebacks, warnings, whatever reaches
stdout or stderr while `sportello run` holds the token.

Three layers, since a token printed once is a token leaked: every log line is formatted by
RedactingFormatter; stdout and stderr are wrapped by RedactingStream (an exception printed by
Python itself, a thread's, a warning); bot/cli.py prints an unexpected crash's traceback through
them. What is replaced: the token, its secret part alone, and either percent-encoded.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO
from urllib.parse import quote

from bot.config_reader import ConfigError

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
HIDDEN = "<token>"


def redact(text: str, token: str | None) -> str:
    if not token:
        return text
    _, _, secret = token.partition(":")
    for form in (token, quote(token, safe=""), secret, quote(secret, safe="")):
        if len(form) >= 8:  # a part too short to be secret would blank innocent text
            text = text.replace(form, HIDDEN)
    return text


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then replaces the token wherever it appears, tracebacks included."""

    def __init__(self, token: str | None) -> None:
        super().__init__(FORMAT)
        self.token = token

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.token)


class RedactingStream:
    """A text stream that writes what it is given with the token replaced."""

    def __init__(self, stream: TextIO, token: str) -> None:
        self.stream, self.token = stream, token

    def write(self, text: str) -> int:
        self.stream.write(redact(text, self.token))
        return len(text)

    def __getattr__(self, name: str) -> object:  # flush, fileno, isatty, encoding, ...
        return getattr(self.stream, name)


@contextmanager
def protected(token: str) -> Iterator[None]:
    """While inside, whatever is written to stdout or stderr is redacted: Python's own printers
    of uncaught exceptions (sys.excepthook, threading.excepthook, unraisable exceptions) and
    traceback.print_exc look the streams up when they print, so they meet the wrappers.
    Warnings become log records, formatted like the rest."""
    saved = sys.stdout, sys.stderr
    sys.stdout = RedactingStream(sys.stdout, token)
    sys.stderr = RedactingStream(sys.stderr, token)
    logging.captureWarnings(True)
    try:
        yield
    finally:
        logging.captureWarnings(False)
        sys.stdout, sys.stderr = saved


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
    # the job queue tells of each job it schedules at INFO: noise at every start
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
