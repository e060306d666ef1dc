"""The statistics of a period: the counts added up by the database a day per read, then the
period's visits in chunks of `CHUNK`, each its own short read, tallied in a worker thread
(bot/domain/statistics.py `Tally`), so that neither the database nor the event loop is held for
long, and memory stays bounded whatever the period: a year of 400 desks is 1.7 million
bookings."""

from __future__ import annotations

import asyncio

from bot.domain.arguments import Period
from bot.domain.model import Office
from bot.domain.statistics import Facts, Stats, Tally, compute, day_bounds, suggestions
from storage import stats as stored
from storage.db import Database

CHUNK = 2000
"""Visits per read: a few milliseconds of the database each."""
CHUNK_DAYS = 1
"""Days added up per read: a day of 400 desks (7,000 bookings) is a few milliseconds."""


async def period_stats(db: Database, office: Office, period: Period,
                       chunk: int = CHUNK) -> Stats:
    start, end = period.bounds(office.tz)
    days, facts = day_bounds(period, office), Facts()
    for first in range(0, len(days), CHUNK_DAYS):
        facts += await db.read(stored.facts, days[first:first + CHUNK_DAYS])
    tally = Tally(office, period, await asyncio.to_thread(suggestions, facts, office))
    resume = None
    while True:
        read = await db.read(stored.visit_times, start, end, resume, chunk)
        await asyncio.to_thread(tally.add, read.visits)
        if read.resume is None:
            break
        resume = read.resume
    return await asyncio.to_thread(compute, facts, office, period, tally.result())
