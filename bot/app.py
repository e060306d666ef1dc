"""build_application: the one place that knows every part and wires them together."""

from __future__ import annotations

from collections.abc import Callable

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseRateLimiter,
    ContextTypes,
    Defaults,
)
from telegram.request import BaseRequest

from bot import housekeeping, outbox
from bot import waitlist as offers
from bot.calibration import with_durations
from bot.clock import Clock, SystemClock
from bot.context import Context, Deps
from bot.i18n import I18n
from bot.local_api import OFFLINE_TOKEN
from bot.model import Office
from bot.updates import PerChatUpdateProcessor
from handlers import (
    booking,
    errors,
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

UPDATE_TYPES = ("message", "callback_query")
"""What the handlers handle: all Telegram is asked to send (polling or webhook)."""


def build_application(office: Office, db: Database, *, token: str = OFFLINE_TOKEN,
                      request: BaseRequest | None = None, base_url: str | None = None,
                      clock: Clock | None = None, i18n: I18n | None = None,
                      rate_limiter: BaseRateLimiter | None = None, polling: bool = True,
                      on_duty: Callable[[], bool] | None = None) -> Application:
    """`polling` False: no Updater (webhook mode feeds the updates). `on_duty`: whether this
    process may deliver the outbox now (webhook mode: while it holds the jobs' lease)."""
    deps = Deps(office=office, db=db, i18n=i18n or I18n(), clock=clock or SystemClock())
    builder = (
        ApplicationBuilder()
        .token(token)
        .context_types(ContextTypes(context=Context))
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=office.tz,
                           link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .rate_limiter(rate_limiter or AIORateLimiter())
        .concurrent_updates(PerChatUpdateProcessor())
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    if base_url:
        builder = builder.base_url(f"{base_url.rstrip('/')}/bot")
    if not polling:
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data["deps"] = deps

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
    outbox.install(application, on_duty)
    offers.install(application)
    return application


async def prepare(application: Application, *, recover_outbox: bool = True) -> None:
    """Once, before the first update: the command menus (and what else start-up needs).
    A webhook worker recovers the outbox only when it takes over the jobs (bot/worker.py): at
    its start another worker may have a message in flight."""
    deps: Deps = application.bot_data["deps"]
    deps.office = with_durations(deps.office, await deps.db.read(service_durations.all_durations))
    await menu.set_menus(application, deps.i18n)
    await operators.set_menus(application)
    if recover_outbox:
        await outbox.dispatcher(application).recover()
