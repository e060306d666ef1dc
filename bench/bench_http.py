"""The CPU one Bot API call costs the bot over real HTTP, by transport: python-telegram-bot's
default (`HTTPXRequest`, httpx) and Sportello's (`bot/bot_api.py`, aiohttp). The in-process Bot
API leaves this cost out of every other benchmark; a real deployment pays it for each of the two
or three calls an update makes.

The Bot API is the in-process one served over HTTP on loopback (bot/testing/http_api.py), in
another process, so that only the bot's side is counted: `--calls` answerCallbackQuery calls one
after another, then the same 16 at a time; CPU microseconds a call, this process's.

    python -m bench.bench_http [--calls 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import time
from collections.abc import Awaitable, Callable

from telegram.request import BaseRequest, HTTPXRequest, RequestData
from telegram.request._requestparameter import RequestParameter

from bot.bot_api import AiohttpRequest
from bot.testing.http_api import serving
from bot.testing.local_api import LocalBotAPI

CONCURRENT = 16


def serve(urls: multiprocessing.Queue[str]) -> None:
    async def run() -> None:
        async with serving(LocalBotAPI(keep_calls=False)) as url:
            urls.put(url)
            await asyncio.Event().wait()  # until terminated

    asyncio.run(run())


async def cpu_per_call(calls: int, concurrent: int, call: Callable[[], Awaitable[object]]) -> float:
    async def some(count: int) -> None:
        for _ in range(count):
            await call()

    cpu = time.process_time()
    await asyncio.gather(*(some(calls // concurrent) for _ in range(concurrent)))
    return (time.process_time() - cpu) / (calls // concurrent * concurrent) * 1e6


async def measure(name: str, request: BaseRequest, url: str, calls: int) -> None:
    data = RequestData([RequestParameter("callback_query_id", "q1", None),
                        RequestParameter("text", "Kept for you", None)])
    await request.initialize()
    try:
        async def call() -> object:
            return await request.post(f"{url}/bot0:bench/answerCallbackQuery", data)

        await cpu_per_call(100, 1, call)  # connections opened, code warm
        alone = await cpu_per_call(calls, 1, call)
        together = await cpu_per_call(calls, CONCURRENT, call)
    finally:
        await request.shutdown()
    print(f"  {name:34s} {alone:6.0f} us of CPU a call one at a time, {together:6.0f} us "
          f"{CONCURRENT} at a time")


async def main(args: argparse.Namespace) -> None:
    urls: multiprocessing.Queue[str] = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(urls,), daemon=True)
    server.start()
    try:
        url = urls.get(timeout=60)
        print(f"{args.calls} Bot API calls over loopback HTTP, the Bot API in another process:")
        await measure("HTTPXRequest (httpx, PTB's default)",
                      HTTPXRequest(connection_pool_size=CONCURRENT), url, args.calls)
        await measure("AiohttpRequest (aiohttp, Sportello)",
                      AiohttpRequest(connection_pool_size=CONCURRENT), url, args.calls)
    finally:
        server.terminate()
        server.join()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000)
    asyncio.run(main(parser.parse_args()))
