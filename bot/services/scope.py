"""What a service that runs on its own (not inside one caller's transaction) needs to reach."""

from __future__ import annotations

from typing import Protocol

from bot.domain.clock import Clock
from bot.domain.model import Office
from storage.db import Database


class Scope(Protocol):
    @property
    def db(self) -> Database: ...

    @property
    def office(self) -> Office: ...

    @property
    def clock(self) -> Clock: ...

    def nudge(self) -> None:
        """Messages were queued in the outbox for now: deliver them soon."""
