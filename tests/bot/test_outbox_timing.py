"""The outbox dispatcher delivers on time, once, and loses nothing across restarts and crashes."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from telegram import Bot
from telegram.ext import Application

from bot.context import Deps
from bot.domain.model import Office, to_ts
from bot.outbox import IN_FLIGHT, Dispatcher
from bot.pacing import Pace
from bot.testing.clock import FakeClock
from bot.testing.local_user import LocalUser
from storage import bookings, outbox
from storage.db import Database
from tests.conftest import UserFactory
from tests.handlers.conftest import CF, book_directly
from tests.seed import rows

ROME = ZoneInfo("Europe/Rome")
UTC = ZoneInfo("UTC")
THURSDAY_18 = datetime(2026, 11, 26, 18, 0, tzinfo=ROME)
FRIDAY = datetime(2026, 11, 27, 10, 0, tzinfo=ROME)


async def reminded_at_18(db: Database, office: Office, clock: FakeClock,
                         make_user: UserFactory, count: int) -> list[LocalUser]:
    """`count` citizens booked on Friday, and Thursday 18:00: their reminders are due."""
    users = [make_user(1001 + n) for n in range(count)]
    for n, user in enumerate(users):
        await book_directly(db, office, clock, user.id, FRIDAY + timedelta(minutes=10 * n),
                            "certificati")
    clock.set(THURSDAY_18)
    return users


async def states(db: Database, user_id: int) -> list[tuple[str, str, str | None]]:
    return await rows(db, "SELECT kind, state, last_error FROM outbox WHERE chat_id = ?"
                          " ORDER BY due_ts, id", user_id)


@pytest.mark.parametrize(("booked_at", "start", "due_utc"), [
    # Summer time ends on Sunday 25 October 2026: 18:00 that evening is 17:00 UTC.
    (datetime(2026, 10, 20, 10, tzinfo=ROME), datetime(2026, 10, 26, 9, tzinfo=ROME),
     datetime(2026, 10, 25, 17, tzinfo=UTC)),
    # Summer time starts on Sunday 29 March 2026: 18:00 that evening is 16:00 UTC.
    (datetime(2026, 3, 23, 10, tzinfo=ROME), datetime(2026, 3, 30, 9, tzinfo=ROME),
     datetime(2026, 3, 29, 16, tzinfo=UTC)),
])
async def test_the_day_before_reminder_goes_at_18_local_time_across_a_dst_change(
        db: Database, office: Office, clock: FakeClock, courier: Dispatcher,
        make_user: UserFactory, booked_at: datetime, start: datetime, due_utc: datetime) -> None:
    user = make_user(1001)
    clock.set(booked_at)
    await book_directly(db, office, clock, user.id, start, "certificati")
    first_due = await rows(db, "SELECT min(due_ts) FROM outbox")
    assert first_due == [(to_ts(due_utc),)]

    clock.set(due_utc - timedelta(minutes=1))
    await courier.drain()
    assert user.messages == []

    clock.set(due_utc)
    await courier.drain()
    assert len(user.messages) == 1
    assert f"lunedì {start.day} " in user.last.text
    assert ", 09:00" in user.last.text
    assert clock.now().astimezone(ROME).hour == 18


async def test_catch_up_after_downtime_sends_the_latest_reminder_and_drops_the_pointless(
        db: Database, office: Office, clock: FakeClock, courier: Dispatcher,
        make_user: UserFactory) -> None:
    later, missed = make_user(1001), make_user(1002)
    await book_directly(db, office, clock, later.id, FRIDAY, "certificati")
    await book_directly(db, office, clock, missed.id, FRIDAY.replace(hour=8, minute=30),
                        "certificati")
    # Down from Thursday 17:00 to Friday 09:00: both reminders of both bookings fell due.
    clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=ROME))
    await courier.recover()
    tally = await courier.drain()

    assert len(later.messages) == 1
    assert "venerdì 27 novembre 2026, 10:00" in later.last.text
    assert missed.messages == []
    assert await states(db, later.id) == [("reminder", "dropped", "superseded"),
                                          ("reminder", "sent", None)]
    assert await states(db, missed.id) == [("reminder", "dropped", "expired"),
                                           ("reminder", "dropped", "expired")]
    assert (tally.sent, tally.dropped) == (1, 3)


async def test_a_reminder_whose_appointment_has_begun_is_dropped_and_recorded(
        db: Database, office: Office, clock: FakeClock, courier: Dispatcher,
        make_user: UserFactory) -> None:
    user = make_user(1001)
    await book_directly(db, office, clock, user.id, FRIDAY, "certificati")
    clock.set(FRIDAY + timedelta(minutes=5))
    await courier.drain()
    assert user.messages == []
    assert [state for _, state, _ in await states(db, user.id)] == ["dropped", "dropped"]


async def test_nothing_is_sent_twice_after_a_clean_restart(
        app: Application, db: Database, office: Office, clock: FakeClock, courier: Dispatcher,
        pace: Pace, make_user: UserFactory) -> None:
    users = await reminded_at_18(db, office, clock, make_user, 3)
    assert (await courier.drain()).sent == 3

    restarted = Dispatcher(app.bot_data["deps"], app.bot, pace)
    assert await restarted.recover() == 0
    assert (await restarted.drain()).sent == 0
    assert [len(user.messages) for user in users] == [1, 1, 1]


class Crash(Exception):
    """Something unexpected, right after Telegram accepted a message, before it was marked."""


class CrashingBot:
    def __init__(self, bot: Bot, after: int) -> None:
        self.bot, self.left = bot, after

    async def send_message(self, *args: Any, **kwargs: Any) -> Any:
        sent = await self.bot.send_message(*args, **kwargs)
        self.left -= 1
        if self.left == 0:
            raise Crash
        return sent


async def test_a_run_that_fails_puts_back_what_its_workers_had_claimed(
        app: Application, deps: Deps, db: Database, office: Office, clock: FakeClock,
        pace: Pace, make_user: UserFactory) -> None:
    users = await reminded_at_18(db, office, clock, make_user, 5)
    crashing = Dispatcher(deps, CrashingBot(app.bot, after=3), pace)  # type: ignore[arg-type]
    with pytest.raises(Crash):
        await crashing.drain()
    assert await rows(db, "SELECT count(*) FROM outbox WHERE state = 'sending'") == [(0,)]

    await Dispatcher(deps, app.bot, pace).drain()
    received = [len(user.messages) for user in users]
    assert min(received) == 1
    assert sum(received) - len(users) <= IN_FLIGHT  # sent, but not yet marked, when it failed
    assert await rows(db, "SELECT count(*) FROM outbox WHERE kind = 'reminder'"
                          " AND due_ts <= ? AND state = 'sent'", to_ts(THURSDAY_18)) == [(5,)]


async def test_a_chat_written_to_a_moment_ago_waits_while_others_go_first(
        db: Database, office: Office, clock: FakeClock, courier: Dispatcher,
        make_user: UserFactory, api: Any) -> None:
    busy, other = make_user(1001), make_user(1002)
    await book_directly(db, office, clock, busy.id, FRIDAY, "certificati")
    await book_directly(db, office, clock, busy.id, FRIDAY, "tari", cf=CF[2])  # another person
    await book_directly(db, office, clock, other.id, FRIDAY + timedelta(minutes=10), "certificati")
    clock.set(THURSDAY_18)
    await courier.drain()
    order = [int(params["chat_id"]) for name, params in api.calls if name == "sendMessage"]
    assert order == [busy.id, other.id, busy.id]
    assert clock.now() >= THURSDAY_18 + timedelta(seconds=1)


class GatedBot:
    """Holds every send until the test opens the gate, counting the sends in flight."""

    def __init__(self, bot: Bot, full: int) -> None:
        self.bot, self.gate, self.full = bot, asyncio.Event(), asyncio.Event()
        self.in_flight, self.most, self.limit = Counter[int](), 0, full

    async def send_message(self, chat_id: int, *args: Any, **kwargs: Any) -> Any:
        self.in_flight[chat_id] += 1
        self.most = max(self.most, self.in_flight.total())
        assert self.in_flight[chat_id] == 1, "two messages to one chat in flight"
        if self.in_flight.total() == self.limit:
            self.full.set()
        await self.gate.wait()
        try:
            return await self.bot.send_message(chat_id, *args, **kwargs)
        finally:
            self.in_flight[chat_id] -= 1


async def test_several_messages_in_flight_never_two_to_one_chat_even_when_runs_overlap(
        app: Application, deps: Deps, db: Database, office: Office, clock: FakeClock,
        pace: Pace, make_user: UserFactory) -> None:
    users = await reminded_at_18(db, office, clock, make_user, 12)
    for user in users[:3]:  # three of them have a second message due
        (booking,), = await rows(db, "SELECT id FROM bookings WHERE user_id = ?", user.id)
        await db.write(outbox.enqueue, user.id, "booking_cancelled", to_ts(THURSDAY_18),
                       to_ts(THURSDAY_18), booking_id=booking,
                       payload={"reason": "", "by": "operator"})
    gated = GatedBot(app.bot, full=IN_FLIGHT)
    dispatcher = Dispatcher(deps, gated, pace)  # type: ignore[arg-type]
    first = asyncio.create_task(dispatcher.drain())
    await gated.full.wait()
    assert (await dispatcher.drain()).sent == 0  # the run going on is asked to look again
    assert await rows(db, "SELECT count(*) FROM outbox WHERE state = 'sending'") == [(IN_FLIGHT,)]
    gated.gate.set()
    assert (await first).sent == 15
    assert gated.most == IN_FLIGHT
    assert [len(user.messages) for user in users] == [2, 2, 2] + [1] * 9


async def test_a_nudge_delivers_a_notice_at_once_while_the_bot_runs(
        app: Application, deps: Deps, db: Database, office: Office, clock: FakeClock,
        make_user: UserFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    user = make_user(1001)
    booked = await book_directly(db, office, clock, user.id, FRIDAY, "certificati")
    now = to_ts(clock.now())

    def cancel_by_office(conn: Any) -> None:
        bookings.cancel(conn, booked.id, now, by="operator", reason="Guasto")
        outbox.enqueue(conn, user.id, "booking_cancelled", due=now, now=now,
                       booking_id=booked.id, payload={"reason": "Guasto", "by": "operator"})

    await db.write(cancel_by_office)
    with monkeypatch.context() as patch:
        patch.setattr(Application, "running", property(lambda self: True))
        deps.nudge()
        nudged = [t for t in asyncio.all_tasks() if t.get_name() == "outbox nudge"]
        await asyncio.gather(*nudged)
    assert len(nudged) == 1
    assert "annullata dall'ufficio: Guasto" in user.last.text


def test_the_catch_up_run_waits_for_the_start_however_long_it_takes(app: Application) -> None:
    assert app.job_queue is not None
    (catch_up,) = app.job_queue.get_jobs_by_name("outbox catch-up")
    assert catch_up.job.misfire_grace_time is None  # APScheduler would skip it after 1 s
    assert {"outbox", "waitlist"} <= {job.name for job in app.job_queue.jobs()}
