"""The webhook's HTTP side (starlette, served by uvicorn): updates in, health and metrics out.

An update is only written to the inbox, and answered 200 at once: its processing is the lanes'
business (bot/inbox.py), in whichever worker holds its chat. A request without the secret token
registered with setWebhook is refused with 403 before anything is read.
"""

from __future__ import annotations

import hmac
import os
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from prometheus_client import CONTENT_TYPE_LATEST
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bot import logs, memory
from bot.cli import with_admins
from bot.config import load_office
from bot.serving import read_webhook_settings
from bot.settings import read_settings
from bot.worker import BadUpdate, Worker
from storage.db import Database

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
Lifespan = Callable[[Starlette], AbstractAsyncContextManager[None]]


def _worker(request: Request) -> Worker:
    found: Worker = request.app.state.worker
    return found


def create_app(path: str, secret: str, lifespan: Lifespan | None = None) -> Starlette:
    """The ASGI app; its `state.worker` is set by `lifespan` (or by a test)."""
    expected = secret.encode()

    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return PlainTextResponse("Forbidden", status_code=403)
        try:
            await _worker(request).receive(await request.body())
        except BadUpdate:
            return PlainTextResponse("Not an update", status_code=400)
        return Response(status_code=200)

    async def healthz(request: Request) -> Response:
        healthy, report = await _worker(request).health()
        return JSONResponse(report, status_code=200 if healthy else 503)

    async def metrics(request: Request) -> Response:
        return Response(await _worker(request).metrics_text(), media_type=CONTENT_TYPE_LATEST)

    return Starlette(routes=[Route(path, receive, methods=["POST"]),
                             Route("/healthz", healthz), Route("/metrics", metrics)],
                     lifespan=lifespan)


def from_environment() -> Starlette:
    """What each worker process runs (uvicorn's app factory): settings from the environment."""
    settings = read_settings()
    assert settings.token is not None, "sportello serve checks the token"
    web = read_webhook_settings(os.environ, settings.token)
    logs.configure(settings.log_level, settings.token)
    office = with_admins(load_office(settings.config_path), settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        assert settings.token is not None  # serve refuses to start without one
        db = await Database.open(settings.database)
        try:
            worker = Worker(office, db, name=f"{socket.gethostname()}:{os.getpid()}",
                            token=settings.token, base_url=settings.api_base_url,
                            tuning=web.tuning)
            await worker.start()
            memory.settle()
            app.state.worker = worker
            try:
                yield
            finally:
                await worker.stop()
        finally:
            await db.close()

    return create_app(web.path, web.secret, lifespan)
