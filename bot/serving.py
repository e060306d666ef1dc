"""`sportello serve`: the bot behind a webhook, in N worker processes sharing one socket.

The parent process checks the settings and the office file, applies the database's migrations,
registers the webhook with Telegram (its URL, the secret token, the update types handled), then
binds the socket and lets uvicorn start the workers, each one `bot.webhook.from_environment()`;
uvicorn replaces a worker that dies. Several machines behind one nginx each run one
`sportello serve` on the shared PostgreSQL database: every guarantee lives in the database.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from telegram import Bot
from telegram.error import TelegramError

from bot import logs
from bot.app import UPDATE_TYPES
from bot.config import load_office
from bot.config_reader import ConfigError, Placeholder
from bot.metrics import MULTIPROCESS_DIR
from bot.settings import Settings, read_settings
from bot.worker import Tuning
from storage.db import Database

TELEGRAM_RATE = 30
"""Messages a second Telegram allows a bot, shared by all the workers."""
RESERVED_PATHS = ("/healthz", "/metrics")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
ENVIRONMENT = "<environment>"


@dataclass(frozen=True)
class WebhookSettings:
    url: str
    """Where Telegram posts the updates; its path is the one served."""
    secret: str = field(repr=False)
    host: str
    port: int
    workers: int
    tuning: Tuning

    @property
    def path(self) -> str:
        return urlsplit(self.url).path or "/"


def derived_secret(token: str) -> str:
    """The secret token when none is configured: the same on every machine that has the bot's
    token, and unguessable without it."""
    return hmac.new(token.encode(), b"sportello webhook secret", hashlib.sha256).hexdigest()


def _number(environ: Mapping[str, str], name: str, default: float, least: float, most: float,
            *, whole: bool = False) -> float:
    text = environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text) if whole else float(text)
    except ValueError:
        value = None
    if value is None or not least <= value <= most:
        kind = "a whole number" if whole else "a number"
        raise ConfigError(ENVIRONMENT, name, text, f"expected {kind} from {least:g} to {most:g}")
    return value


def _url(environ: Mapping[str, str]) -> str:
    name = "SPORTELLO_WEBHOOK_URL"
    url = environ.get(name, "").strip()
    if not url:
        raise ConfigError(ENVIRONMENT, name, Placeholder("<missing>"),
                          "required: the https URL at which Telegram reaches the webhook")
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment:
        raise ConfigError(ENVIRONMENT, name, url, "expected https://host/path (Telegram posts "
                                                  "only to https), without ?query or #fragment")
    if (parts.path or "/") in RESERVED_PATHS:
        raise ConfigError(ENVIRONMENT, name, url, f"the path {parts.path} is taken: choose "
                                                  "another, e.g. /telegram")
    return url


def read_webhook_settings(environ: Mapping[str, str], token: str, *, workers: int | None = None,
                          host: str | None = None, port: int | None = None) -> WebhookSettings:
    """From the environment; `workers`, `host`, `port` (the command line's) take precedence."""
    secret = environ.get("SPORTELLO_WEBHOOK_SECRET", "") or derived_secret(token)
    if not _SECRET.match(secret):
        raise ConfigError(ENVIRONMENT, "SPORTELLO_WEBHOOK_SECRET", Placeholder("<not shown>"),
                          "1 to 256 letters, digits, _ or - (Telegram's rule)")
    if workers is not None and not 1 <= workers <= 64:
        raise ConfigError("<command line>", "--workers", workers, "expected 1 to 64")
    if port is not None and not 1 <= port <= 65535:
        raise ConfigError("<command line>", "--port", port, "expected 1 to 65535")
    count = workers or int(_number(environ, "SPORTELLO_WORKERS", 1, 1, 64, whole=True))
    tuning = Tuning(
        lease_seconds=_number(environ, "SPORTELLO_LEASE_SECONDS", Tuning.lease_seconds, 2, 600),
        send_rate=int(_number(environ, "SPORTELLO_SEND_RATE", TELEGRAM_RATE // count, 0,
                              TELEGRAM_RATE, whole=True)),
    )
    return WebhookSettings(
        url=_url(environ), secret=secret,
        host=host or environ.get("SPORTELLO_HOST", "").strip() or "127.0.0.1",
        port=port or int(_number(environ, "SPORTELLO_PORT", 8080, 1, 65535, whole=True)),
        workers=count, tuning=tuning)


async def register(bot: Bot, web: WebhookSettings) -> None:
    """Tell Telegram where to post, with which secret, which updates."""
    async with bot:
        await bot.set_webhook(web.url, secret_token=web.secret,
                              allowed_updates=list(UPDATE_TYPES))


async def _prepare(settings: Settings, web: WebhookSettings) -> None:
    db = await Database.open(settings.database)  # migrated once, before N workers open it
    await db.close()
    assert settings.token is not None
    base = settings.api_base_url or "https://api.telegram.org"
    await register(Bot(settings.token, base_url=f"{base.rstrip('/')}/bot"), web)


def _metrics_folder(workers: int) -> Path | None:
    """With several workers, each writes its counts to files in one folder (emptied at start),
    for whichever answers /metrics to add up; a folder made here is removed at the end."""
    if workers == 1:
        return None
    given = os.environ.get(MULTIPROCESS_DIR)
    if given:
        for stale in Path(given).glob("*.db"):
            stale.unlink()
        return None
    made = Path(tempfile.mkdtemp(prefix="sportello-metrics-"))
    os.environ[MULTIPROCESS_DIR] = str(made)
    return made


def serve(args: argparse.Namespace) -> int:
    import uvicorn  # only this command needs it

    settings = read_settings()
    if not settings.token:
        print("TELEGRAM_BOT_TOKEN is not set: the webhook cannot be registered.", file=sys.stderr)
        return 2
    web = read_webhook_settings(os.environ, settings.token, workers=args.workers,
                                host=args.host, port=args.port)
    logs.configure(settings.log_level, settings.token)
    load_office(settings.config_path)  # a mistake in it: one line here, not one per worker
    try:
        asyncio.run(_prepare(settings, web))
    except TelegramError as error:
        print(f"setWebhook failed: {error}".replace(settings.token, "<token>"), file=sys.stderr)
        return 1
    os.environ["SPORTELLO_WORKERS"] = str(web.workers)  # the workers read the settings again
    made = _metrics_folder(web.workers)
    try:
        uvicorn.run("bot.webhook:from_environment", factory=True, host=web.host, port=web.port,
                    workers=web.workers, log_config=None, access_log=False, lifespan="on",
                    timeout_graceful_shutdown=30)
    finally:
        if made:
            shutil.rmtree(made, ignore_errors=True)
    return 0
