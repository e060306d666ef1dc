"""Erasing personal data, so that it is gone from the disk too: each erasure (a citizen's
/deletemydata, an administrator's for one person, the retention purge) is one transaction, then
the WAL is truncated. With `secure_delete` (storage/db.py) the database file holds zeros where
the data was, and the truncated WAL holds nothing; before that, the WAL kept every version."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.domain.model import to_ts
from bot.services.scope import Scope
from storage import bookings, privacy
from storage.engine import Connection
from storage.privacy import Erased

log = logging.getLogger(__name__)


def _erase_citizen(conn: Connection, user_id: int, now: int) -> int:
    """Cancel the citizen's future bookings and erase everything that identifies them; the
    bookings stay, anonymous, for the counts. Return how many bookings were cancelled."""
    future = privacy.future_bookings(conn, user_id, now)
    for booking_id in future:
        bookings.cancel(conn, booking_id, now, by="erasure")
    privacy.erase_identity(conn, user_id, now)
    return len(future)


async def _scrub(deps: Scope) -> None:
    if not await deps.db.scrub():
        log.warning("erasure: another reader kept the WAL; it is emptied at the next erasure")


async def erase_citizen(deps: Scope, user_id: int) -> int:
    """/deletemydata: the citizen's future bookings cancelled, everything identifying them
    erased; how many bookings were cancelled."""
    cancelled = await deps.db.write(_erase_citizen, user_id, to_ts(deps.clock.now()))
    await _scrub(deps)
    return cancelled


async def erase_person(deps: Scope, booking_id: int, actor: int) -> Erased | None:
    """An administrator's erasure of the person a booking is for (every booking with the same
    codice fiscale); None when there is no such booking."""
    erased = await deps.db.write(privacy.erase_person, booking_id, actor,
                                 to_ts(deps.clock.now()))
    if erased is not None:
        await _scrub(deps)
    return erased


async def purge_expired(deps: Scope) -> int:
    """Names, codici fiscali and notes past the retention period; how many bookings."""
    now = deps.clock.now()
    before = now - timedelta(days=deps.office.rules.retention_days)
    purged = await deps.db.write(privacy.purge_older_than, to_ts(before), to_ts(now))
    log.info("retention: personal data erased from %d bookings", purged)
    if purged:
        await _scrub(deps)
    return purged
