"""What every handler and job can reach: the dependencies, passed in, never imported globals.

`Deps` is frozen: a test replaces a collaborator by putting a `dataclasses.replace`d copy in
`Application.bot_data`, never by patching a module. What changes while the bot runs lives in a
collaborator of its own: the office's calibrated durations (`CurrentOffice`) and the outbox's
doorbell.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeAlias

from telegram import Update
from telegram.ext import Application, BaseHandler, CallbackContext, ExtBot, JobQueue

from bot.domain.clock import Clock
from bot.domain.model import Office
from bot.domain.statistics import Stats
from bot.i18n import I18n, Translator
from storage.db import Database

Chart = Callable[[Stats, Office, Translator], bytes]
"""/stats as a PNG (handlers/charts.py), when matplotlib is installed."""


class CurrentOffice:
    """The office as configured, with the durations an administrator recalibrated since."""

    def __init__(self, office: Office) -> None:
        self.office = office

    def replace(self, office: Office) -> None:
        self.office = office


class Doorbell:
    """Rung when messages were queued in the outbox for now: the outbox delivers them soon."""

    def __init__(self) -> None:
        self._listener: Callable[[], None] | None = None

    def connect(self, listener: Callable[[], None]) -> None:
        self._listener = listener

    def ring(self) -> None:
        if self._listener is not None:
            self._listener()


@dataclass(frozen=True)
class Deps:
    current: CurrentOffice
    db: Database
    i18n: I18n
    clock: Clock
    doorbell: Doorbell
    offers: Callable[[Deps], Awaitable[int]]
    """The waiting list's `offer_free_times` (bot/services/offers.py)."""
    chart: Chart | None

    @property
    def office(self) -> Office:
        return self.current.office

    def nudge(self) -> None:
        self.doorbell.ring()

    async def offer_free_times(self) -> int:
        """Offer freed desk time to those waiting; how many offers were made."""
        return await self.offers(self)


class Context(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    @property
    def deps(self) -> Deps:
        deps: Deps = self.bot_data["deps"]
        return deps


App: TypeAlias = Application[ExtBot[int], Context, dict[Any, Any], dict[Any, Any],
                             dict[Any, Any], JobQueue[Context]]
"""The application as bot/app.py builds it: a bot with a rate limiter (bot/pacing.py), our
Context, PTB's default dictionaries."""
UpdateHandler: TypeAlias = BaseHandler[Update, Context, None]
"""Every handler of ours: takes an update and our Context, returns nothing."""
