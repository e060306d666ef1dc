"""Every operator handler, for bot/app.py to register in its place."""

from __future__ import annotations

from telegram.ext import BaseHandler

from handlers import (
    operator_add,
    operator_agenda,
    operator_closures,
    operator_erasure,
    operator_input,
    operator_invites,
    operator_reports,
    operator_visit,
)
from handlers.operator_access import set_menus

__all__ = ["before_start", "first", "handlers", "set_menus"]


def first() -> list[BaseHandler]:
    """For the group that runs before any other: an operator's typed answers."""
    return operator_input.input_handlers()


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
        *operator_erasure.handlers(),
        *operator_reports.handlers(),
        *operator_input.handlers(),
    ]
