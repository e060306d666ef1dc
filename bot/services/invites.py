"""Invitations that register an operator: a single-use token in a deep link to the bot.

Only the token's SHA-256 is stored; the link itself is shown once, to whoever created it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from bot.domain.model import to_ts
from storage import operators
from storage.db import Database

PREFIX = "op_"
"""Telegram passes `start=op_<token>` to the bot as `/start op_<token>`."""
LIFETIME = timedelta(hours=48)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username}?start={PREFIX}{token}"


async def create(db: Database, by: int, now: datetime) -> tuple[str, datetime]:
    """A new invitation from `by` (0: the command line): its token and when it expires."""
    token = secrets.token_urlsafe(24)  # 32 characters of [A-Za-z0-9_-], as deep links allow
    expires = now + LIFETIME
    await db.write(operators.invite, token_hash(token), by, to_ts(now), to_ts(expires))
    return token, expires
