"""Jobs that keep the database tidy and lawful: expired holds, abandoned conversations (citizens'
and operators'), and personal data past its retention period."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.domain.model import to_ts
from bot.services.scope import Scope
from storage import drafts, holds, operator_drafts, privacy

log = logging.getLogger(__name__)
FORGET_AFTER = 24 * 3600
"""An abandoned booking conversation is kept this long after its timeout, so that a citizen who
comes back is told it expired rather than meeting a stranger's silence."""


async def purge_personal_data(deps: Scope) -> int:
    now = deps.clock.now()
    before = now - timedelta(days=deps.office.rules.retention_days)
    purged = await deps.db.write(privacy.purge_older_than, to_ts(before), to_ts(now))
    log.info("retention: personal data erased from %d bookings", purged)
    return purged


async def tidy(deps: Scope) -> None:
    now = to_ts(deps.clock.now())
    timeout = deps.office.rules.conversation_timeout_minutes * 60
    await deps.db.write(holds.purge_expired, now)
    await deps.db.write(drafts.purge_stale, now - timeout, now - timeout - FORGET_AFTER)
    await deps.db.write(operator_drafts.purge_stale, now - timeout)
