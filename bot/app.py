"""build_application: the one place that knows every part and wires them together."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import (
    ApplicationBuilder,
    BaseRateLimiter,
    ContextTypes,
    Defaults,
    JobQueue,
)
from telegram.request import BaseRequest

from bot import jobs, outbox
from bot.bot_api import AiohttpRequest
from bot.context import App, Context, CurrentOffice, Deps, Doorbell
from bot.domain import codice_fiscale
from bot.domain.calibration import with_durations
from bot.domain.clock import Clock, SystemClock
from bot.domain.model import Office
from bot.i18n import I18n
from bot.pacing import Pace, PacedLimiter
from bot.services import offers
from bot.testing.local_api import OFFLINE_TOKEN
from bot.updates import FloodGate, PerChatUpdateProcessor
from handlers import (
    booking,
    charts,
    conversation,
    errors,
    flood,
    menu,
    my_bookings,
    operators,
    privacy,
    reminders,
    start,
    update_shapes,
    waitlist,
)
from storage import service_durations
from storage.db import Database

UPDATE_TYPES = ("message", "callback_query")
"""What the handlers handle: all Telegram is asked to send (polling or webhook)."""


def build_application(office: Office, db: Database, *, token: str = OFFLINE_TOKEN,
                      request: BaseRequest | None = None, base_url: str | None = None,
                      clock: Clock | None = None, i18n: I18n | None = None,
                      rate_limiter: BaseRateLimiter[Any] | None = None, polling: bool = True,
                      on_duty: Callable[[], bool] | None = None) -> App:
    """`rate_limiter`: instead of the Pace shared by replies and the outbox (benchmarks, a
    webhook worker's share). `polling` False: no Updater (webhook mode feeds the updates).
    `on_duty`: whether this process may deliver the outbox now (webhook mode: while it holds
    the jobs' lease)."""
    deps = Deps(current=CurrentOffice(office), db=db, i18n=i18n or I18n(),
                clock=clock or SystemClock(), doorbell=Doorbell(), offers=offers.offer_free_times,
                chart=charts.stats_chart if charts.available() else None)
    limiter = rate_limiter or PacedLimiter()
    processor = PerChatUpdateProcessor()
    builder = (
        ApplicationBuilder()
        .token(token)
        .context_types(ContextTypes(context=Context))
        # What PTB builds by default, named so that the type says which context the jobs get.
        .job_queue(JobQueue[Context]())
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=office.tz,
                           link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .rate_limiter(limiter)
        .concurrent_updates(processor)
    )
    builder = builder.request(request or AiohttpRequest())
    # one connection for long polling, as python-telegram-bot's default
    builder = builder.get_updates_request(
        FloodGate(request or AiohttpRequest(connection_pool_size=1), processor))
    if base_url:
        builder = builder.base_url(f"{base_url.rstrip('/')}/bot")
    if not polling:
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data["deps"] = deps
    processor.on_flood = functools.partial(flood.slow_down, application)

    application.add_handlers(update_shapes.handlers(), group=-3)
    application.add_handlers(operators.lookup(), group=-2)
    application.add_handlers(start.group_guard(), group=-1)
    application.add_handlers(operators.before_start())
    application.add_handlers(start.handlers())
    application.add_handlers(booking.handlers())
    application.add_handlers(conversation.handlers())
    application.add_handlers(my_bookings.handlers())
    application.add_handlers(privacy.handlers())
    application.add_handlers(reminders.handlers())
    application.add_handlers(waitlist.handlers())
    application.add_handlers(operators.handlers())
    application.add_handlers(start.fallbacks())
    application.add_error_handler(errors.on_error)
    assert application.job_queue is not None
    jobs.schedule_jobs(application.job_queue, deps)
    outbox.install(application, limiter.pace if isinstance(limiter, PacedLimiter) else Pace(),
                   on_duty)
    return application


async def prepare(application: App, *, recover_outbox: bool = True) -> None:
    """Once, before the first update: the command menus (and what else start-up needs).
    A webhook worker recovers the outbox only when it takes over the jobs (bot/worker.py): at
    its start another worker may have a message in flight."""
    deps: Deps = application.bot_data["deps"]
    await asyncio.to_thread(codice_fiscale.places)
    deps.current.replace(
        with_durations(deps.office, await deps.db.read(service_durations.all_durations)))
    await menu.set_citizen_menus(application, deps.i18n)
    await operators.set_menus(application)
    if recover_outbox:
        await outbox.dispatcher(application).recover()
