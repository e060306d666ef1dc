"""The jobs that run on a timer, on python-telegram-bot's JobQueue (the outbox has its own:
bot/outbox.py)."""

from __future__ import annotations

from datetime import time

from telegram.ext import JobQueue

from bot.context import Context, Deps
from bot.services import erasure, housekeeping

PURGE_AT = time(3, 0)
"""Office time: when nobody books."""
OFFERS_EVERY = 60
"""Seconds between two looks for free time to offer to those waiting (a desk opened, an offer
expired); anything that frees time also offers it at once."""


async def _daily(context: Context) -> None:
    await erasure.purge_expired(context.deps)


async def _minutely(context: Context) -> None:
    await housekeeping.tidy(context.deps)


async def _offers(context: Context) -> None:
    await context.deps.offer_free_times()


def schedule_jobs(jobs: JobQueue[Context], deps: Deps) -> None:
    jobs.run_daily(_daily, PURGE_AT.replace(tzinfo=deps.office.tz), name="retention")
    jobs.run_repeating(_minutely, interval=60, first=60, name="tidy")
    jobs.run_repeating(_offers, interval=OFFERS_EVERY, first=OFFERS_EVERY, name="waitlist")
