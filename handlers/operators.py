"""Every operator handler, for bot/app.py to register in its place."""

from __future__ import annotations

from bot.context import UpdateHandler
from handlers import (
    operator_add,
    operator_agenda,
    operator_closures,
    operator_erasure,
    operator_help,
    operator_invites,
    operator_lookup,
    operator_reports,
    operator_room,
    operator_visit,
)
from handlers.operator_access import set_menus

__all__ = ["before_start", "handlers", "lookup", "set_menus"]


def lookup() -> list[UpdateHandler]:
    """For a group that runs before `first`: a booking code typed by an operator."""
    return operator_lookup.first()


def before_start() -> list[UpdateHandler]:
    """Before /start: the invitation link `/start op_<token>`, then staff's /start, /help and
    language."""
    return [*operator_invites.start_handlers(), *operator_help.handlers()]


def handlers() -> list[UpdateHandler]:
    return [
        *operator_invites.handlers(),
        *operator_agenda.handlers(),
        *operator_room.handlers(),
        *operator_visit.handlers(),
        *operator_lookup.handlers(),
        *operator_add.handlers(),
        *operator_closures.handlers(),
        *operator_erasure.handlers(),
        *operator_reports.handlers(),
    ]
