"""The in-process Bot API (bot/local_api.py) served over HTTP, for a bot running in other
processes: tests and benchmarks of `sportello serve` point TELEGRAM_API_BASE_URL at `serving`.

python-telegram-bot posts each method's parameters as a form (as JSON text where the value is
not a string), or as multipart when a file goes with them; both are read with the standard
library.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.testing.local_api import LocalBotAPI


def _value(text: str) -> Any:
    return json.loads(text) if text[:1] in ("{", "[") else text


async def _parameters(request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
    body = await request.body()
    kind = request.headers.get("content-type", "")
    if not kind.startswith("multipart/"):
        return {key: _value(value) for key, value in parse_qsl(body.decode())}, {}
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {kind}\r\n\r\n".encode() + body)
    params, files = {}, {}
    for part in message.iter_parts():
        name = str(part.get_param("name", header="content-disposition"))
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        if part.get_filename():
            files[name] = (part.get_filename(), content)
        else:
            params[name] = _value(content.decode())
    return params, files


def create_app(api: LocalBotAPI) -> Starlette:
    async def method(request: Request) -> Response:
        params, files = await _parameters(request)
        status, body = await api.call(request.path_params["method"], params, files)
        return Response(body, status_code=status, media_type="application/json")

    return Starlette(routes=[Route("/bot{token}/{method}", method, methods=["POST"])])


@asynccontextmanager
async def serving(api: LocalBotAPI) -> AsyncIterator[str]:
    """Serve `api` on a free loopback port while inside; yields its base URL."""
    # Connections wait here until served. Made a TCP socket by name, so that asyncio turns off
    # Nagle's algorithm on the connections it accepts: else each answer waits for the client's
    # delayed acknowledgement, 40 ms.
    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listening.bind(("127.0.0.1", 0))
    listening.listen()
    # Connections are kept open longer than clients keep them (httpx: 5 s), so that none is
    # closed by the server just as a client sends on it.
    server = uvicorn.Server(uvicorn.Config(create_app(api), log_config=None, access_log=False,
                                           lifespan="off", timeout_keep_alive=60))
    running = asyncio.create_task(server.serve(sockets=[listening]))
    try:
        yield f"http://127.0.0.1:{listening.getsockname()[1]}"
    finally:
        server.should_exit = True
        await running
        listening.close()
