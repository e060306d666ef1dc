"""Benchmark: the sample office (25 desks) holding a year of history and a partly booked month.

Prints, for the README: the month view and one day's free times for one service (storage read,
pure computation, total), and booking commits per second through the storage API next to raw
`sqlite3` inserts with the same durability.

Run from the repository root: python -m bench.bench_office
"""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import load_office
from bot.domain import schedules
from bot.domain.availability import (
    DayState,
    booking_window,
    closure_reason,
    day_states,
    free_slots,
    known,
)
from bot.domain.booking import Busy
from bot.domain.model import Closure, Office, from_ts, local_datetime, to_ts
from storage import bookings, citizens, closures, occupancy
from storage.bookings import Booked, Request
from storage.db import Database
from storage.engine import Connection

SERVICE = "cie"
"""Electronic identity card: six desks, 30 minutes; the busiest service."""
NOW = datetime(2026, 11, 23, 7, 30)
"""A Monday morning, office time; the history is the year before it."""
RUNS = 500
COMMITS = 2000
ROUND = 100
TARGETS = {"month": 5.0, "day": 1.0}


def working_days(office: Office, first: date, count: int) -> Iterator[date]:
    for day in (first + timedelta(days=n) for n in range(count)):
        if closure_reason(office, (), day) is None and any(d.hours_on(day) for d in
                                                       office.desks.values()):
            yield day


def plan_day(office: Office, day: date, fill: float, chance: random.Random) -> list[Request]:
    """Each desk's hours filled back to back with its services, leaving a slot free at times."""
    step = office.rules.slot_step_minutes
    requests = []
    for desk in office.desks.values():
        services = [s for s in office.services.values() if desk.code in s.desks]
        for interval in desk.hours_on(day):
            minute = interval.start
            while minute < interval.end:
                service = chance.choice(services)
                if chance.random() >= fill or minute + service.duration > interval.end:
                    minute += step
                    continue
                start = to_ts(local_datetime(day, minute, office.tz))
                requests.append(Request(
                    user_id=None, service=service.code, desks=(desk.code,), start=start,
                    end=start + service.duration * 60, day=day, name="Bench Mark",
                    codice_fiscale=None, note=None))
                minute += service.duration
    return requests


def book_all(conn: Connection, requests: list[Request], now: int,
             cancel_share: float, chance: random.Random) -> int:
    """One transaction per day, through `bookings.book`; a share of them cancelled later."""
    for request in requests:
        result = bookings.book(conn, request, now)
        assert isinstance(result, Booked), result
        if chance.random() < cancel_share:
            bookings.cancel(conn, result.id, now, by="citizen")
    return len(requests)


async def build(db: Database, office: Office, now: datetime) -> tuple[int, int, int]:
    """A year of history (about 5% cancelled) and the next 31 days booked from full to sparse."""
    chance, today, history, days = random.Random(2026), now.date(), 0, 0
    for day in working_days(office, today - timedelta(days=365), 365):
        history += await db.write(book_all, plan_day(office, day, 0.82, chance), to_ts(now),
                                  0.05, chance)
        days += 1
    ahead = 0
    for day in working_days(office, today, 31):
        fill = max(0.15, 1.0 - 0.04 * (day - today).days)  # the next days full, then sparser
        ahead += await db.write(book_all, plan_day(office, day, fill, chance), to_ts(now),
                                0.0, chance)
    return history, days, ahead


def read_view(conn: Connection, desks: tuple[str, ...], first: date, last: date,
              now: int, tz: ZoneInfo) -> tuple[list[Busy], list[Closure]]:
    """What the bot reads before showing days or times: taken stretches and run-time closures."""
    start = to_ts(local_datetime(first, 0, tz))
    end = to_ts(local_datetime(last + timedelta(days=1), 0, tz))
    return occupancy.busy(conn, desks, start, end, now), closures.active(conn, first)


async def timed(runs: int, read: Callable[[], Awaitable[object]],
                compute: Callable[[object], object]) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"read": [], "compute": [], "total": []}
    for run in range(runs + 20):
        began = time.perf_counter()
        data = await read()
        middle = time.perf_counter()
        compute(data)
        ended = time.perf_counter()
        if run >= 20:  # warm-up
            times["read"].append((middle - began) * 1000)
            times["compute"].append((ended - middle) * 1000)
            times["total"].append((ended - began) * 1000)
    return times


def report(title: str, times: dict[str, list[float]], target: float) -> None:
    print(f"\n{title}")
    print(f"  {'':10} {'median':>8} {'p95':>8}   (ms, {len(times['total'])} runs)")
    for part, samples in times.items():
        p95 = statistics.quantiles(samples, n=20)[18]
        line = f"  {part:10} {statistics.median(samples):8.3f} {p95:8.3f}"
        if part == "total":
            verdict = "met" if statistics.median(samples) <= target else "MISSED"
            line += f"   target: median <= {target:g} ms, {verdict}"
        print(line)


def as_citizens_book(office: Office, requests: list[Request], now: datetime,
                     first_user: int) -> list[Request]:
    """The requests the bot makes for citizens: their limits and schedules."""
    rules = office.rules
    return [replace(
        request, user_id=user, codice_fiscale=f"RSSMRA85T10A{user:04d}"[-16:],
        max_per_account=rules.max_active_per_account,
        max_per_codice_fiscale=rules.max_active_per_codice_fiscale,
        scheduled=schedules.schedule(office, office.services[request.service],
                                     from_ts(request.start, office.tz), now))
        for user, request in enumerate(requests, start=first_user)]


