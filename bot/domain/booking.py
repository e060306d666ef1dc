"""A booking as every layer sees it: its statuses, how it was made, the time it takes at a desk,
and what the bot will send about it. Imports nothing of ours and does no I/O."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


class Status(enum.StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    IN_SERVICE = "in_service"
    SERVED = "served"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


class Channel(enum.StrEnum):
    """How a booking was made."""

    CHAT = "chat"
    """By the citizen, in the chat with the bot."""
    PHONE = "phone"
    """By an operator, for a citizen on the phone."""
    DESK = "desk"
    """By an operator, for a citizen at the counter: a walk-in."""
    WAITLIST = "waitlist"
    """By the citizen, taking up a time offered from the waiting list."""


ONLINE = (Channel.CHAT, Channel.WAITLIST)
"""The channels in which citizens booked by themselves."""


OCCUPYING = (Status.BOOKED, Status.CHECKED_IN, Status.IN_SERVICE, Status.SERVED)
"""Statuses whose booking holds its desk's time; cancelled and no-show free it."""
ATTENDED = (Status.CHECKED_IN, Status.IN_SERVICE, Status.SERVED)
"""Statuses of a visit the citizen came to."""


@dataclass(frozen=True, slots=True)
class Busy:
    """A stretch of a desk's time that is taken, by a booking or a live hold."""

    desk: str
    start: int
    end: int
    """Unix seconds."""


@dataclass(frozen=True, slots=True)
class Slot:
    start: datetime
    desk: str


@dataclass(frozen=True, slots=True)
class Scheduled:
    """A message the bot will send on its own about a booking (a reminder, a deadline)."""

    kind: str
    due: int
    expires: int | None = None
    """Unix seconds; pointless after this instant (the appointment has begun)."""
    payload: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Booking:
    """One row of the bookings table, as citizens, operators and notices all see it.

    Instants are aware datetimes in UTC; show them with `.astimezone(office.tz)`.
    """

    id: int
    code: str
    user_id: int | None
    service: str
    desk: str
    start: datetime
    end: datetime
    status: Status
    name: str | None
    codice_fiscale: str | None
    note: str | None
    created: datetime
    created_by: int | None = None
    """The operator who booked on the citizen's behalf (phone or walk-in)."""
    confirmed: datetime | None = None
    """The citizen's "I'll be there" from a reminder."""
    checked_in: datetime | None = None
    started: datetime | None = None
    served: datetime | None = None
    no_show: datetime | None = None
    cancelled: datetime | None = None
    cancelled_by: str | None = None
    """citizen, operator, closure, unconfirmed or erasure."""
    cancel_reason: str | None = None
    channel: Channel = Channel.CHAT
    phone: str | None = None
    """A caller's number, given to an operator who booked for them (/add)."""

    @property
    def minutes_at_desk(self) -> int | None:
        if self.started is None or self.served is None:
            return None
        return round((self.served - self.started).total_seconds() / 60)


def mask_codice_fiscale(cf: str) -> str:
    """`RSSMRA85T10A562S` -> `RSSMRA*******62S`: enough for the citizen to recognise it."""
    if len(cf) < 10:
        return "*" * len(cf)
    return cf[:6] + "*" * (len(cf) - 9) + cf[-3:]
