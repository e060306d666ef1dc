"""The outbox and the periodic jobs run in one worker at a time: the one holding the jobs' lease.

Every worker asks for the lease every quarter of its length (`beat`), on the database connection
kept for heartbeats (a busy pool does not delay it); the holder renews it, the others are refused
until it expires, so when the holder dies another takes over within a lease
and a beat. A lease row with a heartbeat, rather than PostgreSQL's advisory locks, works the same
on both engines, and says in the database who leads.

The holder acts only while its lease has at least half its length to run by its own clock
(`on_duty`): a worker that stalls (or loses the database) stops delivering before anyone else may
take over, with half a lease to spare for the clocks of two machines to differ. What it had in
flight when it died or stalled (one outbox message: bot/outbox.py sends one at a time) is put back
by the next holder, and may reach its citizen twice: the in-flight window.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from storage import leases
from storage.db import Database

log = logging.getLogger(__name__)


class Leadership:
    def __init__(self, db: Database, holder: str, lease_ms: int, now_ms: Callable[[], int], *,
                 gained: Callable[[], Awaitable[None]], lost: Callable[[], None]) -> None:
        self.db, self.holder, self.lease_ms, self.now_ms = db, holder, lease_ms, now_ms
        self._gained, self._lost = gained, lost
        self.leading = False
        """Whether the last beat found this worker holding the lease (and it took over)."""
        self._until = 0
        """When the lease runs out, by this worker's clock."""

    @property
    def interval(self) -> float:
        """Seconds between beats."""
        return self.lease_ms / 4000

    def on_duty(self) -> bool:
        return self.leading and self.now_ms() < self._until - self.lease_ms // 2

    async def beat(self) -> bool:
        """Take or renew the lease; on taking it, `gained()` (the outbox is recovered, the jobs
        resumed) before this worker is on duty; on losing it, `lost()`. Whether it holds it."""
        now = self.now_ms()
        held = await self.db.heartbeat(leases.take, leases.JOBS, self.holder, now,
                                       self.lease_ms)
        if held:
            self._until = now + self.lease_ms
            if not self.leading:
                log.info("%s takes over the outbox and the periodic jobs", self.holder)
                await self._gained()
                self.leading = True
        elif self.leading:
            log.warning("%s lost the jobs' lease: another worker has taken over", self.holder)
            self.leading = False
            self._lost()
        return held

    async def release(self) -> None:
        """At a clean stop: another worker may take over at its next beat, not a lease later."""
        if self.leading:
            self.leading = False
            self._lost()
            await self.db.heartbeat(leases.release, leases.JOBS, self.holder)