def register(conn: Connection, requests: list[Request], now: int) -> None:
    for request in requests:
        if request.user_id is not None:
            citizens.ensure(conn, request.user_id, "it", now)


async def through_storage(db: Database, requests: list[Request], now: int) -> float:
    """Seconds to book each request in its own transaction through the storage API."""
    began = time.perf_counter()
    for request in requests:
        assert isinstance(await db.write(bookings.book, request, now), Booked)
    return time.perf_counter() - began


def plain_connection(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def raw_inserts(conn: sqlite3.Connection, requests: list[Request], now: int) -> float:
    """The baseline: the same rows (the booking and its reminders) written with plain INSERTs
    and one COMMIT per booking. Seconds."""
    began = time.perf_counter()
    for r in requests:
        booking = conn.execute(
            "INSERT INTO bookings (code, user_id, service, desk, start_ts, end_ts, name,"
            " codice_fiscale, created_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (f"R{r.start}{r.desks[0]}", r.user_id, r.service, r.desks[0], r.start, r.end, r.name,
             r.codice_fiscale, now)).lastrowid
        conn.executemany(
            "INSERT INTO outbox (chat_id, kind, booking_id, payload, due_ts, expires_ts,"
            " created_ts) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(r.user_id, item.kind, booking, json.dumps(dict(item.payload)), item.due,
              item.expires, now) for item in r.scheduled])
        conn.commit()
    return time.perf_counter() - began


def far_requests(office: Office, first: date, count: int) -> list[Request]:
    """Free times well past the booked month, to book in the commit runs."""
    requests: list[Request] = []
    for day in working_days(office, first, 400):
        requests += plan_day(office, day, 1.0, random.Random(day.toordinal()))
        if len(requests) >= count:
            return requests[:count]
    raise AssertionError("not enough days")


async def views(db: Database, office: Office, now: datetime) -> None:
    service = office.services[SERVICE]
    month = booking_window(office, now).days()[:31]

    def read(first: date, last: date) -> Awaitable[tuple[list[Busy], list[Closure]]]:
        return db.read(read_view, service.desks, first, last, to_ts(now), office.tz)

    taken, closed = await read(month[0], month[-1])
    states = day_states(office, service, month, known(taken), closed, now)
    counts = sorted({(state, list(states.values()).count(state)) for state in states.values()})
    report(f"month view: {SERVICE}, {month[0]} to {month[-1]}, {len(taken):,} taken stretches "
           f"read ({', '.join(f'{n} {state}' for state, n in counts)} days)",
           await timed(RUNS, lambda: read(month[0], month[-1]),
                       lambda data: day_states(office, service, month, known(data[0]), data[1],
                                               now)),
           TARGETS["month"])
    day = next(d for d in month[10:] if states[d] is DayState.FREE)
    busy, closed = await read(day, day)
    offered = free_slots(office, service, day, known(busy), closed, now)
    report(f"one day's free times: {SERVICE}, {day} ({len(offered)} offered)",
           await timed(RUNS, lambda: read(day, day),
                       lambda data: free_slots(office, service, day, known(data[0]), data[1], now)),
           TARGETS["day"])


async def commits(db: Database, office: Office, now: datetime) -> None:
    """Operator bookings (the booking row alone) and citizens' (limits, reminders), each through
    the storage API and as raw inserts of the same rows, in alternating rounds."""
    far = iter(far_requests(office, now.date() + timedelta(days=90), 4 * (COMMITS + ROUND)))
    raw = plain_connection(db.path)
    for kind, first_user in (("operator booking", None), ("citizen booking", 1)):
        times = {"api": 0.0, "raw": 0.0}
        for round_ in range(COMMITS // ROUND + 1):  # the first round warms up
            for way in times:
                requests = [next(far) for _ in range(ROUND)]
                if first_user is not None:
                    requests = as_citizens_book(office, requests, now, first_user)
                    first_user += ROUND
                    await db.write(register, requests, to_ts(now))
                spent = (await through_storage(db, requests, to_ts(now)) if way == "api"
                         else raw_inserts(raw, requests, to_ts(now)))
                times[way] += spent if round_ else 0.0
        api_rate, raw_rate = COMMITS / times["api"], COMMITS / times["raw"]
        ratio = api_rate / raw_rate
        print(f"\nbooking commits, {kind} ({COMMITS} each, one transaction per booking)")
        print(f"  Database.write(bookings.book, ...)    {api_rate:7.0f} /s")
        print(f"  raw sqlite3, same rows, INSERT+COMMIT {raw_rate:7.0f} /s")
        print(f"  ratio {ratio:.2f}   target: >= 0.5, {'met' if ratio >= 0.5 else 'MISSED'}")
    raw.close()


async def main() -> None:
    office = load_office()
    now = NOW.replace(tzinfo=office.tz)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        db = await Database.open(path)
        try:
            began = time.perf_counter()
            history, days, ahead = await build(db, office, now)
            built = time.perf_counter() - began
            print(f"Sportello benchmark: {len(office.desks)} desks, SQLite WAL, "
                  "synchronous=FULL")
            print(f"history: {history:,} bookings over {days} working days "
                  f"({history / days:.0f} a day, about 5% cancelled); "
                  f"next 31 days: {ahead:,} booked")
            print(f"database: {path.stat().st_size / 2**20:.1f} MB, built in {built:.1f} s")
            await views(db, office, now)
            await commits(db, office, now)
        finally:
            await db.close()


if __name__ == "__main__":
    asyncio.run(main())
