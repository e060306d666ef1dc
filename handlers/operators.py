"""Every operator handler, for bot/app.py to register in its place."""

from __future__ import annotations

from telegram.ext import BaseHandler

from handlers import (
    operator_add,
    operator_agenda,
    operator_closures,
    operator_invites,
    operator_reports,
    operator_visit,
)
from handlers.operator_access import set_menus

__all__ = ["before_start", "handlers", "set_menus"]


def before_start() -> list[BaseHandler]:
    """Before /start: the invitation link `/start op_<token>`."""
    return operator_invites.start_handlers()


def handlers() -> list[BaseHandler]:
    return [
        *operator_invites.handlers(),
        *operator_agenda.handlers(),
        *operator_visit.handlers(),
        *operator_add.handlers(),
        *operator_closures.handlers(),
        *operator_reports.handlers(),
    ]
