"""Keeping the database tidy: expired holds, and abandoned conversations (citizens' and
operators'). Personal data past its retention period: bot/services/erasure.py."""

from __future__ import annotations

from bot.domain.model import to_ts
from bot.services.scope import Scope
from storage import drafts, holds

FORGET_AFTER = 24 * 3600
"""An abandoned booking conversation is kept this long after its timeout, so that a citizen who
comes back is told it expired rather than meeting a stranger's silence."""


async def tidy(deps: Scope) -> None:
    now = to_ts(deps.clock.now())
    timeout = deps.office.rules.conversation_timeout_minutes * 60
    await deps.db.write(holds.purge_expired, now)
    await deps.db.write(drafts.purge_stale, now - timeout, now - timeout - FORGET_AFTER)
