"""Jobs that keep the database tidy and lawful: expired holds, abandoned conversations (citizens'
and operators'), and personal data past its retention period."""

from __future__ import annotations

import logging
from datetime import time

from telegram.ext import JobQueue

from bot.context import Context, Deps
from bot.model import to_ts
from bot.services import privacy
from storage import drafts, holds, operator_drafts

log = logging.getLogger(__name__)
PURGE_AT = time(3, 0)
"""Office time: when nobody books."""
FORGET_AFTER = 24 * 3600
"""An abandoned booking conversation is kept this long after its timeout, so that a citizen who
comes back is told it expired rather than meeting a stranger's silence."""


async def tidy(deps: Deps) -> None:
    now = to_ts(deps.clock.now())
    timeout = deps.office.rules.conversation_timeout_minutes * 60
    await deps.db.write(holds.purge_expired, now)
    await deps.db.write(drafts.purge_stale, now - timeout, now - timeout - FORGET_AFTER)
    await deps.db.write(operator_drafts.purge_stale, now - timeout)


def schedule(jobs: JobQueue, deps: Deps) -> None:
    async def daily(context: Context) -> None:
        await privacy.purge_expired(context.deps)

    async def minutely(context: Context) -> None:
        await tidy(context.deps)

    jobs.run_daily(daily, PURGE_AT.replace(tzinfo=deps.office.tz), name="retention")
    jobs.run_repeating(minutely, interval=60, first=60, name="tidy")
