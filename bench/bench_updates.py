"""Booking updates per second through the real Application, next to the floor: a bare
python-telegram-bot bot making exactly the same Bot API calls, with no database and no logic.

Many citizens book at once: each goes through their updates one after the other (/book,
category, service, day, time, name, codice fiscale, note, confirm), all at the same time, handed
to the application's update processor as polling would hand them; every update finds the
others' conversations, holds and bookings in the database. Citizens are spread over services,
days and times so that their bookings succeed.

The floor bot gets the same updates from the same citizens, under the same update processor and
concurrency, and answers each with the Bot API calls Sportello made for it in a recording run
(the same methods, texts, HTML and keyboards), made as a plain python-telegram-bot bot makes them
(keyboards built as objects, the bot's methods, answers turned into objects), and nothing else.
So the ratio sportello / floor is what Sportello's own work costs, whatever python-telegram-bot
and the Bot API cost. The lean floor sends the recorded calls as they are and leaves the answers
as JSON: less than any bot that builds its keyboards can cost. A bare echo bot (one plain reply
per text update, same processor) is printed too.

Runs are paired: in each round Sportello, then the floor, then the echo; the ratio is taken per
round, and its min / median / max printed. Both limiters are swapped for one that sends at once:
the application's own capacity, not Telegram's 30 messages a second (`--paced-citizens` shows
the rate as built, paced). Each `--latency-ms` value (default: 0 and 50) is one series.
`--profile` prints where a Sportello run spends its time, by kind of work.

    python -m bench.bench_updates [--citizens 300] [--rounds 5] [--latency-ms 0 50]
                                  [--paced-citizens 20] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from codicefiscale import codicefiscale
from telegram import Update
from telegram.ext import (
    ContextTypes,
    MessageHandler,
    filters,
)

from bench import network
from bench.floor_bot import (
    STEP,
    Call,
    RecordingAPI,
    Replay,
    Unpaced,
    bare,
    floor_bot,
    lean_call,
    typed_call,
)
from bench.profile_kinds import breakdown
from bot import memory
from bot.app import build_application, prepare
from bot.config import load_office
from bot.domain.model import Office
from bot.testing.local_api import LocalBotAPI, RoundTrip
from bot.testing.local_user import LocalUser
from storage.db import Database, Mode
from storage.engine import Connection

T = TypeVar("T")
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=ZoneInfo("Europe/Rome"))
FIRST_USER = 10_000
DAYS = 8
"""Free days each citizen may land on, from the first page of the calendar."""
HOUR = 6
"""Times on the grid an hour apart: longer than any service, so no two citizens collide."""
class FixedClock:
    def now(self) -> datetime:
        return NOW


def codici_fiscali(count: int) -> list[str]:
    """Distinct valid codici fiscali of as many Mario Rossi (the limit per codice fiscale is
    2)."""
    first = date(1950, 1, 1)
    return [codicefiscale.encode(lastname="Rossi", firstname="Mario", gender="M",
                                 birthdate=(first + timedelta(days=n)).strftime("%d/%m/%Y"),
                                 birthplace="Arezzo") for n in range(count)]


def data_where(user: LocalUser, wanted: Callable[[str, str], bool]) -> list[str]:
    """Callback data of the buttons on screen for which wanted(label, data) holds."""
    message = user.last_with_buttons()
    return [b["callback_data"] for row in message.keyboard for b in row
            if "callback_data" in b and wanted(b["text"], b["callback_data"])]


class Citizen:
    """One citizen's booking, one update at a time."""

    def __init__(self, user: LocalUser, office: Office, index: int, cf: str) -> None:
        self.user, self.index, self.cf = user, index, cf
        services = list(office.services.values())
        self.service = services[index % len(services)]
        self.group = index // len(services)
        """Citizens of the same service are spread over days, then over times."""

    async def press(self, wanted: Callable[[str, str], bool], nth: int = 0) -> None:
        found = data_where(self.user, wanted) or ["lost"]  # lost its way: press anyway
        await self.user.press_data(found[nth % len(found)])

    def steps(self) -> list[Callable[[], Awaitable[object]]]:
        code = self.service.code
        return [
            lambda: self.user.write("/book"),
            lambda: self.press(lambda _, d: d.endswith(f":cat:{self.service.category}")),
            lambda: self.press(lambda _, d: d.endswith(f":svc:{code}")),
            lambda: self.press(lambda label, d: ":day:" in d and label[0].isalpha(),
                               self.group % DAYS),
            lambda: self.press(lambda _, d: ":t:" in d, HOUR * (self.group // DAYS)),
            lambda: self.user.write("Mario Rossi"),  # the name of every code here
            lambda: self.user.write(self.cf),
            lambda: self.user.write("Rinnovo della carta"),
            lambda: self.press(lambda _, d: d.endswith(":ok")),
        ]


@dataclass(frozen=True)
class Run:
    updates: int
    seconds: float
    cpu: float
    """Seconds of CPU the process used meanwhile, all its threads."""
    calls: int
    """Bot API calls made while the updates were processed."""
    booked: int = 0
    transactions: int = 0

    @property
    def rate(self) -> float:
        return self.updates / self.seconds

    @property
    def cpu_rate(self) -> float:
        """Updates per second of CPU: the rate with a core to itself, whatever else runs."""
        return self.updates / self.cpu

    def describe(self) -> str:
        return f"{self.rate:6,.0f}/s ({self.cpu_rate:,.0f}/s of CPU)"


async def timed(api: LocalBotAPI, users: list[list[Callable[[], Awaitable[object]]]]) -> Run:
    """Every user goes through their steps one after the other, all users at the same time,
    as citizens do: the application's update processor decides what runs concurrently."""
    async def go(steps: list[Callable[[], Awaitable[object]]]) -> None:
        for step in steps:
            await step()

    calls = api.call_count
    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(go(steps) for steps in users))
    updates = sum(len(steps) for steps in users)
    return Run(updates, time.perf_counter() - started, time.process_time() - cpu,
               api.call_count - calls)


def recorded_steps(citizen: Citizen) -> list[Callable[[], Awaitable[object]]]:
    def at(index: int, step: Callable[[], Awaitable[object]]) -> Callable[[], Awaitable[object]]:
        async def run() -> None:
            token = STEP.set((citizen.user.id, index))
            try:
                await step()
            finally:
                STEP.reset(token)
        return run
    return [at(n, step) for n, step in enumerate(citizen.steps())]


class Counted:
    """Counts the transactions of a database (each one trip to the database thread)."""

    def __init__(self, db: Database) -> None:
        self.count = 0
        run = db._transaction  # noqa: SLF001 (the one way every transaction goes)

        async def counting(mode: Mode, work: Callable[[Connection], T]) -> T:
            self.count += 1
            return await run(mode, work)

        db._transaction = counting  # type: ignore[method-assign]  # noqa: SLF001


async def run_sportello(office: Office, count: int, cfs: list[str], round_trip: RoundTrip, *,
                        paced: bool = False, recording: bool = False
                        ) -> tuple[Run, dict[tuple[int, int], list[Call]]]:
    api = (RecordingAPI(round_trip) if recording
           else LocalBotAPI(round_trip=round_trip, keep_calls=False))
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "bench.db")
        transactions = Counted(db)
        try:
            application = build_application(office, db, request=api, clock=FixedClock(),
                                            rate_limiter=None if paced else Unpaced())
            async with application:
                await prepare(application)
                memory.settle()  # as `sportello run` does
                citizens = [Citizen(LocalUser(api, application, FIRST_USER + n), office, n,
                                    cfs[n]) for n in range(count)]
                transactions.count = 0
                run = await timed(api, [recorded_steps(c) if recording else c.steps()
                                        for c in citizens])
                run = replace(run, transactions=transactions.count)
            booked = await db.read(lambda conn: conn.execute(
                "SELECT count(*) FROM bookings WHERE status = 'booked'").fetchone()[0])
        finally:
            await db.close()
    return replace(run, booked=booked), getattr(api, "recorded", {})


