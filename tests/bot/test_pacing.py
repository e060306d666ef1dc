"""Telegram's limits kept over every window of one second, on a clock the test controls."""

from __future__ import annotations

import pytest

from bot.pacing import Pace
from bot.testing.clock import FakeClock
from tests.conftest import NOW


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def pace(clock: FakeClock) -> Pace:
    return Pace(30, monotonic=clock.monotonic, sleep=clock.sleep)


async def test_at_most_30_in_any_second_and_no_fewer(clock: FakeClock, pace: Pace) -> None:
    times = []
    for chat in range(100):
        await pace.ready(chat)
        times.append(clock.monotonic())
        pace.sent(chat)
    assert all(later - earlier >= 1 for earlier, later in zip(times, times[30:], strict=False))
    assert times[-1] - times[0] == pytest.approx(3)


async def test_one_message_a_second_to_the_same_chat(clock: FakeClock, pace: Pace) -> None:
    start = clock.monotonic()
    pace.sent(7)
    await pace.ready(8)
    assert clock.monotonic() == start
    await pace.ready(7)
    assert clock.monotonic() == pytest.approx(start + 1)


async def test_a_pause_holds_every_send(clock: FakeClock, pace: Pace) -> None:
    start = clock.monotonic()
    pace.pause(5)
    pace.pause(2)
    await pace.ready()
    assert clock.monotonic() == pytest.approx(start + 5)


def test_recent_chats_are_those_written_to_less_than_a_second_ago(
        clock: FakeClock, pace: Pace) -> None:
    pace.sent(1)
    clock.advance(seconds=0.5)
    pace.sent(2)
    assert sorted(pace.recent_chats()) == [1, 2]
    clock.advance(seconds=0.6)
    assert pace.recent_chats() == [2]
