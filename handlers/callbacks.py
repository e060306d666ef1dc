"""Every button's callback data, written and read here (the citizens' buttons and the codecs)
and in handlers/staff_callbacks.py (the staff's), nowhere else.

Telegram gives a button at most 64 bytes of data, and a client sends back whatever it likes: each
family of buttons has a prefix, an encoder and a decoder, and a decoder returns None unless the
data has exactly the form its encoder writes (the right prefix, the right number of fields, ASCII
digits of a bounded length, a known code). Whether the booking, desk or service it names exists,
and is the presser's, is for the handler to check. Handlers register with `Family.pattern`, so
a prefix is spelled once.
"""

from __future__ import annotations

import enum
import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple, TypeVar

from bot.domain.arguments import YEARS

MAX_BYTES = 64
ID_DIGITS = 12
"""A row id: far beyond any table this bot will hold."""
USER_DIGITS = 15
"""A Telegram user id fits in 52 bits, 15 decimal digits."""
SECONDS_DIGITS = 10
"""Unix seconds have 10 digits until the year 2286: a longer number is no time at all."""
CODE = re.compile(r"[A-Za-z0-9_-]{1,24}")
"""A service, category or desk code of the office file."""
NONCE = re.compile(f"[{string.ascii_lowercase}{string.digits}]{{4,8}}")
MARK = re.compile("[0-9a-f]{8}")
"""Which name and codice fiscale a "Both are right" was shown for."""
ALL_DESKS = "*"
E = TypeVar("E", bound=enum.StrEnum)
T = TypeVar("T")
ANY_YEAR = range(1, 10000)
"""Every year a date can have: a day the booking window then refuses with its own answer."""


@dataclass(frozen=True, slots=True)
class Family:
    prefix: str

    @property
    def pattern(self) -> str:
        """For `CallbackQueryHandler(pattern=...)`: every data of the family, well formed or not
        (the handler answers a malformed one)."""
        return f"^{re.escape(self.prefix)}"

    @property
    def exact(self) -> str:
        """For a family without fields."""
        return f"^{re.escape(self.prefix)}$"

    def encode(self, *fields: object) -> str:
        data = self.prefix + ":".join(map(str, fields))
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
        return data

    def fields(self, data: str, count: int) -> list[str] | None:
        """The `count` fields after the prefix; None for anything else."""
        if not data.startswith(self.prefix) or len(data.encode()) > MAX_BYTES:
            return None
        fields = data[len(self.prefix):].split(":")
        return fields if len(fields) == count else None

    def field(self, data: str, parse: Callable[[str], T | None]) -> T | None:
        """The one field after the prefix, as `parse` reads it; None for anything else."""
        fields = self.fields(data, 1)
        return parse(fields[0]) if fields else None


def number(text: str, digits: int = ID_DIGITS) -> int | None:
    """A non-negative number of ASCII digits, at most `digits` of them."""
    ok = text.isascii() and text.isdigit() and len(text) <= digits
    return int(text) if ok else None


def code(text: str) -> str | None:
    return text if CODE.fullmatch(text) else None


def day_field(day: date) -> str:
    return f"{day:%Y%m%d}"


def day(text: str, years: range = YEARS) -> date | None:
    """The `YYYYMMDD` of `day_field` as a date; None if it is no real date, or not in `years`."""
    if not (len(text) == 8 and text.isascii() and text.isdigit()):
        return None
    try:
        found = datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None
    return found if found.year in years else None


def choice(kind: type[E], text: str) -> E | None:
    try:
        return kind(text)
    except ValueError:
        return None


def read_choice_and_id(family: Family, kind: type[E], data: str) -> tuple[E, int] | None:
    """A family whose data is one of `kind`'s values and a row id: what to do to which row."""
    fields = family.fields(data, 2)
    action = choice(kind, fields[0]) if fields else None
    row = number(fields[1]) if fields else None
    return (action, row) if action is not None and row is not None else None


# --- the citizen's /book: b:<nonce>:<action>[:<arg>] --------------------------------------------

BOOK = Family("b:")


class BookAction(enum.StrEnum):
    CATEGORY = "cat"
    SERVICE = "svc"
    PAGE = "pg"
    DAY = "day"
    FIRST = "first"
    TIME = "t"
    NAME = "name"
    CODICE_FISCALE = "cf"
    """The codice fiscale used last time."""
    BOTH_RIGHT = "cfok"
    """The codice fiscale in doubt (its letters are not the name's) and the name are right;
    the arg says which pair (callbacks.MARK)."""
    SKIP = "skip"
    CONFIRM = "ok"
    BACK = "back"
    QUIT = "quit"
    PART = "part"
    """+ the number of a part of the day's times."""
    WAIT = "wait"
    """On to the waiting list (Step.WAITLIST)."""
    SPAN = "span"
    """+ days from today the citizen can come, for the waiting list."""


class BookPress(NamedTuple):
    nonce: str
    action: BookAction
    arg: str
    """A code, a page, a day (`day_field`) or a time in Unix seconds; "" if none."""


def book(nonce: str, action: BookAction, arg: object = "") -> str:
    return BOOK.encode(nonce, action) + (f":{arg}" if arg != "" else "")


def read_book(data: str) -> BookPress | None:
    fields = BOOK.fields(data, 3) or BOOK.fields(data, 2)
    if fields is None or not NONCE.fullmatch(fields[0]):
        return None
    action = choice(BookAction, fields[1])
    arg = fields[2] if len(fields) == 3 else ""
    if action is None or (len(fields) == 3 and code(arg) is None):
        return None
    return BookPress(fields[0], action, arg)


# --- a citizen's booking: from /mybookings, reminders and notices ----------------------------

MY_BOOKING = Family("my:")


class MyAction(enum.StrEnum):
    CANCEL = "c"
    CANCEL_YES = "cy"
    CANCEL_NO = "cn"
    MOVE = "r"
    """Move it; or book it again, after the office cancelled it."""


def my_booking(action: MyAction, booking_id: int) -> str:
    return MY_BOOKING.encode(action, booking_id)


def read_my_booking(data: str) -> tuple[MyAction, int] | None:
    return read_choice_and_id(MY_BOOKING, MyAction, data)


# --- single-number families: a booking, a waiting-list place or offer (the staff's: there) ---

I_WILL_BE_THERE = Family("rm:ok:")
"""+ booking id: the reminder's confirmation."""
WAITLIST_LEAVE = Family("wl:leave:")
"""+ waiting-list entry id."""
OFFER_TAKE = Family("wl:take:")
OFFER_DECLINE = Family("wl:no:")
"""+ offer id."""
def with_id(family: Family, value: int) -> str:
    return family.encode(value)


def read_id(family: Family, data: str, digits: int = ID_DIGITS) -> int | None:
    return family.field(data, lambda text: number(text, digits))


# --- privacy and language ---------------------------------------------------------------------

PRIVACY = Family("pv:")


class Erasure(enum.StrEnum):
    ERASE = "erase"
    KEEP = "keep"


def privacy(choice: Erasure) -> str:
    return PRIVACY.encode(choice)


def read_privacy(data: str) -> Erasure | None:
    return PRIVACY.field(data, lambda text: choice(Erasure, text))


LANGUAGE = Family("lang:")


def language(lang: str) -> str:
    return LANGUAGE.encode(lang)


def read_language(data: str, known: tuple[str, ...]) -> str | None:
    return LANGUAGE.field(data, lambda text: text if text in known else None)
