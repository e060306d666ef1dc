"""The statistics of a period: the counts added up by the database `STRETCH` bookings per read,
then the period's visits in chunks of `CHUNK`, each its own short read, tallied in a worker thread
(bot/domain/statistics.py `Tally`), so that neither the database nor the event loop is held for
long, and memory stays bounded whatever the period: a year of 400 desks is 1.7 million
bookings."""

from __future__ import annotations

import asyncio

from bot.domain.arguments import Period
from bot.domain.model import Office
from bot.domain.statistics import FactsTotal, Stats, Tally, compute, day_bounds, suggestions
from storage import stats as stored
from storage.db import Database

CHUNK = 250
"""Visits per read: about a millisecond of the database each."""
STRETCH = 200
"""Bookings added up per read, whatever the size of a day: about a millisecond each (a day of
400 desks, 6,000 bookings, added up at once would hold the database for tens of ms)."""


async def period_stats(db: Database, office: Office, period: Period,
                       chunk: int = CHUNK, stretch: int = STRETCH) -> Stats:
    start, end = period.bounds(office.tz)
    days, total = day_bounds(period, office), FactsTotal()
    since: int | None = start
    while since is not None:
        added = await db.read(stored.facts_from, days, since, stretch)
        total.add(added.facts)
        since = added.resume
    facts = total.result()
    tally = Tally(office, period, await asyncio.to_thread(suggestions, facts, office))
    resume = None
    while True:
        read = await db.read(stored.visit_times, start, end, resume, chunk)
        await asyncio.to_thread(tally.add, read.visits)
        if read.resume is None:
            break
        resume = read.resume
    return await asyncio.to_thread(compute, facts, office, period, tally.result())
