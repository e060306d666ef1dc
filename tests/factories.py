"""What tests start from: bookings made as the /book flow makes them, a tiny office easy to fill,
and a look into the database."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.model import Desk, Interval, Office, to_ts
from bot.reminders import schedule
from storage import bookings, citizens
from storage.bookings import Booked, Request
from storage.db import Database

NAME, CODICE_FISCALE = "Mario Rossi", "RSSMRA85T10A562S"


async def book(db: Database, office: Office, user_id: int, service: str, start: datetime,
               now: datetime, *, lang: str = "it") -> Booked:
    """A booking with its reminders queued, as the /book flow makes it."""
    found = office.services[service]
    await db.write(citizens.ensure, user_id, lang, to_ts(now))
    request = Request(
        user_id=user_id, service=service, desks=found.desks, start=to_ts(start),
        end=to_ts(start) + found.duration * 60, day=start.astimezone(office.tz).date(),
        name=NAME, codice_fiscale=CODICE_FISCALE, note=None,
        scheduled=schedule(office, found, start, now),
    )
    booked = await db.write(bookings.book, request, to_ts(now))
    assert isinstance(booked, Booked), booked
    return booked


def tiny_office(office: Office) -> Office:
    """The sample office with one desk, open on Mondays from 09:00 to 10:00: a week has two
    30-minute times of `cie`, and two of `contrassegno` (confirm-or-lose, 24 hours), which
    share them."""
    closed: tuple[Interval, ...] = ()
    desk = Desk("S01", "Sportello 1", ((Interval(540, 600),), *(closed,) * 6))
    cie = replace(office.services["cie"], desks=("S01",))
    contrassegno = replace(office.services["contrassegno_disabili"], code="contrassegno",
                           desks=("S01",), duration=30, confirm_hours=24)
    return replace(office, desks={"S01": desk},
                   services={"cie": cie, "contrassegno": contrassegno})


async def rows(db: Database, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    return await db.read(lambda conn: [tuple(r) for r in conn.execute(sql, args).fetchall()])


async def fill(db: Database, office: Office, service: str, starts: list[datetime], now: datetime,
               first_user: int = 9001) -> list[Booked]:
    """Book each of `starts`, each for another citizen."""
    return [await book(db, office, first_user + n, service, start, now)
            for n, start in enumerate(starts)]
