"""/stats over any period, read a few days at a time: a year of a large office is millions of
bookings, and the database, which every citizen's update needs too, is never held by /stats for
longer than a week of them takes to add up (a few milliseconds)."""

from __future__ import annotations

from bot.domain.arguments import Period
from bot.domain.model import Office
from bot.domain.statistics import Facts, day_bounds
from storage import stats
from storage.db import Database

CHUNK_DAYS = 7


async def facts(db: Database, office: Office, period: Period) -> Facts:
    days = day_bounds(period, office)
    total = Facts()
    for first in range(0, len(days), CHUNK_DAYS):
        total += await db.read(stats.facts, days[first:first + CHUNK_DAYS])
    return total
