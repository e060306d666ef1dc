"""The outbox under load, against the in-process Bot API (no network).

1. `--count` reminders (default 10,000) fall due in the same minute; LocalBotAPI(rate_limit=30)
   answers 429 to any message beyond 30 in any one second, `--latency-ms` away (default 100 ms,
   plus up to `--jitter-ms`). Printed: the round trip assumed, the sustained rate as a fraction
   of 30/s, messages lost and duplicated, the 429 answers, and two messages to one chat less than
   a second apart (as Telegram counted them).
2. Start-up with `--bookings` future bookings (default 100,000) and their reminders in the
   database, in a fresh process: open the database, migrate, build the application, prepare it,
   and a first outbox run with nothing due. Printed: the time taken and the peak memory (RSS).

Run from the repository root:
    python -m bench.bench_outbox [--count N] [--bookings N] [--latency-ms 100] [--jitter-ms 10]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

START = time.perf_counter()

from bench import network  # noqa: E402
from bot.app import build_application, prepare  # noqa: E402 (imports are part of start-up)
from bot.config import load_office  # noqa: E402
from bot.domain.booking import Scheduled  # noqa: E402
from bot.domain.model import Office, to_ts  # noqa: E402
from bot.domain.schedules import REMINDER, schedule  # noqa: E402
from bot.outbox import dispatcher  # noqa: E402
from bot.testing.local_api import LocalBotAPI, RoundTrip  # noqa: E402
from storage import bookings, citizens  # noqa: E402
from storage.bookings import Booked, Request  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.engine import Connection  # noqa: E402

LIMIT = 30
CHUNK = 5000
"""Bookings written per transaction while setting up."""
FIRST_USER = 100_000


class TimedAPI(LocalBotAPI):
    """LocalBotAPI that notes when it accepted each message (Telegram's clock, not the bot's)."""

    def __init__(self, round_trip: RoundTrip) -> None:
        super().__init__(rate_limit=LIMIT, round_trip=round_trip)
        self.accepted: list[float] = []
        self.last_to: dict[int, float] = {}
        self.too_soon = 0
        """Messages to a chat less than a second after the one before."""

    def _send(self, chat_id: int, params: dict[str, Any], files: dict[str, Any]) -> dict:
        sent = super()._send(chat_id, params, files)
        now = time.monotonic()
        self.accepted.append(now)
        self.too_soon += now - self.last_to.get(chat_id, -1.0) < 1
        self.last_to[chat_id] = now
        return sent


def add_bookings(conn: Connection, office: Office, first: int, count: int,
                 now: datetime, due: int | None) -> None:
    """Bookings `first`..`first + count - 1`, one per citizen, 10 minutes each, desk after desk
    from tomorrow on; with the reminders of the office's offsets, or one reminder at `due`."""
    service = office.services["certificati"]
    desks = sorted(office.desks)
    origin = to_ts(now.replace(minute=0, second=0, microsecond=0)) + 86400
    for n in range(first, first + count):
        user = FIRST_USER + n
        start = origin + (n // len(desks)) * 600
        begins = datetime.fromtimestamp(start, UTC)
        citizens.ensure(conn, user, "it", to_ts(now))
        scheduled = (schedule(office, service, begins, now) if due is None
                     else [Scheduled(REMINDER, due, expires=start)])
        booked = bookings.book(conn, Request(
            user_id=user, service=service.code, desks=(desks[n % len(desks)],), start=start,
            end=start + 600, day=begins.astimezone(office.tz).date(), name="Mario Rossi",
            codice_fiscale=None, note=None, scheduled=scheduled), to_ts(now))
        assert isinstance(booked, Booked), booked


async def fill(db: Database, office: Office, count: int, due: int | None) -> None:
    now = datetime.now(UTC)
    for first in range(0, count, CHUNK):
        await db.write(add_bookings, office, first, min(CHUNK, count - first), now, due)


async def burst(count: int, folder: Path, round_trip: RoundTrip) -> None:
    office = load_office()
    db = await Database.open(folder / "burst.db")
    api = TimedAPI(round_trip)
    application = build_application(office, db, request=api)
    now = to_ts(datetime.now(UTC))
    await fill(db, office, count, due=now - 30)
    for n in range(count):
        api.chats[FIRST_USER + n] = {"id": FIRST_USER + n, "type": "private", "first_name": "M"}
    async with application:
        await prepare(application)
        began = time.monotonic()
        tally = await dispatcher(application).drain()
        took = time.monotonic() - began
    received = Counter(chat for chat, messages in api.messages.items() for _ in messages)
    unsent = await db.read(lambda conn: conn.execute(
        "SELECT count(*) FROM outbox WHERE state != 'sent'").fetchone()[0])
    await db.close()
    first, last = api.accepted[0], api.accepted[-1]
    # The first second may carry LIMIT messages at once; the rest comes at the sustained rate.
    rate = (len(api.accepted) - LIMIT) / (last - api.accepted[LIMIT - 1])
    print(f"outbox: {count} reminders due at once; LocalBotAPI allows {LIMIT} messages in any 1 s;"
          f" {round_trip}")
    print(f"  sent {tally.sent} in {took:.1f} s (first to last message {last - first:.1f} s)")
    print(f"  sustained rate {rate:.2f}/s = {rate / LIMIT:.3f} of {LIMIT}/s")
    print(f"  lost {count - len(received)} (rows not sent: {unsent}), "
          f"duplicated {sum(n - 1 for n in received.values())}, "
          f"429 answers {api.rejected_for_rate}, to one chat within 1 s {api.too_soon}")


def peak_memory() -> float:
    """This process's peak RSS in MB: VmHWM where Linux has it, since getrusage's ru_maxrss keeps
    the parent's peak across fork and exec."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return next(int(line.split()[1]) for line in status.splitlines()
                if line.startswith("VmHWM:")) / 1024


async def start_up(path: Path) -> None:
    """In its own process: from opening the database to the first outbox run."""
    began = time.perf_counter()
    db = await Database.open(path)
    application = build_application(load_office(), db, request=LocalBotAPI())
    async with application:
        await prepare(application)
        tally = await dispatcher(application).drain()
        took = time.perf_counter() - began
    pending = await db.read(lambda conn: conn.execute(
        "SELECT count(*) FROM outbox WHERE state = 'pending'").fetchone()[0])
    await db.close()
    peak = peak_memory()
    print(f"  {pending} messages pending, {tally.sent + tally.dropped} due at start")
    print(f"  open DB + migrate + build + prepare + first run: {took:.2f} s "
          f"(Python imports before it: {began - START:.2f} s)")
    print(f"  peak memory (RSS): {peak:.0f} MB")


async def future_bookings(count: int, folder: Path) -> Path:
    path = folder / "future.db"
    db = await Database.open(path)
    await fill(db, load_office(), count, due=None)
    total = await db.read(lambda conn: conn.execute(
        "SELECT count(*) FROM bookings WHERE start_ts > strftime('%s', 'now')").fetchone()[0])
    await db.close()
    print(f"start-up with {total} future bookings")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="reminders due at once")
    parser.add_argument("--bookings", type=int, default=100_000,
                        help="future bookings in the database at start-up (0: skip that part)")
    parser.add_argument("--start-up", type=Path, help=argparse.SUPPRESS)
    network.add_arguments(parser, latency_ms=100)
    args = parser.parse_args()
    if args.start_up:
        asyncio.run(start_up(args.start_up))
        return
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(burst(args.count, Path(folder), network.round_trip(args)))
        if not args.bookings:
            return
        path = asyncio.run(future_bookings(args.bookings, Path(folder)))
        sys.stdout.flush()
        subprocess.run([sys.executable, __file__, "--start-up", str(path)], check=True)


if __name__ == "__main__":
    main()
