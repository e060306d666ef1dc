"""Updates per second through the real Application, next to a bare python-telegram-bot echo bot.

Many citizens book at once: each goes through their updates one after the other (/book,
category, service, day, time, name, codice fiscale, note, confirm), all at the same time, handed
to the application's update processor as polling would hand them; every update finds the
others' conversations, holds and bookings in the database. Citizens are spread over services,
days and times so that their bookings succeed. The echo bot (handling updates concurrently
too) gets as many text updates, from as many users, over the same in-process Bot API. Both run
in this process, one after the other; the ratio is real / echo (target: at least 0.5).
`--latency-ms` adds a network round trip to every Bot API call, for both.

The application as built paces what it sends with AIORateLimiter, at Telegram's 30 messages a
second overall: against an instant Bot API that pacing, not the application, sets the rate. So
the ratio is measured with the limiter swapped for one that sends at once (the application's
own cost); a shorter run as built shows the paced rate too.

    python -m bench.bench_updates [--citizens 300] [--repeat 3] [--paced-citizens 20]
                                    [--latency-ms 0]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from codicefiscale import codicefiscale
from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.app import build_application, prepare
from bot.config import load_office
from bot.domain.model import Office
from bot.pacing import Unpaced
from bot.testing.local_api import OFFLINE_TOKEN, LocalBotAPI, LocalUser, RoundTrip
from storage.db import Database

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
    """Distinct valid codici fiscali (the limit per codice fiscale is 2)."""
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
            lambda: self.user.send("/book"),
            lambda: self.press(lambda _, d: d.endswith(f":cat:{self.service.category}")),
            lambda: self.press(lambda _, d: d.endswith(f":svc:{code}")),
            lambda: self.press(lambda label, d: ":day:" in d and label[0].isalpha(),
                               self.group % DAYS),
            lambda: self.press(lambda _, d: ":t:" in d, HOUR * (self.group // DAYS)),
            lambda: self.user.send(f"Cittadino Prova{self.index}"),
            lambda: self.user.send(self.cf),
            lambda: self.user.send("Rinnovo della carta"),
            lambda: self.press(lambda _, d: d.endswith(":ok")),
        ]


@dataclass(frozen=True)
class Run:
    updates: int
    seconds: float
    calls: int
    """Bot API calls made while the updates were processed."""
    booked: int = 0

    @property
    def rate(self) -> float:
        return self.updates / self.seconds

    def describe(self) -> str:
        return (f"{self.updates} updates in {self.seconds:.2f} s = {self.rate:,.0f}/s, "
                f"{self.calls / self.updates:.1f} Bot API calls each")


async def timed(api: LocalBotAPI, users: list[list[Callable[[], Awaitable[object]]]]) -> Run:
    """Every user goes through their steps one after the other, all users at the same time,
    as citizens do: the application's update processor decides what runs concurrently."""
    async def go(steps: list[Callable[[], Awaitable[object]]]) -> None:
        for step in steps:
            await step()

    calls = len(api.calls)
    started = time.perf_counter()
    await asyncio.gather(*(go(steps) for steps in users))
    updates = sum(len(steps) for steps in users)
    return Run(updates, time.perf_counter() - started, len(api.calls) - calls)


async def run_sportello(office: Office, count: int, cfs: list[str], folder: Path, *,
                        paced: bool, latency: float = 0.0) -> Run:
    api = LocalBotAPI(round_trip=RoundTrip(latency))
    db = await Database.open(folder / "bench.db")
    try:
        application = build_application(office, db, request=api, clock=FixedClock(),
                                        rate_limiter=None if paced else Unpaced())
        async with application:
            await prepare(application)
            citizens = [Citizen(LocalUser(api, application, FIRST_USER + n), office, n, cfs[n])
                        for n in range(count)]
            run = await timed(api, [c.steps() for c in citizens])
        booked = await db.read(lambda conn: conn.execute(
            "SELECT count(*) FROM bookings WHERE status = 'booked'").fetchone()[0])
    finally:
        await db.close()
    return replace(run, booked=booked)


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_text(update.message.text or "")


async def run_echo(count: int, updates: int, latency: float = 0.0) -> Run:
    """The bare bot handles updates concurrently too (an echo needs no order)."""
    api = LocalBotAPI(round_trip=RoundTrip(latency))
    application: Application = (ApplicationBuilder().token(OFFLINE_TOKEN).request(api)
                                .get_updates_request(api).concurrent_updates(True).build())
    application.add_handler(MessageHandler(filters.TEXT, echo))
    async with application:
        users = [LocalUser(api, application, FIRST_USER + n) for n in range(count)]
        return await timed(api, [[partial(user.send, f"messaggio {n}")
                                  for n in range(updates // count)] for user in users])


async def main(count: int, repeat: int, paced_count: int, latency: float) -> None:
    office = load_office()
    cfs = codici_fiscali(max(count, paced_count))
    if paced_count:
        with tempfile.TemporaryDirectory() as folder:
            run = await run_sportello(office, paced_count, cfs, Path(folder), paced=True)
        print(f"sportello as built, paced at Telegram's 30 messages/s: {run.describe()} "
              f"({run.booked} of {paced_count} citizens booked)")
    best_real = best_echo = 0.0
    for attempt in range(1, repeat + 1):
        with tempfile.TemporaryDirectory() as folder:
            real = await run_sportello(office, count, cfs, Path(folder), paced=False,
                                       latency=latency)
        bare = await run_echo(count, real.updates, latency)
        best_real, best_echo = max(best_real, real.rate), max(best_echo, bare.rate)
        print(f"run {attempt}: sportello {real.describe()} ({real.booked} of {count} citizens "
              f"booked); echo {bare.describe()}; ratio {real.rate / bare.rate:.2f}")
    where = f" with {latency * 1000:g} ms per Bot API call" if latency else ", Bot API instant"
    print(f"best of {repeat}{where}: sportello {best_real:,.0f} updates/s, "
          f"bare echo {best_echo:,.0f} updates/s, ratio {best_real / best_echo:.2f} "
          f"(target >= 0.5)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--paced-citizens", type=int, default=20,
                        help="citizens for the run as built, paced (0: skip it)")
    parser.add_argument("--latency-ms", type=float, default=0.0,
                        help="a network round trip added to every Bot API call (default 0)")
    args = parser.parse_args()
    asyncio.run(main(args.citizens, args.repeat, args.paced_citizens, args.latency_ms / 1000))
