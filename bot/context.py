"""What every handler and job can reach: the dependencies, passed in, never imported globals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from telegram.ext import CallbackContext, ExtBot

from bot.domain.clock import Clock
from bot.domain.model import Office
from bot.i18n import I18n
from storage.db import Database


@dataclass
class Deps:
    office: Office
    """Replaced as a whole when an administrator recalibrates a service's duration."""
    db: Database
    i18n: I18n
    clock: Clock
    nudge: Callable[[], None] = lambda: None
    """Messages were queued in the outbox for now: deliver them soon (set by bot.outbox)."""


class Context(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    @property
    def deps(self) -> Deps:
        deps: Deps = self.bot_data["deps"]
        return deps
