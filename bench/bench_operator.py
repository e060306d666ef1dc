"""How long operators wait: /agenda for a day of 450 bookings (every page) and /stats for a
year of about 110,000 bookings, through the real Application over the in-process Bot API.

Run from the repository root: python -m bench.bench_operator
Prints the median and the 95th percentile (nearest rank) of each measure; asserts nothing.
"""

from __future__ import annotations

import asyncio
import importlib.util
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.app import build_application, prepare
from bot.config import load_office
from bot.domain.arguments import Period
from bot.domain.statistics import percentile
from bot.i18n import I18n
from bot.services.statistics import period_stats
from bot.testing.clock import FakeClock
from bot.testing.local_api import LocalBotAPI
from bot.testing.local_user import LocalUser
from handlers import charts
from handlers.agenda_view import pages
from handlers.stats_view import stats_message
from storage import agenda
from storage.db import Database
from tests.seed import fill_day, insert_history

ADMIN = 1
TODAY = datetime(2026, 11, 26, 9, 0, tzinfo=ZoneInfo("Europe/Rome"))


async def timed(label: str, runs: int, work: Callable[[], Awaitable[object]]) -> None:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        await work()
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    print(f"{label:<58} median {statistics.median(times):8.1f} ms   "
          f"p95 {percentile(times, 0.95):8.1f} ms   ({runs} runs)")


async def main() -> None:
    office = replace(load_office(), admins=(ADMIN,))
    t = I18n()("it")
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "bench.db")
        await fill_day(db, office, TODAY.date(), 450, TODAY,
                       name="Maria Assunta Dell'Acqua {n}", note="Pratica con delega " * 6)
        year = Period(date(2025, 11, 27), date(2026, 11, 25))
        count = await db.write(insert_history, office, year.first, year.last, 400)
        print(f"database: 450 bookings today, {count} in the year before")
        api = LocalBotAPI()
        application = build_application(office, db, request=api, clock=FakeClock(TODAY))
        async with application:
            await prepare(application)
            admin = LocalUser(api, application, ADMIN)
            first = await admin.send("/agenda tutti")
            page_count = int(first.text.split("pagina 1 di ")[1].split()[0])

            async def whole_agenda() -> None:
                await admin.send("/agenda tutti")
                for _ in range(page_count - 1):
                    await admin.press("▶", admin.last)

            start, end = Period(TODAY.date(), TODAY.date()).bounds(office.tz)

            async def agenda_pages() -> None:
                pages(await db.read(agenda.between, start, end), office, t, TODAY.date(), None)

            await timed(f"/agenda, 450 bookings: read + render all {page_count} pages", 30,
                        agenda_pages)
            await timed(f"/agenda through the bot: command + {page_count - 1} page presses",
                        10, whole_agenda)

            async def year_stats() -> None:
                stats_message(await period_stats(db, office, year), office, t)

            await timed(f"/stats for a year ({count} bookings): read + compute + text", 7,
                        year_stats)
            tracemalloc.start()
            computed = await period_stats(db, office, year)
            print(f"/stats for that year: peak Python memory "
                  f"{tracemalloc.get_traced_memory()[1] / 2**20:.1f} MB")
            tracemalloc.stop()
            found = importlib.util.find_spec
            importlib.util.find_spec = lambda name, *a: (  # type: ignore[assignment]
                None if name == "matplotlib" else found(name, *a))
            await timed("/stats anno through the bot, text only", 5,
                        lambda: admin.send("/stats 27/11/2025-25/11/2026"))
            importlib.util.find_spec = found
            if charts.available():
                await timed("the chart of that year (matplotlib, PNG)", 5,
                            lambda: asyncio.to_thread(charts.stats_chart, computed, office, t))
            else:
                print("the chart: matplotlib is not installed (pip install -e '.[charts]')")
        await db.close()


if __name__ == "__main__":
    asyncio.run(main())
