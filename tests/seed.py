"""Bookings put in the database the way the booking flow does (storage.bookings.book), for tests
and benchmarks that need a day, or a year, already booked."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from codicefiscale import codicefiscale

from bot.domain.booking import Channel
from bot.domain.model import Office, local_datetime, to_ts
from storage import bookings, citizens
from storage.bookings import Booked, Request
from storage.db import Database
from storage.engine import Connection

CODICE_FISCALE = "RSSMRA85T10A562S"
"""Mario Rossi's: the default person."""


def codice_fiscale(n: int) -> str:
    """A valid codice fiscale of its own for the `n`th person seeded (one person cannot hold two
    bookings at once)."""
    letters = "".join("BCDFGHLMNPRSTVZ"[n // 15 ** i % 15] for i in range(6))
    first15 = f"{letters}85T10A390"
    return first15 + codicefiscale.encode_cin(first15)


def codice_fiscale_of(given_name: str, surname: str, *, female: bool = False,
                      born: str = "10/12/1985") -> str:
    """The codice fiscale of someone of that name born in Arezzo on `born` (DD/MM/YYYY), as
    python-codicefiscale encodes it: its letters are the name's."""
    return str(codicefiscale.encode(lastname=surname, firstname=given_name,
                                    gender="F" if female else "M", birthdate=born,
                                    birthplace="A390"))


@dataclass(frozen=True)
class Planned:
    desk: str
    service: str
    start: datetime


def request(office: Office, service: str, start: datetime, *, desk: str | None = None,
            user_id: int | None = None, name: str = "Mario Rossi",
            cf: str = CODICE_FISCALE, note: str | None = None,
            channel: Channel = Channel.CHAT, created_by: int | None = None,
            phone: str | None = None) -> Request:
    length = office.services[service].duration * 60
    return Request(user_id=user_id, service=service,
                   desks=[desk] if desk else office.services[service].desks,
                   start=to_ts(start), end=to_ts(start) + length,
                   day=start.astimezone(office.tz).date(), name=name, codice_fiscale=cf,
                   note=note, channel=channel, created_by=created_by, phone=phone)


def book_all(conn: Connection, requests: list[Request], now: int) -> list[int]:
    """Book every request in one transaction; each must succeed."""
    ids = []
    for item in requests:
        if item.user_id is not None:
            citizens.ensure(conn, item.user_id, "it", now)
        booked = bookings.book(conn, item, now)
        assert isinstance(booked, Booked), booked
        ids.append(booked.id)
    return ids


async def book(db: Database, office: Office, service: str, start: datetime, now: datetime,
               **details: object) -> int:
    [booking_id] = await db.write(book_all, [request(office, service, start, **details)],
                                  to_ts(now))  # type: ignore[arg-type]
    return booking_id


def _desk_times(office: Office, desk: str, service: str, day: date) -> Iterator[datetime]:
    length = office.services[service].duration
    for interval in office.desks[desk].hours_on(day):
        for minute in range(interval.start, interval.end - length + 1, length):
            yield local_datetime(day, minute, office.tz)


def plan_day(office: Office, day: date, count: int) -> list[Planned]:
    """Up to `count` appointments on `day`, spread over the desks open then, in turn."""
    queues = []
    for desk in office.desks:
        service = next(s.code for s in office.services.values() if desk in s.desks)
        queues.append(iter([Planned(desk, service, start)
                            for start in _desk_times(office, desk, service, day)]))
    planned: list[Planned] = []
    while queues and len(planned) < count:
        for queue in list(queues):
            found = next(queue, None)
            if found is None:
                queues.remove(queue)
            elif len(planned) < count:
                planned.append(found)
    return planned


async def fill_day(db: Database, office: Office, day: date, count: int, now: datetime,
                   name: str = "Cittadino {n}", note: str | None = None) -> list[int]:
    planned = plan_day(office, day, count)
    assert len(planned) == count, f"only {len(planned)} times on {day}"
    requests = [request(office, p.service, p.start, desk=p.desk, name=name.format(n=n),
                        cf=codice_fiscale(n), note=note) for n, p in enumerate(planned)]
    return await db.write(book_all, requests, to_ts(now - timedelta(days=2)))


_UTC_TEXT = re.compile(r"datetime\((\w+), 'unixepoch'\)")


async def rows(db: Database, sql: str, *args: object) -> list[tuple]:
    """What the database holds, for a test to assert on. Tests read an instant as UTC text with
    SQLite's `datetime(column, 'unixepoch')`; PostgreSQL is asked for the same text its way."""
    if db.engine == "postgresql":
        sql = _UTC_TEXT.sub(r"to_char(to_timestamp(\1) AT TIME ZONE 'UTC',"
                            r" 'YYYY-MM-DD HH24:MI:SS')", sql)
    return await db.read(lambda conn: [tuple(r) for r in conn.execute(sql, args).fetchall()])


async def value(db: Database, sql: str, *args: object) -> object:
    [[found]] = await rows(db, sql, *args)
    return found


def insert_history(conn: Connection, office: Office, first: date, last: date,
                   per_day: int, seed: int = 1) -> int:
    """A past of `per_day` visits on each open day in [first, last], already run: most served
    (arrived around their time, started a few minutes late, timed around each service's
    duration), some no-shows, some cancelled; booked in the chat, by phone, at the counter or
    from the waiting list. Written row by row for speed, as a year would take too long through
    the booking flow; returns the count."""
    rng = random.Random(seed)
    channels = [Channel.CHAT] * 12 + [Channel.WAITLIST] + [Channel.PHONE] * 4 + [Channel.DESK] * 3
    rows = []
    day = first
    while day <= last:
        if day not in office.holidays:
            for n, item in enumerate(plan_day(office, day, per_day)):
                start = to_ts(item.start)
                duration = office.services[item.service].duration
                end = start + duration * 60
                channel = rng.choice(channels)
                created = (start - rng.randint(0, 900) if channel == Channel.DESK
                           else start - rng.randint(1800, 30 * 86400))
                fate = rng.random()
                status, arrived, began, served, no_show, cancelled = (
                    "served", None, None, None, None, None)
                if fate < 0.05:
                    status, cancelled = "cancelled", created + (start - created) // 2
                elif fate < 0.11:
                    status, no_show = "no_show", start + 900
                else:
                    arrived = start + rng.randint(-900, 300) if rng.random() < 0.8 else None
                    began = max(start, arrived or start) + rng.randint(0, 300)
                    served = began + max(60, int(rng.gauss(duration * 1.1, duration / 4) * 60))
                rows.append((f"H{day:%y%m%d}{n:04d}", item.service, item.desk, start, end,
                             status, f"Cittadino {n}", CODICE_FISCALE, created, arrived, began,
                             served, no_show, cancelled, channel))
        day += timedelta(days=1)
    conn.executemany(
        "INSERT INTO bookings (code, service, desk, start_ts, end_ts, status, name,"
        " codice_fiscale, created_ts, checked_in_ts, started_ts, served_ts, no_show_ts,"
        " cancelled_ts, channel) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return len(rows)
