"""`sportello serve --workers N` as a real process tree, for tests and benchmarks: the workers
reach the in-process Bot API over HTTP (bot/testing/http_api.py), and Telegram's side posts to
their shared port (bot/testing/webhook_client.py)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

import bot
from bot.testing.http_api import serving
from bot.testing.local_api import LocalBotAPI

ROOT = Path(bot.__file__).resolve().parents[1]
PATH = "/telegram"
SECRET = "deployment-secret"
READY_WITHIN = 120
"""Seconds for N workers to start, on a busy machine."""


@dataclass(frozen=True)
class Deployment:
    process: asyncio.subprocess.Process
    """The parent: uvicorn's supervisor, which restarts a worker that dies."""
    url: str

    async def ready(self, http: httpx.AsyncClient, workers: int) -> None:
        """Wait until /healthz has answered 200 from `workers` different workers."""
        seen: set[str] = set()
        for _ in range(READY_WITHIN * 20):
            try:
                answer = await http.get(f"{self.url}/healthz",
                                        headers={"Connection": "close"})
                if answer.status_code == 200:
                    seen.add(answer.json()["worker"])
            except httpx.TransportError:
                pass
            if len(seen) >= workers:
                return
            await asyncio.sleep(0.05)
        raise TimeoutError(f"{len(seen)} of {workers} workers answered")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def deployment(workers: int, api: LocalBotAPI, log: Path,
                     settings: Mapping[str, str]) -> AsyncIterator[Deployment]:
    """The workers run while inside; then SIGTERM, and they must stop cleanly. `settings`: the
    environment that names the database (SPORTELLO_DB=...), and any other."""
    port = _free_port()
    async with serving(api) as api_url:
        environment = os.environ | {
            "PYTHONPATH": str(ROOT), "TELEGRAM_BOT_TOKEN": "0:deployment",
            "TELEGRAM_API_BASE_URL": api_url,
            "SPORTELLO_WEBHOOK_URL": f"https://bot.test{PATH}",
            "SPORTELLO_WEBHOOK_SECRET": SECRET, "SPORTELLO_PORT": str(port),
            "SPORTELLO_SEND_RATE": "0", "SPORTELLO_LOG_LEVEL": "WARNING"} | dict(settings)
        with log.open("wb") as output:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "serve", "--workers", str(workers), cwd=ROOT,
                env=environment, stdout=output, stderr=output, start_new_session=True)
            try:
                yield Deployment(process, f"http://127.0.0.1:{port}")
                process.send_signal(signal.SIGTERM)
                # A single worker is uvicorn itself, which ends by the signal once stopped.
                if await asyncio.wait_for(process.wait(), 60) not in (0, -signal.SIGTERM):
                    raise RuntimeError(f"sportello serve failed: see {log}")
            finally:
                if process.returncode is None:
                    os.killpg(process.pid, signal.SIGKILL)  # its own session: the workers too
                    await process.wait()
