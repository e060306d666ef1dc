"""One chat floods the bot; how long do the others wait for their answers?

`--others` citizens (default 20) each send /start once a second for `--seconds` (default 10),
spread over the second, to the real Application as built (bot/polling.py, the flood gate, the
per-chat update processor, the paced limiter) over the in-process Bot API `--latency-ms` away
(default 50). Paired runs: without a flood (the baseline), then with one chat sending `--flood`
updates (default 500) all at once a second in. The time measured is from the moment Telegram has
the update to the moment it has the answer.

Telegram hands over at most 100 updates per getUpdates: by long polling, whatever comes after a
flood of 500 waits for five round trips before the bot even sees it. That is Telegram's queue,
not the bot (a webhook gets updates as they come), so the target is measured with updates handed
over as they come (getUpdates without a round trip, everything else with it), and one more pair
of runs shows what long polling adds.
`--rounds` pairs (default 3), alternating. Printed: p50/p95/p99/max of the others' time from
update to answer over all rounds, with and without the flood, the flooding chat's updates handled,
dropped and the answers it got, and the difference of the p99s in each round (min/median/max).
Target: p99 with the flood within the baseline's p99 + 50 ms. `--slot-first` runs the flood
again with python-telegram-bot's order (a shared slot first, then the chat's turn, no limit per
chat), as the bot had it before.

    python -m bench.bench_flood [--others 20] [--seconds 10] [--flood 500] [--rounds 3]
                                [--latency-ms 50] [--slot-first]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bench import network
from bot.app import UPDATE_TYPES, build_application, prepare
from bot.config import load_office
from bot.domain.statistics import percentile
from bot.polling import poll
from bot.testing.local_api import LocalBotAPI, RoundTrip
from bot.testing.local_user import LocalUser
from bot.updates import CONCURRENT_UPDATES, PerChatUpdateProcessor
from storage.db import Database

FLOODER = 999_999


class SlotFirst(BaseUpdateProcessor):
    """python-telegram-bot's order: a shared slot, then the chat's turn; no limit per chat."""

    def __init__(self) -> None:
        super().__init__(CONCURRENT_UPDATES)
        self._turns: dict[int, asyncio.Lock] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        async with self._turns.setdefault(chat.id if chat else 0, asyncio.Lock()):
            await coroutine

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


class AnsweringAPI(LocalBotAPI):
    """Tells who waits for an answer in a chat when it arrives (at Telegram's end); hands the
    updates over at once unless `polling` (then getUpdates takes a round trip too)."""

    def __init__(self, round_trip: RoundTrip, polling: bool) -> None:
        super().__init__(round_trip=round_trip)
        self.waiting: dict[int, asyncio.Future[float]] = {}
        self.polling = polling

    async def call(self, name: str, params: dict[str, Any],
                   files: dict[str, Any]) -> tuple[int, bytes]:
        if name == "getUpdates" and not self.polling:
            return 200, await self._poll(params)
        return await super().call(name, params, files)

    def _send(self, chat_id: int, params: dict[str, Any], files: dict[str, Any]) -> dict:
        sent = super()._send(chat_id, params, files)
        waiter = self.waiting.pop(chat_id, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(time.perf_counter())
        return sent

    async def ask(self, user: LocalUser, text: str) -> float:
        """Milliseconds from `text` reaching Telegram to the bot's answer reaching it."""
        answered = self.waiting[user.chat_id] = asyncio.get_running_loop().create_future()
        sent = time.perf_counter()
        user.post(text)
        return (await answered - sent) * 1000


async def citizen(api: AnsweringAPI, user: LocalUser, offset: float, seconds: int,
                  delays: list[float]) -> None:
    began = time.perf_counter() + offset
    for tick in range(seconds):
        await asyncio.sleep(max(0.0, began + tick - time.perf_counter()))
        delays.append(await api.ask(user, "/start"))


async def run(args: argparse.Namespace, round_trip: RoundTrip, flood: int, *,
              polling: bool = False, slot_first: bool = False) -> tuple[list[float], str]:
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "flood.db")
        api = AnsweringAPI(round_trip, polling)
        application = build_application(load_office(), db, request=api)
        processor = application.update_processor
        assert isinstance(processor, PerChatUpdateProcessor)
        if slot_first:  # the design before: no gate, no limit, slot first
            processor.queue_limit = flood + 1
            application._update_processor = SlotFirst()  # noqa: SLF001
        delays: list[float] = []
        async with application:
            await prepare(application)
            await application.start()
            stop = asyncio.Event()
            polling = asyncio.create_task(poll(application, stop, "the in-process Bot API",
                                               UPDATE_TYPES))
            others = [LocalUser(api, application, 10_000 + n) for n in range(args.others)]
            flooder = LocalUser(api, application, FLOODER)
            for user in [*others, flooder]:
                await api.ask(user, "/start")  # known citizens, as most are

            async def flooding() -> None:
                await asyncio.sleep(1)
                for n in range(flood):
                    flooder.post(f"messaggio {n}")

            work = [citizen(api, user, n / args.others, args.seconds, delays)
                    for n, user in enumerate(others)]
            await asyncio.gather(*work, *([flooding()] if flood else []))
            stop.set()
            await polling
            await application.stop()
        await db.close()
    answers = len(flooder.messages) - 1
    return delays, (f"flooding chat: {flood} updates, {flood - processor.dropped} handled, "
                    f"{processor.dropped} dropped, {answers} answers" if flood else "")


def describe(title: str, delays: list[float]) -> str:
    ordered = sorted(delays)
    return (f"{title:<34} p50 {statistics.median(ordered):7.1f}  "
            f"p95 {percentile(ordered, 0.95):7.1f}  p99 {percentile(ordered, 0.99):7.1f}  "
            f"max {ordered[-1]:7.1f} ms  ({len(ordered)} answers)")


def p99(delays: list[float]) -> float:
    return percentile(sorted(delays), 0.99)


async def main(args: argparse.Namespace) -> None:
    trip = network.round_trip(args)
    print(f"{args.others} citizens each send /start once a second for {args.seconds} s; {trip}")
    print("updates handed over as they come:")
    base: list[float] = []
    flooded: list[float] = []
    gaps = []
    for _ in range(args.rounds):
        alone, _ = await run(args, trip, 0)
        crowded, what = await run(args, trip, args.flood)
        base, flooded = base + alone, flooded + crowded
        gaps.append(p99(crowded) - p99(alone))
    print(describe(f"  without a flood, {args.rounds} rounds", base))
    print(describe(f"  one chat sends {args.flood} at once", flooded))
    print(f"    {what}")
    gaps.sort()
    print(f"    p99 with the flood - p99 without, per round: min {gaps[0]:+.1f}, median "
          f"{statistics.median(gaps):+.1f}, max {gaps[-1]:+.1f} ms; all rounds together "
          f"{p99(flooded) - p99(base):+.1f} ms (target <= +50 ms: "
          f"{'met' if statistics.median(gaps) <= 50 else 'MISSED'})")
    print("by long polling (100 updates per getUpdates, a round trip each):")
    alone, _ = await run(args, trip, 0, polling=True)
    crowded, what = await run(args, trip, args.flood, polling=True)
    print(describe("  without a flood", alone))
    print(describe(f"  one chat sends {args.flood} at once", crowded))
    if args.slot_first:
        before, what = await run(args, trip, args.flood, slot_first=True)
        print(describe("  the same, slot first (before)", before))
        print(f"    {what}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--others", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--flood", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--slot-first", action="store_true")
    network.add_arguments(parser, latency_ms=50)
    asyncio.run(main(parser.parse_args()))
