"""Booking conversations per second through the webhook with 1, 2 and 4 worker processes, next to
one process as `sportello run` serves (updates handed to the application in-process), on SQLite,
in the same run, with a Bot API round trip of --latency-ms (default 50) on every call.

Every citizen books as in bench/bench_updates.py (nine updates: /book, category, service, day,
time, name, codice fiscale, note, confirm), all citizens at once. This process plays Telegram: it
answers the bot's Bot API calls over HTTP after the round trip (bot/testing/http_api.py), for
the single process as for the workers. For the webhook it posts each update to
`sportello serve --workers N` (a real process tree: uvicorn, N workers sharing one socket) and
sends a citizen's next update once the last is processed (read in the inbox). Pacing is off
(SPORTELLO_SEND_RATE=0): the figure is the application's capacity, not Telegram's 30 messages a
second. The workers' CPU time (from /proc) says what more cores would give; the single process
runs inside this one, so its CPU is not told apart from Telegram's side.

    python -m bench.bench_webhook [--citizens 200] [--workers 1 2 4] [--latency-ms 50]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import tempfile
import time
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
from bot.testing.webhook_client import Telegram, WebhookUser
from storage.db import Database

TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Result:
    label: str
    citizens: int
    booked: int
    seconds: float
    worker_cpu: float | None = None
    """CPU seconds of the worker processes during the run."""
    own_cpu: float = 0.0
    """CPU seconds of this process (Telegram and the Bot API's side, or the whole bot)."""
    latency: tuple[float, float] | None = None
    """Median and 95th percentile, seconds from an update's receipt to its end."""

    @property
    def rate(self) -> float:
        return self.citizens / self.seconds

    def describe(self) -> str:
        text = (f"{self.label:<26} {self.rate:6.1f} conversations/s ({self.rate * 9:5.0f} "
                f"updates/s), {self.booked}/{self.citizens} booked")
        if self.worker_cpu is not None:
            text += f", workers {self.worker_cpu / self.citizens * 1000:.0f} ms CPU/conversation"
        if self.latency:
            text += (f", update latency p50 {self.latency[0] * 1000:.0f} ms "
                     f"p95 {self.latency[1] * 1000:.0f} ms")
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


async def run_webhook(office: Office, count: int, cfs: list[str], folder: Path, workers: int,
                      latency: float) -> Result:
    api = LocalBotAPI(round_trip=RoundTrip(latency))
    db = await Database.open(folder / "bench.db")
    try:
        limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
        async with (deployment(workers, api, folder / "serve.log",
                               {"SPORTELLO_DB": str(db.target)}) as serving,
                    httpx.AsyncClient(base_url=serving.url, limits=limits,
                                      timeout=60) as http):
            await serving.ready(http, workers)
            telegram = Telegram([http], PATH, SECRET, db)
            citizens = [Citizen(WebhookUser(api, telegram, FIRST_USER + n), office, n, cfs[n])
                        for n in range(count)]
            cpu_before, mine_before = tree_cpu(serving.process.pid), own_cpu()
            started = time.perf_counter()
            await asyncio.gather(*(_walk(citizen) for citizen in citizens))
            seconds = time.perf_counter() - started
            cpu, mine = tree_cpu(serving.process.pid) - cpu_before, own_cpu() - mine_before
        booked = await count_booked(db, citizens)
        spans = await db.read(lambda conn: conn.execute(
            "SELECT received_ms, finished_ms FROM inbox WHERE state = 'done'").fetchall())
    finally:
        await db.close()
    label = f"webhook, {workers} worker{'s' if workers > 1 else ''}"
    return Result(label, count, booked, seconds, cpu, mine, percentiles(spans))


async def run_one_process(office: Office, count: int, cfs: list[str], folder: Path,
                          latency: float) -> Result:
    """The whole bot in this process, as `sportello run`: the Bot API over HTTP all the same."""
    api = LocalBotAPI(round_trip=RoundTrip(latency))
    db = await Database.open(folder / "bench.db")
    try:
        async with serving(api) as api_url:
            application = build_application(office, db, token="0:bench", base_url=api_url,
                                            rate_limiter=Unpaced())
            async with application:
                await prepare(application)
                citizens = [Citizen(LocalUser(api, application, FIRST_USER + n), office, n,
                                    cfs[n]) for n in range(count)]
                mine_before, started = own_cpu(), time.perf_counter()
                await asyncio.gather(*(_walk(citizen) for citizen in citizens))
                seconds, mine = time.perf_counter() - started, own_cpu() - mine_before
        booked = await count_booked(db, citizens)
    finally:
        await db.close()
    return Result("one process (sportello run)", count, booked, seconds, own_cpu=mine)


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


async def _walk(citizen: Citizen) -> None:
    for step in citizen.steps():
        await step()


async def main(count: int, worker_counts: list[int], latency: float) -> None:
    office = load_office()
    cfs = codici_fiscali(count)
    print(f"{count} citizens booking at once, {latency * 1000:g} ms per Bot API call, SQLite, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} before the run")
    with tempfile.TemporaryDirectory() as folder:
        single = await run_one_process(office, count, cfs, Path(folder), latency)
    print(single.describe(), f"(this process: {single.own_cpu:.1f} s CPU, the bot and "
          "Telegram's side)", flush=True)
    results = {}
    for workers in worker_counts:
        with tempfile.TemporaryDirectory() as folder:
            results[workers] = await run_webhook(office, count, cfs, Path(folder), workers,
                                                 latency)
        print(results[workers].describe(), f"(this process: {results[workers].own_cpu:.1f} s "
              "CPU as Telegram and the Bot API)", flush=True)
    report(single, results)
    print(f"load average {os.getloadavg()[0]:.1f} after the run (other work on this machine "
          "takes its share of the cores)")


def report(single: Result, results: dict[int, Result]) -> None:
    base = results.get(1)
    if base is None:
        return
    ratios = {workers: result.rate / base.rate for workers, result in results.items()}
    print("scaling, N workers / 1 worker: " + ", ".join(
        f"{workers}: {ratio:.2f}" for workers, ratio in sorted(ratios.items())))
    print(f"webhook with 1 worker / one process: {base.rate / single.rate:.2f}")
    assert base.worker_cpu is not None
    cpu = base.worker_cpu / base.citizens
    helper = base.own_cpu / base.citizens
    cores = os.cpu_count() or 1
    print(f"one conversation costs the workers {cpu * 1000:.0f} ms of CPU (and this process, "
          f"playing Telegram and the Bot API, {helper * 1000:.0f} ms), on {cores} cores shared "
          "with everything else on this machine.")
    for more in (4, 8, 16):
        print(f"  {more} cores for the workers alone: at most {more / cpu:,.0f} "
              "conversations/s, if the database keeps up (SQLite takes one writer at a time; "
              "PostgreSQL many)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=200)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--latency-ms", type=float, default=50.0,
                        help="a network round trip added to every Bot API call (default 50)")
    args = parser.parse_args()
    asyncio.run(main(args.citizens, args.workers, args.latency_ms / 1000))
