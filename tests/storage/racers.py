"""A process of citizens racing for one time: what tests/storage/test_bookings.py starts four of.

Each process opens the database itself, waits for the others at the barrier, then sends all its
bookings at once through `Database.write`, as several bot workers would.
"""

from __future__ import annotations

import asyncio
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier

from storage import bookings
from storage.bookings import Booked, Refusal, Request
from storage.db import Database


def race(target: str, requests: list[Request], now: int, start: Barrier,
         outcomes: Queue[list[tuple[int | None, Booked | Refusal]]]) -> None:
    """Book every request at once; put each racer's user id and result in `outcomes`."""
    async def run() -> list[Booked | Refusal]:
        db = await Database.open(target)
        try:
            start.wait()
            return await asyncio.gather(*(db.write(bookings.book, request, now)
                                          for request in requests))
        finally:
            await db.close()

    results = asyncio.run(run())
    outcomes.put([(request.user_id, result) for request, result in zip(requests, results,
                                                                       strict=True)])
