"""How the bot reaches Telegram's Bot API over HTTP: python-telegram-bot's request interface
(`BaseRequest`) on aiohttp.

python-telegram-bot's own `HTTPXRequest` spent about 1.8 ms of CPU on each call over loopback
here, aiohttp about 0.5 ms (`bench/bench_http.py`): with two or three calls an update, the HTTP
client cost more than the rest of an update together. Only the transport changes: the bot's
methods, their parameters and how answers and errors are read stay python-telegram-bot's.

Timeouts are python-telegram-bot's, in seconds: `connect_timeout` to open a connection,
`pool_timeout` more to wait for a free one (aiohttp counts the two together), `read_timeout`
between two reads of the answer; aiohttp has no timeout for writing the request, so
`write_timeout` is not used. A timeout is `TimedOut`; any other failure of the transport is
`NetworkError`, whose message names the kind of failure, never the URL (the token is in it).
"""

from __future__ import annotations

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

DEFAULT_TIMEOUTS = {"read": 5.0, "connect": 5.0, "pool": 1.0}
"""As python-telegram-bot's HTTPXRequest."""
NOT_GIVEN = type(BaseRequest.DEFAULT_NONE)
"""python-telegram-bot's marker of a timeout the caller did not give."""


class AiohttpRequest(BaseRequest):
    def __init__(self, connection_pool_size: int = 256) -> None:
        self._pool_size = connection_pool_size
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return DEFAULT_TIMEOUTS["read"]

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            # made here: a session belongs to the event loop running when it is made
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT})

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: object = BaseRequest.DEFAULT_NONE,
                         write_timeout: object = BaseRequest.DEFAULT_NONE,
                         connect_timeout: object = BaseRequest.DEFAULT_NONE,
                         pool_timeout: object = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        connect = _seconds(connect_timeout, "connect")
        pool = _seconds(pool_timeout, "pool")
        timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=connect, sock_read=_seconds(read_timeout, "read"),
            connect=None if connect is None or pool is None else connect + pool)
        try:
            async with self._session.request(method, url, data=_body(request_data),
                                             timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as error:  # aiohttp's own timeouts are TimeoutErrors too
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}") from error


def _seconds(given: object, kind: str) -> float | None:
    if isinstance(given, NOT_GIVEN):
        return DEFAULT_TIMEOUTS[kind]
    return None if given is None else float(given)  # type: ignore[arg-type]


def _body(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    """The parameters as a form, as the Bot API takes them; with a file, as multipart."""
    if request_data is None:
        return None
    parameters = request_data.json_parameters
    if not request_data.contains_files:
        return parameters
    form = aiohttp.FormData(parameters)
    for name, (filename, content, mime) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mime)
    return form
