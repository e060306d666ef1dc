"""build_application: the one place that knows every part and wires them together."""

from __future__ import annotations

import asyncio
import functools

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseRateLimiter,
    ContextTypes,
    Defaults,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot import outbox
from bot.context import Context, Deps
from bot.domain import codice_fiscale
from bot.domain.calibration import with_durations
from bot.domain.clock import Clock, SystemClock
from bot.domain.model import Office
from bot.i18n import I18n
from bot.pacing import Pace, PacedLimiter
from bot.services import housekeeping, offers
from bot.testing.local_api import OFFLINE_TOKEN
from bot.updates import FloodGate, PerChatUpdateProcessor
from handlers import (
    booking,
    errors,
    flood,
    menu,
    my_bookings,
    operators,
    privacy,
    reminders,
    start,
    waitlist,
)
from storage import service_durations
from storage.db import Database


def build_application(office: Office, db: Database, *, token: str = OFFLINE_TOKEN,
                      request: BaseRequest | None = None, base_url: str | None = None,
                      clock: Clock | None = None, i18n: I18n | None = None,
                      rate_limiter: BaseRateLimiter | None = None) -> Application:
    """`rate_limiter`: instead of the Pace shared by replies and the outbox (benchmarks)."""
    deps = Deps(office=office, db=db, i18n=i18n or I18n(), clock=clock or SystemClock())
    limiter = rate_limiter or PacedLimiter()
    processor = PerChatUpdateProcessor()
    builder = (
        ApplicationBuilder()
        .token(token)
        .context_types(ContextTypes(context=Context))
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=office.tz,
                           link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .rate_limiter(limiter)
        .concurrent_updates(processor)
    )
    if request is not None:
        builder = builder.request(request)
    # one connection for long polling, as python-telegram-bot's default
    builder = builder.get_updates_request(
        FloodGate(request or HTTPXRequest(connection_pool_size=1), processor))
    if base_url:
        builder = builder.base_url(f"{base_url.rstrip('/')}/bot")
    application = builder.build()
    application.bot_data["deps"] = deps
    processor.on_flood = functools.partial(flood.slow_down, application)

    application.add_handlers(start.group_guard(), group=-1)
    application.add_handlers(operators.first(), group=-1)
    application.add_handlers(operators.before_start())
    application.add_handlers(start.handlers())
    application.add_handlers(booking.handlers())
    application.add_handlers(my_bookings.handlers())
    application.add_handlers(privacy.handlers())
    application.add_handlers(reminders.handlers())
    application.add_handlers(waitlist.handlers())
    application.add_handlers(operators.handlers())
    application.add_handlers(start.fallbacks())
    application.add_error_handler(errors.on_error)
    assert application.job_queue is not None
    housekeeping.schedule(application.job_queue, deps)
    outbox.install(application, limiter.pace if isinstance(limiter, PacedLimiter) else Pace())
    offers.install(application)
    return application


async def prepare(application: Application) -> None:
    """Once, before the first update: the command menus (and what else start-up needs)."""
    deps: Deps = application.bot_data["deps"]
    await asyncio.to_thread(codice_fiscale.places)
    deps.office = with_durations(deps.office, await deps.db.read(service_durations.all_durations))
    await menu.set_menus(application, deps.i18n)
    await operators.set_menus(application)
    await outbox.dispatcher(application).recover()
