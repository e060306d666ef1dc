"""The Bot API over real HTTP (bot/bot_api.py, aiohttp): the application as `sportello run`
builds it, talking to the in-process Bot API served on loopback; the errors of a transport."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.app import build_application, prepare
from bot.bot_api import AiohttpRequest
from bot.domain.model import Office
from bot.testing.clock import FakeClock
from bot.testing.http_api import serving
from bot.testing.local_api import Fault, LocalBotAPI, RoundTrip
from bot.testing.local_user import LocalUser
from storage.db import Database
from tests.handlers.conftest import Steps, no_errors

TOKEN = "123:not-a-real-secret"


async def test_a_whole_booking_over_http(db: Database, office: Office, clock: FakeClock) -> None:
    api = LocalBotAPI()
    async with serving(api) as url:
        application = build_application(office, db, token=TOKEN, base_url=url, clock=clock)
        async with application:
            await prepare(application)
            user = LocalUser(api, application, 1001)  # updates handed over as polling does
            code = await Steps(office).book(user)
    assert "Prenotato" in user.messages[-2].text
    assert code in user.messages[-2].text
    [calendar] = [m for m in user.messages if m.document]  # the .ics went as multipart
    name, content = calendar.document
    assert name.endswith(".ics")
    assert content.startswith(b"BEGIN:VCALENDAR")
    no_errors(user)


def _data() -> RequestData:
    return RequestData([RequestParameter("callback_query_id", "q1", None)])


async def test_an_unreachable_api_is_a_network_error_without_the_token() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as raised:
            await request.post(f"http://127.0.0.1:{port}/bot{TOKEN}/answerCallbackQuery",
                               _data())
    finally:
        await request.shutdown()
    assert "not-a-real-secret" not in str(raised.value)
    assert str(raised.value) == "aiohttp.ClientConnectorError"


async def test_a_slow_answer_is_timed_out_and_a_429_is_retry_after() -> None:
    api = LocalBotAPI(round_trip=RoundTrip(latency=1.0))
    api.faults.append(Fault("answerCallbackQuery", 429, "Too Many Requests: retry after 7",
                            retry_after=7))
    async with serving(api) as url:
        request = AiohttpRequest()
        await request.initialize()
        try:
            with pytest.raises(TimedOut):
                await request.post(f"{url}/bot{TOKEN}/answerCallbackQuery", _data(),
                                   read_timeout=0.1)
            api.round_trip = RoundTrip()
            with pytest.raises(RetryAfter) as retry:
                await request.post(f"{url}/bot{TOKEN}/answerCallbackQuery", _data())
        finally:
            await request.shutdown()
    assert retry.value.retry_after in (7, timedelta(seconds=7))  # PTB: seconds, or a timedelta
