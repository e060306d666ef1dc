"""What the process reads from its environment (the token, the database, the admins), validated.

Every mistake raises `ConfigError`, whose text is one line naming the variable and the value
(a password in a database URL shown as ***).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bot.config_reader import ConfigError
from storage.db import is_url


@dataclass(frozen=True)
class Settings:
    """What the process reads from its environment."""

    token: str | None
    config_path: Path | None
    db_path: Path
    api_base_url: str | None
    admins: tuple[int, ...]
    log_level: str
    database_url: str | None = None
    """PostgreSQL instead of the SQLite file at `db_path`."""

    @property
    def database(self) -> str | Path:
        """What `Database.open` takes: the PostgreSQL URL if set, else the SQLite file."""
        return self.database_url or self.db_path

    def __repr__(self) -> str:  # neither the token nor a password ever reaches a log line
        return (f"Settings(config={self.config_path}, db={_without_password(self.database)},"
                f" admins={self.admins})")


def _without_password(database: str | Path) -> str:
    parts = urlsplit(str(database))
    if not parts.password:
        return str(database)
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")).geturl()


def read_settings(environ: Mapping[str, str] = os.environ) -> Settings:
    admins_text = environ.get("SPORTELLO_ADMINS", "")
    try:
        admins = tuple(int(a) for a in admins_text.replace(",", " ").split())
    except ValueError:
        raise ConfigError("<environment>", "SPORTELLO_ADMINS", admins_text,
                          "expected Telegram user ids separated by commas") from None
    config = environ.get("SPORTELLO_CONFIG")
    base_url = environ.get("TELEGRAM_API_BASE_URL") or None
    if base_url is not None and not re.match(r"https?://[^/\s]+", base_url):
        raise ConfigError("<environment>", "TELEGRAM_API_BASE_URL", base_url,
                          "expected http://host[:port] or https://host[:port]")
    url = environ.get("SPORTELLO_DATABASE_URL") or None
    if url and not is_url(url):
        raise ConfigError("<environment>", "SPORTELLO_DATABASE_URL", _without_password(url),
                          "expected postgresql://user:password@host/database")
    return Settings(
        token=environ.get("TELEGRAM_BOT_TOKEN") or None,
        config_path=Path(config) if config else None,
        db_path=Path(environ.get("SPORTELLO_DB", "sportello.db")),
        api_base_url=base_url,
        admins=admins,
        log_level=environ.get("SPORTELLO_LOG_LEVEL", "INFO").upper(),
        database_url=url,
    )
