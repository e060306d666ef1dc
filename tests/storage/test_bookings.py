"""Bookings in a real database, on each engine: the overlap rule, holds, limits, and the race for
a time."""

from __future__ import annotations

import asyncio
import multiprocessing
import random
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.availability import (
    DayState,
    TakenOn,
    day_states,
    desks_free_at,
    free_slots,
    known,
)
from bot.domain.booking_code import new_code
from bot.domain.model import Closure, Office, local_datetime, to_ts
from storage import bookings, citizens, closures, holds
from storage.bookings import Booked, Refusal, Request
from storage.db import Database
from storage.engine import OVERLAP, Connection, IntegrityError
from storage.occupancy import OCCUPYING_SQL, busy
from tests.seed import rows
from tests.storage.conftest import MakeRequest
from tests.storage.racers import race

DAY = date(2026, 3, 3)
"""A Tuesday: open in the morning and in the afternoon."""
TZ = ZoneInfo("Europe/Rome")
"""The sample office's."""
NOW = to_ts(datetime(2026, 3, 2, 12, 0, tzinfo=TZ))


def at(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return to_ts(local_datetime(DAY, int(hours) * 60 + int(minutes), TZ))


def insert(conn: Connection, desk: str, start: int, end: int) -> int:
    """A booking written with raw SQL, past every check in Python."""
    return conn.execute(
        "INSERT INTO bookings (code, service, desk, start_ts, end_ts, created_ts)"
        " VALUES (?, 'cie', ?, ?, ?, ?) RETURNING id",
        (new_code(), desk, start, end, NOW),
    ).fetchone()[0]


@contextmanager
def refused_as_overlap() -> Iterator[None]:
    with pytest.raises(IntegrityError) as refused:
        yield
    assert refused.value.constraint == OVERLAP


def register(conn: Connection, users: range) -> None:
    for user in users:
        citizens.ensure(conn, user, "it", NOW)


@pytest.fixture(autouse=True)
async def _citizens(db: Database) -> None:
    """Bookings and holds refer to citizens: the handlers register them on first contact."""
    await db.write(register, range(1, 100))


def active(conn: Connection) -> list[tuple[str, int, int, int | None]]:
    return [tuple(row) for row in conn.execute(
        f"SELECT desk, start_ts, end_ts, user_id FROM bookings WHERE status IN {OCCUPYING_SQL}"
        " ORDER BY desk, start_ts")]


def day_view(conn: Connection, desks: tuple[str, ...],
             owner: int | None) -> tuple[TakenOn, list[Closure]]:
    """What a handler reads before offering times on DAY: taken stretches and closures."""
    start = to_ts(local_datetime(DAY, 0, TZ))
    end = to_ts(local_datetime(DAY + timedelta(days=1), 0, TZ))
    return known(busy(conn, desks, start, end, NOW, owner)), closures.active(conn, DAY)


@pytest.mark.parametrize(("start", "end"), [
    ("09:00", "09:30"), ("09:10", "09:20"), ("08:50", "09:10"), ("09:20", "09:40"),
    ("08:30", "10:00"),
], ids=["same", "inside", "before", "after", "around"])
async def test_the_database_refuses_an_overlapping_insert(db: Database, start: str,
                                                           end: str) -> None:
    await db.write(insert, "S01", at("09:00"), at("09:30"))
    with refused_as_overlap():
        await db.write(insert, "S01", at(start), at(end))
    await db.write(insert, "S02", at(start), at(end))
    assert await db.read(active) == [("S01", at("09:00"), at("09:30"), None),
                                     ("S02", at(start), at(end), None)]


async def test_back_to_back_bookings_do_not_overlap(db: Database) -> None:
    for start, end in [("09:00", "09:30"), ("09:30", "09:40"), ("08:50", "09:00")]:
        await db.write(insert, "S01", at(start), at(end))
    assert len(await db.read(active)) == 3


async def test_the_database_refuses_an_update_that_creates_an_overlap(db: Database) -> None:
    await db.write(insert, "S01", at("09:00"), at("09:30"))
    later = await db.write(insert, "S01", at("10:00"), at("10:30"))
    elsewhere = await db.write(insert, "S02", at("09:00"), at("09:30"))
    moves = [
        ("UPDATE bookings SET start_ts = ?, end_ts = ? WHERE id = ?",
         (at("09:20"), at("09:50"), later)),
        ("UPDATE bookings SET desk = 'S01' WHERE id = ?", (elsewhere,)),
    ]
    for sql, args in moves:
        with refused_as_overlap():
            await db.write(lambda conn, sql=sql, args=args: conn.execute(sql, args))
    assert await db.read(active) == [("S01", at("09:00"), at("09:30"), None),
                                     ("S01", at("10:00"), at("10:30"), None),
                                     ("S02", at("09:00"), at("09:30"), None)]


async def test_a_cancelled_or_missed_booking_frees_its_time(db: Database) -> None:
    first = await db.write(insert, "S01", at("09:00"), at("09:30"))
    cancelled = await db.write(bookings.cancel, first, NOW, by="citizen", reason="changed plans")
    assert cancelled is not None
    assert cancelled.cancel_reason == "changed plans"
    assert await db.write(bookings.cancel, first, NOW, by="citizen") is None
    second = await db.write(insert, "S01", at("09:00"), at("09:30"))
    with refused_as_overlap():  # no way back
        await db.write(lambda conn: conn.execute(
            "UPDATE bookings SET status = 'booked' WHERE id = ?", (first,)))
    await db.write(lambda conn: conn.execute(
        "UPDATE bookings SET status = 'no_show' WHERE id = ?", (second,)))
    third = await db.write(insert, "S01", at("09:10"), at("09:20"))
    assert await db.read(lambda conn: [tuple(row) for row in conn.execute(
        "SELECT id, status FROM bookings ORDER BY id")]) == [
        (first, "cancelled"), (second, "no_show"), (third, "booked")]


async def test_a_live_hold_of_another_citizen_blocks_its_desk(db: Database, make_request) -> None:
    hold = await db.write(holds.place, 2, "cie", ["S01"], at("09:00"), at("09:30"), NOW, NOW + 600)
    assert hold is not None
    assert hold.desk == "S01"
    request = make_request("cie", at("09:00"), desks=["S01"])
    assert await db.write(bookings.book, request, NOW) is Refusal.TAKEN
    assert await db.write(holds.place, 1, "cie", ["S01"], at("09:10"), at("09:40"), NOW,
                          NOW + 600) is None
    other = await db.write(holds.place, 1, "cie", ["S01", "S02"], at("09:10"), at("09:40"), NOW,
                           NOW + 600)
    assert other is not None
    assert other.desk == "S02"
    booked = await db.write(bookings.book, make_request("cie", at("09:00"),
                                                        desks=["S01", "S03"]), NOW)
    assert isinstance(booked, Booked)
    assert booked.desk == "S03"
    assert await db.read(holds.live, 2, NOW) == hold


async def test_an_expired_hold_is_worth_nothing(db: Database, make_request) -> None:
    await db.write(holds.place, 2, "cie", ["S01"], at("09:00"), at("09:30"), NOW, NOW + 600)
    later = NOW + 600
    assert await db.read(holds.live, 2, later) is None
    hold = await db.write(holds.place, 3, "cie", ["S01"], at("09:00"), at("09:30"), later,
                          later + 600)
    assert hold is not None
    assert hold.desk == "S01"
    booked = await db.write(bookings.book, make_request("cie", at("09:00"), desks=["S01"]),
                            later + 600)
    assert isinstance(booked, Booked)
    assert booked.desk == "S01"
    assert await db.write(holds.purge_expired, later + 600) == 2


async def test_the_owners_own_hold_does_not_block_them(db: Database, make_request) -> None:
    await db.write(holds.place, 1, "cie", ["S03"], at("09:00"), at("09:30"), NOW, NOW + 600)
    booked = await db.write(bookings.book, make_request("cie", at("09:00")), NOW)
    assert isinstance(booked, Booked)
    assert booked.desk == "S03"
    assert await db.read(holds.live, 1, NOW) is None  # released by the booking
    assert await db.read(active) == [("S03", at("09:00"), at("09:30"), 1)]


async def test_a_desk_closed_at_run_time_is_refused(db: Database, make_request) -> None:
    await db.write(closures.add, DAY, DAY, "S01", "training", None, NOW)
    request = make_request("cie", at("09:00"), desks=["S01"])
    assert await db.write(bookings.book, request, NOW) is Refusal.CLOSED
    booked = await db.write(bookings.book, make_request("cie", at("09:00"),
                                                        desks=["S01", "S02"]), NOW)
    assert isinstance(booked, Booked)
    assert booked.desk == "S02"


async def test_every_offered_time_can_be_booked(db: Database, office: Office,
                                                make_request) -> None:
    """Book offered times in random order until the day is full: each one succeeds."""
    service = office.services["cie"]
    await db.write(insert, "S01", at("08:35"), at("09:05"))  # off the slot grid
    await db.write(holds.place, 99, "cie", ["S02"], at("10:00"), at("10:30"), NOW, NOW + 3600)
    await db.write(closures.add, DAY, DAY, "S06", "training", None, NOW)
    now, chance, count = datetime.fromtimestamp(NOW), random.Random(7), 0
    while True:
        taken, closed = await db.read(day_view, service.desks, 1)
        slots = free_slots(office, service, DAY, taken, closed, now)
        if not slots:
            break
        slot = chance.choice(slots)
        desks = desks_free_at(office, service, slot.start, taken, closed, now)
        assert desks[0] == slot.desk
        result = await db.write(bookings.book, make_request("cie", to_ts(slot.start),
                                                            desks=desks), NOW)
        assert isinstance(result, Booked)
        assert result.desk == slot.desk
        count += 1
    taken, closed = await db.read(day_view, service.desks, 1)
    assert day_states(office, service, [DAY], taken, closed, now) == {DAY: DayState.FULL}
    rows = await db.read(active)
    assert len(rows) == count + 1
    assert count > 40
    assert not [row for row in rows if row[0] == "S06"]  # closed
    assert not [row for row in rows if row[0] == "S02" and row[1] < at("10:30")
                and at("10:00") < row[2]]  # held by citizen 99


async def test_limits_per_account_and_per_codice_fiscale(db: Database, make_request) -> None:
    def book(start: str, user: int, cf: str, **fields: object):
        request = make_request("cie", at(start), user_id=user, codice_fiscale=cf,
                               max_per_account=2, max_per_codice_fiscale=1, **fields)
        return db.write(bookings.book, request, NOW)

    first = await book("09:00", 1, "RSSMRA85T10A562S")
    second = await book("09:30", 1, "VRDLGU70A01A390X")
    assert isinstance(first, Booked)
    assert isinstance(second, Booked)
    assert await book("10:00", 1, "BNCGNN90B41A390Y") is Refusal.LIMIT_ACCOUNT
    assert await book("10:00", 2, "RSSMRA85T10A562S") is Refusal.LIMIT_CODICE_FISCALE
    moved = await book("11:00", 1, "VRDLGU70A01A390X", replaces=second.id)
    assert isinstance(moved, Booked)  # a reschedule does not count against the limits
    assert [b.id for b in await db.read(bookings.upcoming_for_user, 1, NOW)] == [first.id,
                                                                                 moved.id]
    await db.write(bookings.cancel, first.id, NOW, by="citizen")
    assert isinstance(await book("10:00", 2, "RSSMRA85T10A562S"), Booked)


@asynccontextmanager
async def opened(db: Database, count: int) -> AsyncIterator[list[Database]]:
    """`db` and `count - 1` more connections to the same database."""
    pool = [db, *[await Database.open(db.target) for _ in range(count - 1)]]
    try:
        yield pool
    finally:
        for other in pool[1:]:
            await other.close()


async def test_20_citizens_race_to_hold_one_time_and_one_holds_it(db: Database) -> None:
    """No rule in the schema keeps holds apart: the write transaction does (SQLite's single
    writer, PostgreSQL's serializable isolation)."""
    async with opened(db, 4) as pool:
        held = await asyncio.gather(*(
            pool[n % 4].write(holds.place, 10 + n, "cie", ["S01"], at("09:00"), at("09:30"),
                              NOW, NOW + 600) for n in range(20)))
    [winner] = [hold for hold in held if hold is not None]
    assert await rows(db, "SELECT owner, desk, start_ts FROM holds") == [
        (winner.owner, "S01", at("09:00"))]


async def test_one_account_booking_10_times_at_once_gets_only_its_limit(
        db: Database, make_request: MakeRequest) -> None:
    async with opened(db, 4) as pool:
        results = await asyncio.gather(*(
            pool[n % 4].write(bookings.book, make_request(
                "cie", at("09:00") + n * 1800, desks=["S01"], user_id=1, max_per_account=2), NOW)
            for n in range(10)))
    assert sorted(map(type, results), key=str) == sorted([Booked] * 2 + [Refusal] * 8, key=str)
    assert {r for r in results if isinstance(r, Refusal)} == {Refusal.LIMIT_ACCOUNT}
    assert await rows(db, "SELECT count(*) FROM bookings WHERE user_id = 1") == [(2,)]


async def racers_for_the_last_time(db: Database, office: Office,
                                   make_request: MakeRequest) -> list[Request]:
    """Every desk of the service taken all day but S04 from 12:30; 200 citizens who want it."""
    service = office.services["cie"]

    def fill(conn: Connection) -> None:
        for desk in service.desks:
            insert(conn, desk, at("08:30"), at("12:30") if desk == "S04" else at("13:00"))
            insert(conn, desk, at("15:00"), at("17:30"))

    await db.write(fill)
    await db.write(register, range(1000, 1200))
    now = datetime.fromtimestamp(NOW)
    taken, closed = await db.read(day_view, service.desks, None)
    [last] = free_slots(office, service, DAY, taken, closed, now)
    assert (to_ts(last.start), last.desk) == (at("12:30"), "S04")
    desks = desks_free_at(office, service, last.start, taken, closed, now)
    return [make_request("cie", at("12:30"), desks=desks, user_id=1000 + n) for n in range(200)]


async def assert_one_winner(db: Database, outcomes: list[tuple[int, Booked | Refusal]]) -> None:
    """`outcomes`: each racer's user id and result."""
    [(user, winner)] = [(u, r) for u, r in outcomes if isinstance(r, Booked)]
    assert [r for _, r in outcomes].count(Refusal.TAKEN) == 199
    rows = await db.read(lambda conn: conn.execute(
        f"SELECT id, desk, user_id FROM bookings WHERE status IN {OCCUPYING_SQL}"
        " AND start_ts = ?", (at("12:30"),)).fetchall())
    assert [tuple(row) for row in rows] == [(winner.id, "S04", user)]


@pytest.mark.parametrize("connections", [1, 4])
async def test_200_citizens_race_for_the_last_free_time(db: Database, office: Office,
                                                        make_request: MakeRequest,
                                                        connections: int) -> None:
    requests = await racers_for_the_last_time(db, office, make_request)
    async with opened(db, connections) as pool:
        results = await asyncio.gather(*(
            pool[n % connections].write(bookings.book, request, NOW)
            for n, request in enumerate(requests)))
    await assert_one_winner(db, [(r.user_id, result) for r, result in zip(requests, results,
                                                                          strict=True)])


async def test_200_citizens_in_4_processes_race_for_the_last_free_time(
        db: Database, office: Office, make_request: MakeRequest) -> None:
    """As four bot workers sharing one database would: each process books 50 at once."""
    requests = await racers_for_the_last_time(db, office, make_request)
    spawn = multiprocessing.get_context("spawn")  # no forking a process that runs threads
    start, answers = spawn.Barrier(4), spawn.Queue()
    workers = [spawn.Process(target=race, args=(str(db.target), requests[n::4], NOW, start,
                                                answers)) for n in range(4)]
    for worker in workers:
        worker.start()
    outcomes = [outcome for _ in workers
                for outcome in await asyncio.to_thread(answers.get, timeout=120)]
    for worker in workers:
        await asyncio.to_thread(worker.join)
        assert worker.exitcode == 0
    await assert_one_winner(db, outcomes)
