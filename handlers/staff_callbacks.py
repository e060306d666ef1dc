"""The staff's buttons (agenda, desks, visits, /add, /close, operators, erasure): each family's
prefix, encoder and decoder, on the codecs of handlers/callbacks.py, which holds the citizens'.
Here and there only: no other module spells a prefix.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from bot.domain.booking import Channel
from bot.domain.visits import Action
from handlers.callbacks import (
    ALL_DESKS,
    MARK,
    NONCE,
    SECONDS_DIGITS,
    Family,
    choice,
    code,
    day,
    day_field,
    number,
    read_choice_and_id,
)

# --- single-number families: a visit, a person, a closure, an operator --------------------------

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
    return DESK_CHOOSER.field(data, day)


def desk(desk_code: str) -> str:
    return DESK.encode(desk_code)


def read_desk(data: str) -> str | None:
    return DESK.field(data, code)


def visit_step(action: Action, booking_id: int) -> str:
    return VISIT_STEP.encode(action, booking_id)


def read_visit_step(data: str) -> tuple[Action, int] | None:
    return read_choice_and_id(VISIT_STEP, Action, data)


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
    return ADD_SERVICE.field(data, code)


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
    channel = choice(Channel, fields[1])
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
    return family.field(data, lambda text: text if NONCE.fullmatch(text) else None)
