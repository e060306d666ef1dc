"""Booking conversations per second through the webhook with 1, 2 and 4 worker processes, next to
one process as `sportello run` serves (updates handed to the application in-process), on SQLite
and on PostgreSQL (--engine, default both), in the same run, with a Bot API round trip of
--latency-ms (default 50) on every call.

Every citizen books as in bench/bench_updates.py (nine updates: /book, category, service, day,
time, name, codice fiscale, note, confirm), all citizens at once. This process plays Telegram: it
answers the bot's Bot API calls over HTTP after the round trip (bot/testing/http_api.py), for
the single process as for the workers. For the webhook it posts each update to
`sportello serve --workers N` (a real process tree: uvicorn, N workers sharing one socket) and
sends a citizen's next update once the last is processed (read in the inbox). Pacing is off
(SPORTELLO_SEND_RATE=0): the figure is the application's capacity, not Telegram's 30 messages a
second. The workers' CPU time (from /proc) says what more cores would give; the single process
runs inside this one, so its CPU is not told apart from Telegram's side.

Every run has a database of its own, empty and migrated: a new SQLite file, or a new database
in a throw-away PostgreSQL cluster (bot/testing/postgres.py) started for the run on a unix
socket, which the workers and the single process reach through SPORTELLO_DATABASE_URL as a
deployment does. That cluster runs with fsync, synchronous_commit and full_page_writes OFF:
its commits never wait for the disk, while SQLite syncs its log at every booking's commit, so
the PostgreSQL figures are kinder than a durable server's would be. The server's CPU (the
postmaster and its backends, from /proc) is told apart from the workers'. After each run the
bookings are checked: two active bookings at one desk at overlapping times are counted. A
webhook run also says how many updates were taken again because their chat's lease expired
before they were marked done (processed twice), or given up: on a machine too small for the
load, workers starved of CPU miss their leases.

    python -m bench.bench_webhook [--citizens 200] [--workers 1 2 4] [--latency-ms 50]
                                  [--engine sqlite|postgres|both]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.bench_updates import FIRST_USER, Citizen, codici_fiscali
from bot.app import build_application, prepare
from bot.config import load_office
from bot.domain.model import Office
from bot.pacing import Unpaced
from bot.testing.deployment import PATH, SECRET, deployment
from bot.testing.http_api import serving
from bot.testing.local_api import LocalBotAPI, RoundTrip
from bot.testing.local_user import LocalUser
from bot.testing.postgres import SETTINGS, Cluster
from bot.testing.webhook_client import Telegram, WebhookUser
from storage.db import Database

TICK = os.sysconf("SC_CLK_TCK")
ENGINES = {"sqlite": ["sqlite"], "postgres": ["postgres"], "both": ["sqlite", "postgres"]}
OVERLAPS = (
    "SELECT a.desk, COUNT(*) FROM bookings a JOIN bookings b ON a.desk = b.desk AND a.id < b.id"
    " AND a.start_ts < b.end_ts AND b.start_ts < a.end_ts"
    " WHERE a.status IN ('booked', 'checked_in', 'in_service', 'served')"
    " AND b.status IN ('booked', 'checked_in', 'in_service', 'served') GROUP BY a.desk")
"""Pairs of bookings holding one desk at overlapping times, per desk: the statuses and the
half-open ranges of the rule bookings_no_overlap (migration 0001)."""
RETRIED = ("SELECT COALESCE(SUM(CASE WHEN attempts > 1 THEN 1 ELSE 0 END), 0),"
           " COALESCE(SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END), 0) FROM inbox")
"""Updates a worker took again (its lease on the chat expired before the update was marked
done: processed twice), and updates given up after inbox.MAX_ATTEMPTS."""


@dataclass
class Engine:
    """Where the runs' databases are: SQLite files, or a throw-away PostgreSQL cluster."""

    name: str
    cluster: Cluster | None = None
    runs: int = 0

    @classmethod
    @contextmanager
    def start(cls, choice: str) -> Iterator[Engine]:
        if choice == "sqlite":
            yield cls("SQLite")
            return
        cluster = Cluster.start()
        try:
            yield cls("PostgreSQL", cluster)
        finally:
            cluster.stop()

    def describe(self) -> str:
        if self.cluster is None:
            return ("SQLite: a new file per run in a temporary folder, WAL, synchronous = FULL "
                    "(a booking's commit waits for the disk)")
        durability = ", ".join(f"{key} = {SETTINGS[key]}" for key in
                               ("fsync", "synchronous_commit", "full_page_writes"))
        return (f"PostgreSQL (server binaries {self.cluster.bin}): a throw-away cluster on a unix "
                f"socket, a new migrated database per run, {durability}: commits never wait for "
                "the disk, kinder than a durable server; its CPU is counted apart")

    @contextmanager
    def fresh(self, folder: Path) -> Iterator[str | Path]:
        """An empty database of its own for one run: a file in `folder`, or a new database in
        the cluster (Database.open migrates it)."""
        if self.cluster is None:
            yield folder / "bench.db"
            return
        self.runs += 1
        yield self.cluster.create_database(f"bench{self.runs}")

    def server_cpu(self) -> float | None:
        """CPU seconds used so far by the PostgreSQL server: the postmaster and its backends."""
        if self.cluster is None:
            return None
        pid = int((self.cluster.folder / "data" / "postmaster.pid").read_text().split()[0])
        return tree_cpu(pid)


