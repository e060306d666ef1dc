"""A crash while messages are in flight (kill -9 of the process that sends them) repeats at most
those messages, IN_FLIGHT of them, and loses none."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.domain.model import Office, to_ts
from bot.outbox import IN_FLIGHT, Dispatcher
from bot.testing.clock import FakeClock
from storage.db import Database
from tests.conftest import UserFactory
from tests.handlers.conftest import book_directly
from tests.seed import rows

ROME = ZoneInfo("Europe/Rome")
THURSDAY_18 = datetime(2026, 11, 26, 18, 0, tzinfo=ROME)
FRIDAY = datetime(2026, 11, 27, 9, 0, tzinfo=ROME)
ROOT = Path(__file__).resolve().parents[2]
CITIZENS, ANSWERED = 40, 20


async def test_kill_9_while_sending_repeats_only_the_messages_in_flight(
        db: Database, office: Office, clock: FakeClock, courier: Dispatcher,
        make_user: UserFactory, tmp_path: Path) -> None:
    users = [make_user(2001 + n) for n in range(CITIZENS)]
    for n, user in enumerate(users):
        await book_directly(db, office, clock, user.id, FRIDAY + timedelta(minutes=10 * n),
                            "certificati")
    clock.set(THURSDAY_18)
    log = tmp_path / "accepted.log"
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.bot.outbox_to_kill", str(db.target),
        str(to_ts(THURSDAY_18)), str(log), str(ANSWERED), cwd=ROOT,
        stdout=asyncio.subprocess.PIPE)
    assert child.stdout is not None
    assert await child.stdout.readline() == b"in flight\n"
    child.send_signal(signal.SIGKILL)
    await child.wait()

    before = [int(line) for line in log.read_text().split()]
    assert len(before) == ANSWERED + IN_FLIGHT  # Telegram has them all; the last ones unmarked
    assert await rows(db, "SELECT state, count(*) FROM outbox WHERE due_ts <= ?"
                          " GROUP BY state ORDER BY state", to_ts(THURSDAY_18)) == [
        ("pending", CITIZENS - ANSWERED - IN_FLIGHT), ("sending", IN_FLIGHT),
        ("sent", ANSWERED)]

    assert await courier.recover() == IN_FLIGHT
    assert (await courier.drain()).sent == CITIZENS - ANSWERED
    received = Counter(before) + Counter(user.id for user in users for _ in user.messages)
    assert set(received) == {user.id for user in users}  # nobody lost
    assert sum(received.values()) - CITIZENS == IN_FLIGHT  # the ones in flight, twice
    assert max(received.values()) == 2
