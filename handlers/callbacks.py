"""Every button's callback data, written and read here and nowhere else.

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
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple, TypeVar

from bot.domain.arguments import YEARS
from bot.domain.booking import Channel
from bot.domain.visits import Action

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


def _choice(kind: type[E], text: str) -> E | None:
    try:
        return kind(text)
    except ValueError:
        return None


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
    action = _choice(BookAction, fields[1])
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
    fields = MY_BOOKING.fields(data, 2)
    action = _choice(MyAction, fields[0]) if fields else None
    booking_id = number(fields[1]) if fields else None
    return (action, booking_id) if action is not None and booking_id is not None else None


# --- single-number families: a booking, a waiting-list place or offer, a closure, an operator --

I_WILL_BE_THERE = Family("rm:ok:")
"""+ booking id: the reminder's confirmation."""
WAITLIST_LEAVE = Family("wl:leave:")
"""+ waiting-list entry id."""
OFFER_TAKE = Family("wl:take:")
OFFER_DECLINE = Family("wl:no:")
"""+ offer id."""
VISIT_CANCEL = Family("op:x:")
"""+ booking id: ask the reason of the cancellation."""
VISIT_CANCEL_YES = Family("op:xk:")
VISIT_UNDO = Family("op:u:")
"""+ booking id: take the visit's last step back."""
PERSON_ERASE = Family("op:e:")
PERSON_ERASE_YES = Family("op:ek:")
"""+ booking id: an administrator's erasure of the person's data (asks first)."""
CLOSURE_LIFT = Family("op:r:")
"""+ closure id."""
OPERATOR_REMOVE = Family("op:rm:")
"""+ the operator's user id."""


def with_id(family: Family, value: int) -> str:
    return family.encode(value)


def read_id(family: Family, data: str, digits: int = ID_DIGITS) -> int | None:
    fields = family.fields(data, 1)
    return number(fields[0], digits) if fields else None


# --- privacy and language ---------------------------------------------------------------------

PRIVACY = Family("pv:")


class Erasure(enum.StrEnum):
    ERASE = "erase"
    KEEP = "keep"


def privacy(choice: Erasure) -> str:
    return PRIVACY.encode(choice)


def read_privacy(data: str) -> Erasure | None:
    fields = PRIVACY.fields(data, 1)
    return _choice(Erasure, fields[0]) if fields else None


LANGUAGE = Family("lang:")


def language(lang: str) -> str:
    return LANGUAGE.encode(lang)


def read_language(data: str, known: tuple[str, ...]) -> str | None:
    fields = LANGUAGE.fields(data, 1)
    return fields[0] if fields and fields[0] in known else None


# --- the operators' agenda, desks and visits --------------------------------------------------

AGENDA = Family("op:ag:")
DESK_CHOOSER = Family("op:dc:")
"""+ day: the desks of that day's agenda."""
DESK = Family("op:dk:")
"""+ desk code: "I am at this desk today"."""
NEXT = Family("op:n")
ROOM_REFRESH = Family("op:room")
STOP = Family("op:stop")
"""Stop what the operator is in the middle of."""
VISIT_STEP = Family("op:v:")


class AgendaPage(NamedTuple):
    day: date
    desk: str | None
    """None: every desk."""
    page: int


def agenda(day: date, desk: str | None, page: int = 0) -> str:
    return AGENDA.encode(day_field(day), desk or ALL_DESKS, page)


def read_agenda(data: str) -> AgendaPage | None:
    fields = AGENDA.fields(data, 3)
    if fields is None:
        return None
    found, page = day(fields[0]), number(fields[2], 4)
    desk = None if fields[1] == ALL_DESKS else code(fields[1])
    if found is None or page is None or (desk is None and fields[1] != ALL_DESKS):
        return None
    return AgendaPage(found, desk, page)


def desk_chooser(on: date) -> str:
    return DESK_CHOOSER.encode(day_field(on))


def read_desk_chooser(data: str) -> date | None:
    fields = DESK_CHOOSER.fields(data, 1)
    return day(fields[0]) if fields else None


def desk(desk_code: str) -> str:
    return DESK.encode(desk_code)


def read_desk(data: str) -> str | None:
    fields = DESK.fields(data, 1)
    return code(fields[0]) if fields else None


def visit_step(action: Action, booking_id: int) -> str:
    return VISIT_STEP.encode(action, booking_id)