def settings(target: str | Path) -> dict[str, str]:
    """The environment that points `sportello serve` at the run's database."""
    if isinstance(target, str):
        return {"SPORTELLO_DATABASE_URL": target}
    return {"SPORTELLO_DB": str(target)}


@dataclass(frozen=True)
class Result:
    label: str
    citizens: int
    booked: int
    seconds: float
    double_booked: dict[str, int]
    """Pairs of overlapping bookings per desk, found after the run (none, if all is well)."""
    worker_cpu: float | None = None
    """CPU seconds of the worker processes during the run."""
    own_cpu: float = 0.0
    """CPU seconds of this process (Telegram and the Bot API's side, or the whole bot)."""
    server_cpu: float | None = None
    """CPU seconds of the PostgreSQL server during the run."""
    latency: tuple[float, float] | None = None
    """Median and 95th percentile, seconds from an update's receipt to its end."""
    trouble: tuple[int, int, int] | None = None
    """Updates taken again, updates given up, ERROR lines in the workers' log."""

    @property
    def rate(self) -> float:
        return self.citizens / self.seconds

    def describe(self) -> str:
        text = (f"{self.label:<38} {self.rate:6.1f} conversations/s ({self.rate * 9:5.0f} "
                f"updates/s), {self.booked}/{self.citizens} booked, double bookings: ")
        text += ", ".join(f"desk {desk} {pairs}" for desk, pairs in
                          sorted(self.double_booked.items())) or "none"
        if self.worker_cpu is not None:
            text += f", workers {self.worker_cpu / self.citizens * 1000:.0f} ms CPU/conversation"
        if self.server_cpu is not None:
            text += f", PostgreSQL {self.server_cpu / self.citizens * 1000:.0f} ms"
        if self.latency:
            text += (f", update latency p50 {self.latency[0] * 1000:.0f} ms "
                     f"p95 {self.latency[1] * 1000:.0f} ms")
        if self.trouble and any(self.trouble):
            again, failed, errors = self.trouble
            text += (f"; OVERLOADED: {again} updates taken again after their chat's lease "
                     f"expired, {failed} given up, {errors} errors in the workers' log")
        return text