async def run_floor(office: Office, count: int, cfs: list[str], round_trip: RoundTrip,
                    recorded: dict[tuple[int, int], list[Call]], call: Replay) -> Run:
    api = LocalBotAPI(round_trip=round_trip, keep_calls=False)
    application = floor_bot(api, recorded, call)
    async with application:
        memory.settle()  # the same collector as Sportello's
        citizens = [Citizen(LocalUser(api, application, FIRST_USER + n), office, n, cfs[n])
                    for n in range(count)]
        return await timed(api, [c.steps() for c in citizens])


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_text(update.message.text or "")


async def run_echo(count: int, updates: int, round_trip: RoundTrip) -> Run:
    api = LocalBotAPI(round_trip=round_trip, keep_calls=False)
    application = bare(api)
    application.add_handler(MessageHandler(filters.TEXT, echo))
    async with application:
        memory.settle()
        users = [LocalUser(api, application, FIRST_USER + n) for n in range(count)]
        return await timed(api, [[lambda u=user, n=n: u.write(f"messaggio {n}")
                                  for n in range(updates // count)] for user in users])


async def series(office: Office, args: argparse.Namespace, cfs: list[str],
                 round_trip: RoundTrip) -> None:
    print(f"\n{round_trip}; {args.citizens} citizens booking at once, 9 updates each")
    _, recorded = await run_sportello(office, args.citizens, cfs, round_trip, recording=True)
    ratios, cpu_ratios, lean_ratios = [], [], []
    for round_ in range(1, args.rounds + 1):
        real, _ = await run_sportello(office, args.citizens, cfs, round_trip)
        floor = await run_floor(office, args.citizens, cfs, round_trip, recorded, typed_call)
        lean = await run_floor(office, args.citizens, cfs, round_trip, recorded, lean_call)
        bare_echo = await run_echo(args.citizens, real.updates, round_trip)
        ratios.append(real.rate / floor.rate)
        cpu_ratios.append(real.cpu_rate / floor.cpu_rate)
        lean_ratios.append(real.rate / lean.rate)
        print(f"  round {round_}: sportello {real.describe()}, {real.booked} booked, "
              f"{real.calls / real.updates:.2f} calls and "
              f"{real.transactions / real.updates:.2f} transactions per update; "
              f"floor {floor.describe()}; "
              f"lean floor {lean.rate:,.0f}/s; echo {bare_echo.rate:,.0f}/s; "
              f"sportello/floor {ratios[-1]:.2f} ({cpu_ratios[-1]:.2f} by CPU)")
    target = 0.6 if not round_trip.latency else 0.9
    verdict = "met" if statistics.median(ratios) >= target else "MISSED"
    print(f"  sportello/floor: {spread(ratios)} (target >= {target}: {verdict}); by CPU: "
          f"{spread(cpu_ratios)}; sportello/lean floor: {spread(lean_ratios)}")


def spread(values: list[float]) -> str:
    ordered = sorted(values)
    return (f"min {ordered[0]:.2f}, median {statistics.median(ordered):.2f}, "
            f"max {ordered[-1]:.2f}")


async def profile(office: Office, args: argparse.Namespace, cfs: list[str]) -> None:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0002, async_mode="disabled")
    profiler.start()
    run, _ = await run_sportello(office, args.citizens, cfs, RoundTrip())
    profiler.stop()
    print(f"\nwhere a run's time goes (Bot API instant; {run.updates} updates, "
          f"{run.seconds:.2f} s under the profiler; the main thread's time, by kind of work):")
    for kind, share in breakdown(profiler.last_session):
        print(f"  {share:6.1%}  {kind}")


async def main(args: argparse.Namespace) -> None:
    office = load_office()
    cfs = codici_fiscali(max(args.citizens, args.paced_citizens))
    if args.paced_citizens:
        run, _ = await run_sportello(office, args.paced_citizens, cfs, RoundTrip(), paced=True)
        print(f"sportello as built, paced at Telegram's 30 messages/s, Bot API instant: "
              f"{run.describe()} ({run.booked} of {args.paced_citizens} citizens booked)")
    for latency in args.latency_ms:
        await series(office, args, cfs, network.round_trip(args, latency))
    if args.profile:
        await profile(office, args, cfs)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--paced-citizens", type=int, default=20,
                        help="citizens for the run as built, paced (0: skip it)")
    parser.add_argument("--profile", action="store_true")
    network.add_arguments(parser, series=(0.0, 50.0))
    asyncio.run(main(parser.parse_args()))
