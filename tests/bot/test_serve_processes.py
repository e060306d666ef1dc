"""`sportello serve --workers 2` for real: two worker processes behind one socket, Telegram
posting to it and the Bot API answering over HTTP from this process. The worker running the
outbox is killed with SIGKILL while it delivers reminders and citizens are booking: another takes
over, every reminder goes out (one at most twice: the one in flight), every booking is made once.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from bot.domain.model import Office, to_ts
from bot.domain.schedules import REMINDER
from bot.outbox import IN_FLIGHT
from bot.testing.deployment import PATH, SECRET, deployment
from bot.testing.local_api import LocalBotAPI, RoundTrip
from bot.testing.local_user import LocalUser
from bot.testing.webhook_client import Telegram, WebhookUser
from storage import bookings, citizens, leases, outbox
from storage.db import Database
from storage.engine import Connection
from tests.bot.conftest import sample
from tests.handlers.conftest import CF, NAMES
from tests.seed import codice_fiscale, request, rows

REMINDED = range(5000, 5040)
"""Citizens with a reminder due when the test begins."""
BOOKING = range(6000, 6008)
"""Citizens who book through the webhook meanwhile."""


async def until(check: Callable[[], Awaitable[bool]], seconds: float = 60) -> None:
    """Wait for what the other processes do (no time is asserted)."""
    for _ in range(int(seconds / 0.02)):
        if await check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("never happened")


def reminders_due_now(conn: Connection, office: Office, now: datetime) -> None:
    """A booking in ten days for each of REMINDED, each with a reminder due now."""
    day = (now + timedelta(days=10)).astimezone(office.tz).replace(hour=9, minute=0, second=0,
                                                                   microsecond=0)
    desks = list(office.desks)
    for n, user_id in enumerate(REMINDED):
        start = day + timedelta(hours=n // len(desks))
        citizens.ensure(conn, user_id, "it", to_ts(now))
        booked = bookings.book(conn, request(office, "cie", start, desk=desks[n % len(desks)],
                                             user_id=user_id, cf=codice_fiscale(n)), to_ts(now))
        assert isinstance(booked, bookings.Booked), booked
        outbox.enqueue(conn, user_id, REMINDER, to_ts(now), to_ts(now),
                       booking_id=booked.id, expires=to_ts(start))


async def book(user: WebhookUser, office: Office, nth: int) -> None:
    """/book, the first category and service shown, the first day, the nth time, and so on.
    Each button is looked for in the last message that has it: when the worker processing an
    update is killed, the update is processed again, and its answer may come twice."""
    def data(wanted: Callable[[str, str], bool]) -> list[str]:
        for message in reversed(user.messages):
            found = [button["callback_data"] for row in message.keyboard for button in row
                     if wanted(button["text"], button.get("callback_data", ""))]
            if found:
                return found
        raise LookupError(f"no such button for user {user.id}")

    service = office.services["cie"]
    await user.send("/book")
    await user.press_data(data(lambda _, d: d.endswith(f":cat:{service.category}"))[0])
    await user.press_data(data(lambda _, d: d.endswith(":svc:cie"))[0])
    await user.press_data(data(lambda label, d: ":day:" in d and label[0].isalpha())[0])
    await user.press_data(data(lambda _, d: ":t:" in d)[nth])
    await user.send(NAMES[CF[nth % len(CF)]])
    await user.send(CF[nth % len(CF)])
    await user.press_data(data(lambda _, d: d.endswith(":skip"))[0])
    await user.press_data(data(lambda _, d: d.endswith(":ok"))[0])


async def test_sigkill_of_the_outbox_worker_loses_nothing_and_doubles_nothing(
        db: Database, database_settings: dict[str, str], office: Office,
        tmp_path: Path) -> None:
    api = LocalBotAPI(round_trip=RoundTrip(0.01))
    for user_id in REMINDED:
        LocalUser(api, None, user_id)
    async with (deployment(2, api, tmp_path / "serve.log",
                           database_settings | {"SPORTELLO_LEASE_SECONDS": "2"}) as serving,
                httpx.AsyncClient(base_url=serving.url) as http):
        await serving.ready(http, 2)
        await db.write(reminders_due_now, office, datetime.now(office.tz))
        telegram = Telegram([http], PATH, SECRET, db)
        booking = asyncio.gather(*(book(WebhookUser(api, telegram, user_id), office, n)
                                   for n, user_id in enumerate(BOOKING)))

        def reminded() -> list[int]:
            return [int(params["chat_id"]) for name, params in api.calls
                    if name == "sendMessage" and int(params["chat_id"]) in REMINDED]

        async def some_reminded() -> bool:
            return len(reminded()) >= 10

        await until(some_reminded)
        [(leader,)] = await rows(db, "SELECT holder FROM leases WHERE name = ?", leases.JOBS)
        os.kill(int(leader.rsplit(":", 1)[1]), signal.SIGKILL)

        async def all_sent() -> bool:
            return await rows(db, "SELECT count(*) FROM outbox WHERE state = 'sent'") == [
                (len(REMINDED),)]

        await until(all_sent)
        await asyncio.wait_for(booking, 60)
        [(now_leading,)] = await rows(db, "SELECT holder FROM leases WHERE name = ?",
                                      leases.JOBS)
        metrics = (await http.get("/metrics")).text

    assert now_leading != leader
    times = Counter(reminded())
    assert set(times) == set(REMINDED)  # none lost
    assert sum(times.values()) - len(REMINDED) <= IN_FLIGHT  # at most those in flight, twice
    made = await rows(db, "SELECT user_id, count(*) FROM bookings WHERE status = 'booked'"
                          f" AND user_id >= {BOOKING.start} GROUP BY user_id ORDER BY user_id")
    assert made == [(user_id, 1) for user_id in BOOKING]
    assert await rows(db, "SELECT state, count(*) FROM inbox GROUP BY state") == [
        ("done", len(BOOKING) * 9)]
    # whichever worker answers adds up the counts of all, the dead one's included
    assert sample(metrics, "sportello_updates_processed_total") >= len(
        BOOKING) * 9
    assert sample(metrics, "sportello_bookings_made_total") == len(REMINDED) + len(BOOKING)
    assert sample(metrics, "sportello_outbox_sent_total") == len(REMINDED)
