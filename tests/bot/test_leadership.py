"""The outbox and the jobs run in one worker at a time; another takes over when it dies (its lease
expires) or stops (at once), and sends again only the message it had in flight."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable

from apscheduler.schedulers.base import STATE_PAUSED, STATE_RUNNING

from bot.domain.model import Office, to_ts
from bot.testing.clock import FakeClock
from bot.testing.local_api import LocalBotAPI
from bot.testing.local_user import LocalUser
from bot.worker import Worker
from storage import leases, outbox
from storage.db import Database
from tests.bot.conftest import StartWorkers, WallClock
from tests.conftest import NOW
from tests.handlers.conftest import FRIDAY, book_directly
from tests.seed import value

LEASE = 10_000


def scheduler_state(worker: Worker) -> int:
    assert worker.application.job_queue is not None
    return int(worker.application.job_queue.scheduler.state)


async def until(check: Callable[[], Awaitable[bool]]) -> None:
    """Wait for what another task does (no time is asserted)."""
    for _ in range(2000):
        if await check():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("never happened")


def nudges() -> list[asyncio.Task[object]]:
    """Outbox runs started by a nudge (bot/outbox.py names them)."""
    return [task for task in asyncio.all_tasks() if task.get_name() == "outbox nudge"]


async def test_one_worker_leads_and_another_takes_over_when_its_lease_expires(
        start_workers: StartWorkers) -> None:
    clock = WallClock()
    first, second = await start_workers(2, loops=False, now_ms=clock)
    assert await first.leadership.beat()
    assert not await second.leadership.beat()
    assert first.leadership.on_duty()
    assert not second.leadership.on_duty()
    assert (scheduler_state(first), scheduler_state(second)) == (STATE_RUNNING, STATE_PAUSED)

    clock.now += LEASE // 2  # the leader stalls: it stops acting before anyone may take over
    assert not first.leadership.on_duty()
    assert not await second.leadership.beat()
    clock.now += LEASE // 2
    assert await second.leadership.beat()
    assert second.leadership.on_duty()
    assert not await first.leadership.beat()  # it comes back, and steps down
    assert (scheduler_state(first), scheduler_state(second)) == (STATE_PAUSED, STATE_RUNNING)


async def test_a_clean_stop_hands_the_jobs_over_at_once(start_workers: StartWorkers) -> None:
    clock = WallClock()
    first, second = await start_workers(2, loops=False, now_ms=clock)
    assert await first.leadership.beat()
    await first.stop()
    assert await second.leadership.beat()


async def test_the_message_in_flight_when_the_leader_died_is_sent_by_the_next_once(
        start_workers: StartWorkers, db: Database, office: Office, clock: FakeClock,
        api: LocalBotAPI) -> None:
    wall = WallClock()
    [worker] = await start_workers(loops=False, now_ms=wall)
    LocalUser(api, None, 1001)
    await book_directly(db, office, clock, 1001, FRIDAY)
    clock.set(NOW.replace(hour=18))  # the day-before reminder is due

    def lead_and_send(conn: sqlite3.Connection) -> outbox.Message | None:
        """What a leader (in another process) does before it dies, sending the reminder."""
        assert leases.take(conn, leases.JOBS, "dead:1", wall.now, LEASE)
        return outbox.claim(conn, to_ts(clock.now()))

    in_flight = await db.write(lead_and_send)
    assert in_flight is not None
    assert not await worker.leadership.beat()
    worker.deps.nudge()  # as a handler does after queuing a message: not this worker's job
    assert not nudges()
    wall.now += LEASE
    assert await worker.leadership.beat()
    worker.deps.nudge()
    assert nudges()
    await worker.tick()

    async def sent() -> bool:
        return await value(db, "SELECT state FROM outbox WHERE id = ?", in_flight.id) == "sent"

    await until(sent)
    reminders = [params for name, params in api.calls
                 if name == "sendMessage" and params["chat_id"] == 1001]
    assert len(reminders) == 1
    assert reminders[0]["text"].startswith("<b>Promemoria del suo appuntamento</b>")
