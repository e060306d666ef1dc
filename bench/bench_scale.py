"""Costs that grow no faster than the office: the sample office (25 desks) copied to `--desks`
desks (default 25, 100 and 400: 16 times Arezzo), each with a year of history (about 15 visits a
desk a day: 1.7 million bookings at 400 desks) and the next month booked, in SQLite.

Printed for each size: the month view of a service (its desks grow with the office), the agenda
of one day (every desk, every page), /stats for a year (its time, its peak Python memory, and the
longest the database is held by one of its reads) and the daily retention purge (a day's
bookings); then each size's cost as a multiple of the smallest's, taken of the least CPU time
of the runs (the clock's median, which a machine shared with other work inflates, in brackets).
Each run times every size in turn, so that a change in the machine's other work meanwhile
weighs on every size alike.
Target: 16 times the desks costs at most 16 times the time; /stats a few MB whatever the size,
no read held longer than a few milliseconds. Reads run in the event loop's thread
(storage/sqlite.py): a read held long delays every update meanwhile.

Building a year of 400 desks takes minutes: `--keep FOLDER` builds each size once there and
reuses it in later runs.

    python -m bench.bench_scale [--desks 25 100 400] [--runs 30] [--keep FOLDER]
        [--no-stats | --stats-runs 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from bot.config import load_office
from bot.domain.arguments import Period
from bot.domain.availability import booking_window
from bot.domain.clock import Clock
from bot.domain.model import Office, to_ts
from bot.i18n import I18n
from bot.services import free_time
from bot.services.statistics import period_stats
from handlers.agenda_view import pages
from storage import agenda, privacy
from storage.db import Database, Mode
from storage.engine import Connection
from tests.seed import insert_history

T = TypeVar("T")
NOW = datetime(2026, 11, 23, 7, 30, tzinfo=ZoneInfo("Europe/Rome"))
"""A Monday morning, office time; the history is the year before it."""
SERVICE = "cie"
PER_DESK = 15
"""Visits a desk a day, as Arezzo's: 380 a day for 25 desks."""


def scaled(office: Office, desks: int) -> Office:
    """`office` with each desk copied (hours and services alike) up to `desks` desks."""
    copies = max(1, desks // len(office.desks))

    def names(code: str) -> list[str]:
        return [code if n == 0 else f"{code}.{n}" for n in range(copies)]

    return replace(
        office,
        desks={name: replace(desk, code=name) for code, desk in office.desks.items()
               for name in names(code)},
        services={code: replace(service, desks=tuple(name for desk in service.desks
                                                     for name in names(desk)))
                  for code, service in office.services.items()})


@dataclass(frozen=True)
class Scope:
    """What bot/services/free_time.py needs: the office, the database, the time."""

    office: Office
    db: Database
    clock: Clock

    def nudge(self) -> None:
        return None


class FixedClock:
    def now(self) -> datetime:
        return NOW


class LongestRead:
    """Notes how long each transaction held the database: the time its work took in the
    database's thread, on the clock and in CPU (the CPU time does not count the waits of a
    machine shared with other work)."""

    def __init__(self, db: Database) -> None:
        self.longest, self.reads = 0.0, 0
        self.cpu: list[float] = []
        self.db = db
        self.run = run = db._transaction  # noqa: SLF001 (the one way every transaction goes)

        def timed(work: Callable[[Connection], T]) -> Callable[[Connection], T]:
            def held(conn: Connection) -> T:
                began, cpu = time.perf_counter(), time.thread_time()
                try:
                    return work(conn)
                finally:
                    self.longest = max(self.longest, time.perf_counter() - began)
                    self.cpu.append(time.thread_time() - cpu)
                    self.reads += 1
            return held

        async def transaction(mode: Mode, work: Callable[[Connection], T]) -> T:
            return await run(mode, timed(work))

        db._transaction = transaction  # type: ignore[method-assign]  # noqa: SLF001

    def stop(self) -> None:
        self.db._transaction = self.run  # type: ignore[method-assign]  # noqa: SLF001


@dataclass(frozen=True)
class Cost:
    wall_ms: float
    cpu_ms: float
    """The process's CPU time (every thread), the least of the runs: what a machine shared with
    other work inflates least. The multiples are taken of it."""


@dataclass
class Runs:
    """The times of one piece of work at one size, run by run."""

    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)

    async def time(self, work: Callable[[int], Awaitable[Any]]) -> None:
        began, cpu = time.perf_counter(), time.process_time()
        await work(len(self.walls))
        self.walls.append((time.perf_counter() - began) * 1000)
        self.cpus.append((time.process_time() - cpu) * 1000)

    def cost(self) -> Cost:
        return Cost(statistics.median(self.walls), min(self.cpus))


async def build(db: Database, office: Office) -> int:
    """A year of history and the next month, a month per transaction."""
    per_day, count = PER_DESK * len(office.desks), 0
    day = NOW.date() - timedelta(days=365)
    while day < NOW.date() + timedelta(days=31):
        last = min(day + timedelta(days=30), NOW.date() + timedelta(days=31))
        count += await db.write(insert_history, office, day, last, per_day, day.toordinal())
        day = last + timedelta(days=1)
    return count


def remove(path: Path) -> None:
    """`path` and its WAL files, left by a build that was stopped."""
    for stale in path.parent.glob(f"{path.name}*"):
        stale.unlink()


