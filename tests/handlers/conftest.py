"""What the handler tests share: reading the database, walking a citizen through /book by the
buttons' data (the same in every language), and bookings made directly in storage."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from bot.domain import schedules
from bot.domain.booking_code import new_code
from bot.domain.model import Office, to_ts
from bot.testing.client import ChatMessage
from bot.testing.clock import FakeClock
from bot.testing.local_user import LocalUser
from storage import bookings, citizens
from storage.bookings import Booked, Request
from storage.db import Database
from tests.conftest import NOW, ROME

CODE = re.compile(r"\b[A-HJ-NP-Z2-9]{6}\b")
FRIDAY = datetime(2026, 11, 27, 9, 0, tzinfo=ROME)
"""The day after NOW, 09:00: the office is open, every desk free."""
CF = ("RSSMRA85T10A390L", "BNCNNA90D43A390D", "VRDLCU78L21A390O", "NREGLI01A55A390Y")
"""Valid codici fiscali (born in Arezzo)."""
NAMES = dict(zip(CF, ("Mario Rossi", "Anna Bianchi", "Luca Verdi", "Giulia Neri"), strict=True))
"""The name each of CF belongs to (its letters are the name's)."""
ERRORS = ("Sorry, something went wrong", "qualcosa non ha funzionato")
"""handlers/errors.py: what a citizen must never see for bad input."""


def data_ending(message: ChatMessage, suffix: str) -> str:
    """The callback data of the button in `message` whose data ends with `suffix`."""
    for row in message.keyboard:
        for button in row:
            if button.get("callback_data", "").endswith(suffix):
                return str(button["callback_data"])
    raise LookupError(f"no button ending {suffix!r} in {message.keyboard}")


def time_arg(start: datetime) -> str:
    return f"t:{to_ts(start)}"


def no_errors(*users: LocalUser) -> None:
    for user in users:
        for message in user.messages:
            assert not any(error in message.text for error in ERRORS), message.text


@dataclass
class Steps:
    """Takes a citizen to a step of /book, pressing buttons by their data."""

    office: Office

    async def choose(self, user: LocalUser, suffix: str) -> str | None:
        """Press the button whose data ends with `suffix`; a time in another part of a long
        day is looked for there (the "🕘" buttons) first."""
        message = user.last_with_buttons()
        if suffix.startswith("t:"):
            parts = [button["callback_data"] for row in message.keyboard for button in row
                     if ":part:" in button.get("callback_data", "")]
            for part in parts:
                if any(button.get("callback_data", "").endswith(":" + suffix)
                       for row in message.keyboard for button in row):
                    break
                await user.press_data(part, message)
                message = user.last_with_buttons()
        return await user.press_data(data_ending(message, ":" + suffix), message)

    async def to_days(self, user: LocalUser, service: str = "cie") -> None:
        await user.send("/book")
        await self.choose(user, f"cat:{self.office.services[service].category}")
        await self.choose(user, f"svc:{service}")

    async def to_name(self, user: LocalUser, service: str = "cie",
                      start: datetime = FRIDAY) -> None:
        await self.to_days(user, service)
        await self.choose(user, f"day:{start:%Y%m%d}")
        await self.choose(user, time_arg(start))

    async def to_summary(self, user: LocalUser, service: str = "cie", start: datetime = FRIDAY,
                         name: str | None = None, cf: str = CF[0],
                         note: str | None = None) -> None:
        """`name`: by default, the one `cf` belongs to."""
        await self.to_name(user, service, start)
        await user.send(name or NAMES[cf])
        await user.send(cf)
        if note is None:
            await self.choose(user, "skip")
        else:
            await user.send(note)

    async def book(self, user: LocalUser, service: str = "cie", start: datetime = FRIDAY,
                   name: str | None = None, cf: str = CF[0], note: str | None = None) -> str:
        """A whole booking; its code."""
        await self.to_summary(user, service, start, name, cf, note)
        await self.choose(user, "ok")
        found = CODE.search(user.messages[-2].text)
        assert found is not None, user.messages[-2].text
        return found[0]


@pytest.fixture
def steps(office: Office) -> Steps:
    return Steps(office)


async def book_directly(db: Database, office: Office, clock: FakeClock, user_id: int | None,
                        start: datetime, service: str = "cie", name: str = "Anna Bianchi",
                        cf: str | None = CF[1]) -> Booked:
    """A booking made in storage, with its reminders, as the bot would make it."""
    svc = office.services[service]
    now = clock.now()
    if user_id is not None:
        await db.write(citizens.ensure, user_id, "it", to_ts(now))
    request = Request(user_id=user_id, service=service, desks=svc.desks, start=to_ts(start),
                      end=to_ts(start + timedelta(minutes=svc.duration)),
                      day=start.astimezone(ROME).date(), name=name, codice_fiscale=cf, note=None,
                      scheduled=schedules.schedule(office, svc, start, now))
    result = await db.write(bookings.book, request, to_ts(now))
    assert isinstance(result, Booked), result
    return result


async def fill(db: Database, desk: str, start: datetime, end: datetime,
               service: str = "matrimonio") -> None:
    """Take `desk` from `start` to `end` with one anonymous booking (an operator's block)."""
    await db.write(lambda conn: conn.execute(
        "INSERT INTO bookings (code, service, desk, start_ts, end_ts, created_ts)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (new_code(), service, desk, to_ts(start), to_ts(end), to_ts(NOW))))

