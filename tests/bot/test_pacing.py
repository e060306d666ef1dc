"""Telegram's limits kept as Telegram counts them, with several messages in flight over a network
that takes a round trip with jitter; replies before bulk sends. Time is simulated: it moves only
when every sender waits, so the tests take no time and always run the same way."""

from __future__ import annotations

import asyncio
import bisect
import heapq
import itertools
import random
from collections.abc import Awaitable, Iterator
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.pacing import CHAT_INTERVAL, GROUP_PER_MINUTE, PACED, Pace, PacedLimiter

TRIP, JITTER = 0.100, 0.010


class SimulatedTime:
    """A discrete-event clock: `run` advances it to the next wake-up once every task waits."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        wake: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(seconds, 0.0), next(self._order), wake))
        await wake

    async def run(self, *work: Awaitable[Any]) -> None:
        tasks = [asyncio.ensure_future(item) for item in work]
        while not all(task.done() for task in tasks):
            if len(self._sleepers) + sum(task.done() for task in tasks) < len(tasks):
                await asyncio.sleep(0)  # someone is still running: let them reach a wait
                continue
            when, _, wake = heapq.heappop(self._sleepers)
            self.now = max(self.now, when)
            wake.set_result(None)
        await asyncio.gather(*tasks)


@pytest.fixture
def time() -> SimulatedTime:
    return SimulatedTime()


@pytest.fixture
def pace(time: SimulatedTime) -> Pace:
    return Pace(30, monotonic=time.monotonic, sleep=time.sleep)


class Network:
    """Sends over a round trip of TRIP + 0..JITTER seconds, half each way; notes when
    Telegram received each message, and to which chat."""

    def __init__(self, pace: Pace, time: SimulatedTime, seed: int = 9) -> None:
        self.pace, self.time, self.random = pace, time, random.Random(seed)
        self.received: list[tuple[float, int]] = []

    def leg(self) -> float:
        return TRIP / 2 + self.random.uniform(0, JITTER / 2)

    async def send(self, chat: int, *, bulk: bool = True) -> float:
        """Seconds waited for a place."""
        asked = self.time.now
        async with self.pace.sending(chat, bulk=bulk):
            waited = self.time.now - asked
            await self.time.sleep(self.leg())
            self.received.append((self.time.now, chat))
            await self.time.sleep(self.leg())
        return waited

    async def worker(self, chats: Iterator[int]) -> None:
        """One of the outbox's workers: takes the next message, sends it, and again."""
        for chat in chats:
            await self.send(chat)

    def most_in(self, seconds: float, chat: int | None = None) -> int:
        times = sorted(at for at, to in self.received if chat in (None, to))
        return max((bisect.bisect_left(times, at + seconds) - n for n, at in enumerate(times)),
                   default=0)


async def test_eight_in_flight_keep_within_30_a_second_as_telegram_counts_and_near_it(
        pace: Pace, time: SimulatedTime) -> None:
    network, chats = Network(pace, time), iter(range(1, 601))
    await time.run(*(network.worker(chats) for _ in range(8)))
    assert len(network.received) == 600
    assert network.most_in(1.0) <= 30
    first, last = network.received[29][0], network.received[-1][0]
    assert (600 - 30) / (last - first) >= 0.95 * 30


async def test_one_sender_at_a_time_would_be_capped_by_the_round_trip(
        pace: Pace, time: SimulatedTime) -> None:
    network = Network(pace, time)
    await time.run(network.worker(iter(range(1, 61))))
    assert 60 / time.now < 1 / TRIP


async def test_bulk_keeps_a_second_between_two_messages_to_one_chat(
        pace: Pace, time: SimulatedTime) -> None:
    network = Network(pace, time)
    chats = iter([7, 7, 8, 7, 9, 7])
    await time.run(*(network.worker(chats) for _ in range(4)))
    assert network.most_in(CHAT_INTERVAL, chat=7) == 1
    assert [chat for _, chat in network.received].count(7) == 4


async def test_a_group_gets_at_most_20_messages_a_minute(
        pace: Pace, time: SimulatedTime) -> None:
    network = Network(pace, time)
    await time.run(*(network.send(-100, bulk=False) for _ in range(GROUP_PER_MINUTE + 5)))
    assert network.most_in(60.0, chat=-100) == GROUP_PER_MINUTE
    assert time.now > 60


async def test_a_pause_holds_every_send(pace: Pace, time: SimulatedTime) -> None:
    network = Network(pace, time)
    pace.pause(5)
    pace.pause(2)
    await time.run(network.send(1), network.send(2, bulk=False))
    assert min(at for at, _ in network.received) >= 5


async def test_a_reply_takes_the_next_place_before_the_bulk_sends_waiting(
        pace: Pace, time: SimulatedTime) -> None:
    network, chats = Network(pace, time), iter(range(1, 301))
    waits: list[float] = []

    async def replies() -> None:
        for chat in range(-1, -11, -1):  # one reply every second, into a full budget
            await time.sleep(1.0)
            waits.append(await network.send(chat, bulk=False))

    await time.run(replies(), *(network.worker(chats) for _ in range(8)))
    assert max(waits) <= (1 + pace.margin()) / 30 + 0.01
    assert network.most_in(1.0) <= 30


async def test_a_send_still_in_flight_holds_its_chat_however_long_it_flies(
        pace: Pace, time: SimulatedTime) -> None:
    hung = await pace.acquire(5, bulk=True)
    time.now += 3
    assert 5 in pace.recent_chats()
    network = Network(pace, time)

    async def answer_after(seconds: float) -> None:
        await time.sleep(seconds)
        pace.done(hung)

    await time.run(answer_after(2), network.send(5))
    assert network.received[0][0] > 5  # not before the one in flight was answered


def test_recent_chats_are_those_written_to_less_than_a_second_ago(
        pace: Pace, time: SimulatedTime) -> None:
    pace.done(pace._start(1, time.now))  # noqa: SLF001
    time.now += 0.5
    pace.done(pace._start(2, time.now))  # noqa: SLF001
    assert pace.recent_chats() == {1, 2}
    time.now += 0.6
    assert pace.recent_chats() == {2}


async def test_the_limiter_paces_replies_and_lets_the_outbox_through(
        pace: Pace, time: SimulatedTime) -> None:
    limiter, calls = PacedLimiter(pace), []

    async def call(**data: Any) -> bool:
        calls.append(data)
        return True

    async def request(chat: int, args: str | None = None) -> None:
        await limiter.process_request(call, (), {"chat": chat}, "sendMessage",
                                      {"chat_id": chat}, args)

    await time.run(*(request(chat) for chat in range(40)))
    assert time.now >= 1  # 40 replies: the 31st waited for a place
    started = time.now
    await time.run(*(request(chat, PACED) for chat in range(40)))
    assert time.now == started  # the outbox had taken its places itself
    assert len(calls) == 80


async def test_flood_control_pauses_everything_and_the_reply_is_tried_again(
        pace: Pace, time: SimulatedTime) -> None:
    limiter, answers = PacedLimiter(pace), iter([RetryAfter(3), True])

    async def call(**_: Any) -> bool:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def request() -> None:
        assert await limiter.process_request(call, (), {}, "sendMessage", {"chat_id": 5}, None)

    await time.run(request())
    assert time.now >= 3