async def opened(office: Office, folder: Path) -> tuple[Database, int, float]:
    """The database of `office` in `folder`, built unless a finished one is there already (a
    file is renamed into place only once whole)."""
    path = folder / f"{len(office.desks)}-desks-{PER_DESK}.db"
    began = time.perf_counter()
    if not path.exists():
        building = path.with_suffix(".building")
        remove(building)
        db = await Database.open(building)
        await build(db, office)
        await db.close()
        building.rename(path)
    db = await Database.open(path)
    count = await db.read(lambda conn: conn.tuples("SELECT count(*) FROM bookings")[0][0])
    return db, count, time.perf_counter() - began


@dataclass
class Size:
    """One size of the office: its database and the work timed on it."""

    office: Office
    db: Database
    work: dict[str, Callable[[int], Awaitable[Any]]]
    year_stats: Callable[[], Awaitable[Any]]
    purged: list[int]
    """Bookings purged by each run of the retention purge."""
    runs: dict[str, Runs] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


async def prepare(office: Office, folder: Path) -> Size:
    db, count, built = await opened(office, folder)
    scope = Scope(office, db, FixedClock())
    service = office.services[SERVICE]
    month = booking_window(office, NOW).days()[:31]
    t = I18n()("it")
    day = NOW.date() + timedelta(days=3)
    start, end = Period(day, day).bounds(office.tz)
    year = Period(NOW.date() - timedelta(days=365), NOW.date() - timedelta(days=1))
    # The daily purge: each run purges the bookings of one more day, from the oldest not yet
    # purged (a database kept from an earlier run has had some purged).
    oldest = await db.read(lambda conn: conn.tuples(
        "SELECT min(end_ts) FROM bookings WHERE purged_ts IS NULL")[0][0])
    purged: list[int] = []

    async def month_view(_: int) -> None:
        await free_time.ask(scope, service, lambda cal: cal.states(month))

    async def whole_agenda(_: int) -> None:
        pages(await db.read(agenda.between, start, end), office, t, day, None)

    async def purge(run: int) -> None:
        purged.append(await db.write(privacy.purge_older_than, oldest + (run + 1) * 86400,
                                     to_ts(NOW)))

    print(f"{len(office.desks)} desks: {count:,} bookings (built in {built:.0f} s); "
          f"{service.code} at {len(service.desks)} desks; the agenda of {day} "
          f"{len(await db.read(agenda.between, start, end)):,} bookings")
    return Size(office, db, {"month view": month_view, "agenda of a day": whole_agenda,
                             "retention purge": purge},
                lambda: period_stats(db, office, year), purged)


async def stats_of(size: Size, first: bool) -> None:
    """/stats for a year timed; the first time with every read's hold noted, then once more
    traced for memory."""
    reads = LongestRead(size.db) if first else None
    await size.runs.setdefault("/stats for a year", Runs()).time(lambda _: size.year_stats())
    if reads is None:
        return
    reads.stop()
    tracemalloc.start()
    await size.year_stats()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    held = [ms * 1000 for ms in sorted(reads.cpu)]
    size.notes.append(
        f"  /stats for a year: {reads.reads} reads, each held the database for: median "
        f"{held[len(held) // 2]:.1f} ms CPU, p99 {held[len(held) * 99 // 100]:.1f} ms, the "
        f"longest {held[-1]:.1f} ms (on the clock {reads.longest * 1000:.1f} ms); peak Python "
        f"memory {peak:.1f} MB (another run, traced)")


async def main(args: argparse.Namespace) -> None:
    office = load_office()
    print(f"bench_scale: the sample office copied to {', '.join(map(str, args.desks))} desks; "
          f"SQLite, WAL; {args.runs} runs of each size in turn; load average "
          f"{' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    sizes: dict[int, Size] = {}
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        try:
            for desks in args.desks:
                sizes[desks] = await prepare(scaled(office, desks), folder)
            for _ in range(args.runs):
                for size in sizes.values():
                    for name, work in size.work.items():
                        await size.runs.setdefault(name, Runs()).time(work)
            for run in range(args.stats_runs if args.stats else 0):
                for size in sizes.values():
                    await stats_of(size, run == 0)
            for desks, size in sizes.items():
                print(f"{desks} desks (the purge: {statistics.median(size.purged):,.0f} "
                      f"bookings a day)")
                for name, runs in size.runs.items():
                    cost = runs.cost()
                    print(f"  {name:<20} {cost.wall_ms:9.2f} ms median, "
                          f"{cost.cpu_ms:9.2f} ms CPU (least)")
                for note in size.notes:
                    print(note)
        finally:
            for size in sizes.values():
                await size.db.close()
    results = {desks: {name: runs.cost() for name, runs in size.runs.items()}
               for desks, size in sizes.items()}
    smallest = min(results)
    print(f"\ncost as a multiple of {smallest} desks' (CPU time; the clock's in brackets); "
          f"target: n times the desks at most n times the cost")
    for desks, found in sorted(results.items()):
        if desks == smallest:
            continue
        times = desks / smallest
        parts = []
        for name, cost in found.items():
            base = results[smallest][name]
            cpu, wall = cost.cpu_ms / base.cpu_ms, cost.wall_ms / base.wall_ms
            parts.append(f"{name} x{cpu:.1f} (x{wall:.1f}){'' if cpu <= times else ' MISSED'}")
        print(f"  {desks} desks (x{times:g}): " + ", ".join(parts))
    print(f"load average at the end: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--desks", type=int, nargs="+", default=[25, 100, 400])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", type=Path, metavar="FOLDER",
                        help="build each size's database in FOLDER once and reuse it after")
    parser.add_argument("--no-stats", dest="stats", action="store_false",
                        help="leave /stats out (a minute at 400 desks)")
    parser.add_argument("--stats-runs", type=int, default=2,
                        help="runs of /stats at each size (each size in turn), 2 unless told")
    asyncio.run(main(parser.parse_args()))
