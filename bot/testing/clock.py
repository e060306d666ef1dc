"""A clock that tests move (the in-process Bot API is bot/testing/local_api.py)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta


class FakeClock:
    """A clock that moves only when the test says so."""

    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)

    def set(self, moment: datetime) -> None:
        self.current = moment

    def monotonic(self) -> float:
        """For bot.pacing.Pace: its waits move this clock instead of taking time."""
        return self.current.timestamp()

    async def sleep(self, seconds: float) -> None:
        """Moves the clock at once, and lets the other tasks run meanwhile."""
        self.advance(seconds=seconds)
        await asyncio.sleep(0)