def read_visit_step(data: str) -> tuple[Action, int] | None:
    fields = VISIT_STEP.fields(data, 2)
    action = _choice(Action, fields[0]) if fields else None
    booking_id = number(fields[1]) if fields else None
    return (action, booking_id) if action is not None and booking_id is not None else None


# --- /add and /close: the steps of an operator's flow -----------------------------------------

ADD = Family("op:a:")
"""Every /add button (the handler answers a malformed one)."""
ADD_SERVICE = Family("op:a:s:")
ADD_DAY = Family("op:a:d:")
ADD_TIME = Family("op:a:t:")
ADD_DAYS = Family("op:a:p:")
"""+ service:page: a page of the free days of the booking horizon."""
ADD_SERVICES = Family("op:a:svc")
"""Back to the choice of the service."""
ADD_BACK = Family("op:a:back:")
"""+ nonce: one step back in the details of the draft it was sent for."""
ADD_NO_NOTE = Family("op:a:nonote:")
ADD_NO_PHONE = Family("op:a:nophone:")
ADD_BOTH_RIGHT = Family("op:a:cfok:")
"""+ nonce:mark: the codice fiscale in doubt (its letters are not the name's) and the name are
right; the mark (bot/domain/flows.py, Person.doubt_mark) says which pair."""
ADD_CONFIRM = Family("op:a:ok:")
"""+ nonce:channel: book, for a caller on the phone or a citizen at the counter."""
ADD_ANYWAY = Family("op:a:both:")
"""+ nonce:channel: book although the person has another booking at an overlapping time."""
ADD_CHANNELS = (Channel.PHONE, Channel.DESK)
"""How an operator's booking is made."""
CLOSURE = Family("op:c:")
"""Every /close button (the handler answers a malformed one)."""
CLOSE_CONFIRM = Family("op:c:ok:")


def add_service(service: str) -> str:
    return ADD_SERVICE.encode(service)


def read_add_service(data: str) -> str | None:
    fields = ADD_SERVICE.fields(data, 1)
    return code(fields[0]) if fields else None


def add_day(service: str, on: date) -> str:
    return ADD_DAY.encode(service, day_field(on))


def read_add_day(data: str) -> tuple[str, date] | None:
    fields = ADD_DAY.fields(data, 2)
    service = code(fields[0]) if fields else None
    found = day(fields[1]) if fields else None
    return (service, found) if service is not None and found is not None else None


def add_days(service: str, page: int) -> str:
    return ADD_DAYS.encode(service, page)


def read_add_days(data: str) -> tuple[str, int] | None:
    fields = ADD_DAYS.fields(data, 2)
    service = code(fields[0]) if fields else None
    page = number(fields[1], 3) if fields else None
    return (service, page) if service is not None and page is not None else None


def add_time(service: str, start: int) -> str:
    return ADD_TIME.encode(service, start)


def read_add_time(data: str) -> tuple[str, int] | None:
    fields = ADD_TIME.fields(data, 2)
    service = code(fields[0]) if fields else None
    start = number(fields[1], SECONDS_DIGITS) if fields else None
    return (service, start) if service is not None and start is not None else None


def add_booking(family: Family, nonce: str, channel: Channel) -> str:
    """Book (ADD_CONFIRM) or Book anyway (ADD_ANYWAY) the draft it was sent for, as `channel`."""
    return family.encode(nonce, channel)


def read_add_booking(family: Family, data: str) -> tuple[str, Channel] | None:
    fields = family.fields(data, 2)
    if fields is None or not NONCE.fullmatch(fields[0]):
        return None
    channel = _choice(Channel, fields[1])
    return (fields[0], channel) if channel in ADD_CHANNELS else None


def both_right(nonce: str, mark: str) -> str:
    return ADD_BOTH_RIGHT.encode(nonce, mark)


def read_both_right(data: str) -> tuple[str, str] | None:
    fields = ADD_BOTH_RIGHT.fields(data, 2)
    if fields is None or not NONCE.fullmatch(fields[0]) or not MARK.fullmatch(fields[1]):
        return None
    return fields[0], fields[1]


def with_nonce(family: Family, nonce: str) -> str:
    """A button that acts only on the draft it was sent for."""
    return family.encode(nonce)


def read_nonce(family: Family, data: str) -> str | None:
    fields = family.fields(data, 1)
    return fields[0] if fields and NONCE.fullmatch(fields[0]) else None
