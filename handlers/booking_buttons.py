"""What every step of /book is made of: a text and its buttons, the buttons' data, and the row of
« Back and ✖ Cancel."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.booking import Slot
from bot.domain.flows import Draft
from bot.i18n import Translator
from handlers import callbacks
from handlers.callbacks import BookAction
from handlers.common import Button, button


@dataclass(frozen=True)
class View:
    text: str
    keyboard: list[list[Button]]


def data(draft: Draft, action: BookAction, arg: object = "") -> str:
    return callbacks.book(draft.nonce, action, arg)


def nav(t: Translator, draft: Draft, back: bool = True) -> list[Button]:
    label = t.plain
    row = ([button(label.pgettext("go back a step", "« Back"), data(draft, BookAction.BACK))]
           if back else [])
    return [*row, button(label.pgettext("stop what you are doing", "✖ Cancel"),
                         data(draft, BookAction.QUIT))]


def rows(buttons: list[Button], width: int) -> list[list[Button]]:
    return [buttons[i:i + width] for i in range(0, len(buttons), width)]


def ts(slot: Slot) -> int:
    return int(slot.start.timestamp())


def time_button(t: Translator, draft: Draft, slot: Slot, *, with_day: bool = False) -> Button:
    """A time to choose, going on with the booking; `with_day`: among times of several days."""
    label = f"{t.short_date(slot.start.date())} {t.time(slot.start)}" if with_day else t.time(
        slot.start)
    return button(label, data(draft, BookAction.TIME, ts(slot)))