def tree_cpu(pid: int) -> float:
    """CPU seconds used so far by process `pid` and its descendants still alive (Linux)."""
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / TICK
        pending += [int(child) for child in children]
    return total


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentiles(db_values: list[tuple[int, int]]) -> tuple[float, float]:
    spans = sorted((done - received) / 1000 for received, done in db_values)
    return spans[len(spans) // 2], spans[int(len(spans) * 0.95)]


async def run_webhook(office: Office, count: int, cfs: list[str], folder: Path, engine: Engine,
                      target: str | Path, workers: int, latency: float) -> Result:
    api = LocalBotAPI(round_trip=RoundTrip(latency))
    db = await Database.open(target)
    try:
        limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
        async with (deployment(workers, api, folder / "serve.log", settings(target)) as serving,
                    httpx.AsyncClient(base_url=serving.url, limits=limits,
                                      timeout=60) as http):
            await serving.ready(http, workers)
            telegram = Telegram([http], PATH, SECRET, db)
            citizens = [Citizen(WebhookUser(api, telegram, FIRST_USER + n), office, n, cfs[n])
                        for n in range(count)]
            cpu_before, mine_before = tree_cpu(serving.process.pid), own_cpu()
            server_before, started = engine.server_cpu(), time.perf_counter()
            await asyncio.gather(*(_walk(citizen) for citizen in citizens))
            seconds = time.perf_counter() - started
            cpu, mine = tree_cpu(serving.process.pid) - cpu_before, own_cpu() - mine_before
            server = _spent(server_before, engine.server_cpu())
        booked = await count_booked(db, citizens)
        spans = await db.read(lambda conn: conn.execute(
            "SELECT received_ms, finished_ms FROM inbox WHERE state = 'done'").fetchall())
        doubled = await double_bookings(db)
        again, failed = (await db.read(lambda conn: conn.tuples(RETRIED)))[0]
    finally:
        await db.close()
    errors = sum(" ERROR " in line for line in
                 (folder / "serve.log").read_text(errors="replace").splitlines())
    label = f"{engine.name}, webhook, {workers} worker{'s' if workers > 1 else ''}"
    return Result(label, count, booked, seconds, doubled, cpu, mine, server, percentiles(spans),
                  (int(again), int(failed), errors))


async def run_one_process(office: Office, count: int, cfs: list[str], engine: Engine,
                          target: str | Path, latency: float) -> Result:
    """The whole bot in this process, as `sportello run`: the Bot API over HTTP all the same."""
    api = LocalBotAPI(round_trip=RoundTrip(latency))
    db = await Database.open(target)
    try:
        async with serving(api) as api_url:
            application = build_application(office, db, token="0:bench", base_url=api_url,
                                            rate_limiter=Unpaced())
            async with application:
                await prepare(application)
                citizens = [Citizen(LocalUser(api, application, FIRST_USER + n), office, n,
                                    cfs[n]) for n in range(count)]
                mine_before, server_before = own_cpu(), engine.server_cpu()
                started = time.perf_counter()
                await asyncio.gather(*(_walk(citizen) for citizen in citizens))
                seconds, mine = time.perf_counter() - started, own_cpu() - mine_before
                server = _spent(server_before, engine.server_cpu())
        booked = await count_booked(db, citizens)
        doubled = await double_bookings(db)
    finally:
        await db.close()
    return Result(f"{engine.name}, one process (sportello run)", count, booked, seconds, doubled,
                  own_cpu=mine, server_cpu=server)


def _spent(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else after - before


async def count_booked(db: Database, citizens: list[Citizen]) -> int:
    """Citizens with a booking; what the others were told last is printed."""
    booked = {row[0] for row in await db.read(lambda conn: conn.execute(
        "SELECT user_id FROM bookings WHERE status = 'booked'").fetchall())}
    for citizen in citizens:
        if citizen.user.id not in booked:
            last = citizen.user.messages[-1].text if citizen.user.messages else "(nothing)"
            print(f"  citizen {citizen.index} ({citizen.service.code}) has no booking; last "
                  f"told: {last[:150]!r}")
    return len(booked & {citizen.user.id for citizen in citizens})


async def double_bookings(db: Database) -> dict[str, int]:
    return {desk: pairs for desk, pairs in await db.read(
        lambda conn: conn.tuples(OVERLAPS))}


async def _walk(citizen: Citizen) -> None:
    """Every step of the conversation; a citizen left with no button to press (an update given
    up) stops there, and count_booked says what it was told last."""
    try:
        for step in citizen.steps():
            await step()
    except LookupError:
        return


async def main(count: int, worker_counts: list[int], latency: float, engines: list[str]) -> None:
    office = load_office()
    cfs = codici_fiscali(count)
    print(f"{count} citizens booking at once, a Bot API round trip of {latency * 1000:g} ms "
          f"assumed on every call, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f} before the run")
    measured = {}
    for choice in engines:
        with Engine.start(choice) as engine:
            print(engine.describe(), flush=True)
            measured[engine.name] = await run_engine(office, count, cfs, engine, worker_counts,
                                                     latency)
    if len(measured) > 1:
        sqlite, (postgres, webhook) = measured["SQLite"][0], measured["PostgreSQL"]
        print(f"PostgreSQL / SQLite's one process: one process {postgres.rate / sqlite.rate:.2f}"
              + "".join(f", {workers} worker{'s' if workers > 1 else ''} "
                        f"{result.rate / sqlite.rate:.2f}" for workers, result in webhook.items()))
    print(f"load average {os.getloadavg()[0]:.1f} after the run (other work on this machine "
          "takes its share of the cores)")


async def run_engine(office: Office, count: int, cfs: list[str], engine: Engine,
                     worker_counts: list[int], latency: float
                     ) -> tuple[Result, dict[int, Result]]:
    """The single process, then the webhook with each number of workers, on one engine."""
    with tempfile.TemporaryDirectory() as folder, engine.fresh(Path(folder)) as target:
        single = await run_one_process(office, count, cfs, engine, target, latency)
    print(single.describe(), f"(this process: {single.own_cpu:.1f} s CPU, the bot and "
          "Telegram's side)", flush=True)
    results = {}
    for workers in worker_counts:
        with tempfile.TemporaryDirectory() as folder, engine.fresh(Path(folder)) as target:
            results[workers] = await run_webhook(office, count, cfs, Path(folder), engine,
                                                 target, workers, latency)
        print(results[workers].describe(), f"(this process: {results[workers].own_cpu:.1f} s "
              "CPU as Telegram and the Bot API)", flush=True)
    report(engine, single, results)
    return single, results


def report(engine: Engine, single: Result, results: dict[int, Result]) -> None:
    base = results.get(1)
    if base is None:
        return
    ratios = {workers: result.rate / base.rate for workers, result in results.items()}
    print(f"{engine.name} scaling, N workers / 1 worker: " + ", ".join(
        f"{workers}: {ratio:.2f}" for workers, ratio in sorted(ratios.items())))
    print(f"{engine.name} webhook with 1 worker / one process: {base.rate / single.rate:.2f}")
    assert base.worker_cpu is not None
    cpu = base.worker_cpu / base.citizens
    helper = base.own_cpu / base.citizens
    cores = os.cpu_count() or 1
    server = ""
    if base.server_cpu is not None:
        server = f", the PostgreSQL server {base.server_cpu / base.citizens * 1000:.0f} ms"
    print(f"one conversation costs the workers {cpu * 1000:.0f} ms of CPU{server} (and this "
          f"process, playing Telegram and the Bot API, {helper * 1000:.0f} ms), on {cores} "
          "cores shared with everything else on this machine.")
    keeps_up = ("if the database keeps up (SQLite takes one writer at a time)"
                if engine.cluster is None else
                "if the PostgreSQL server, on cores of its own, keeps up (here with fsync off)")
    for more in (4, 8, 16):
        print(f"  {more} cores for the workers alone: at most {more / cpu:,.0f} "
              f"conversations/s, {keeps_up}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=200)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--latency-ms", type=float, default=50.0,
                        help="a network round trip added to every Bot API call (default 50)")
    parser.add_argument("--engine", choices=sorted(ENGINES), default="both",
                        help="the database of the runs (default both, SQLite first)")
    args = parser.parse_args()
    asyncio.run(main(args.citizens, args.workers, args.latency_ms / 1000, ENGINES[args.engine]))
