"""The outbox dispatcher: delivers what the bot sends on its own, once, at Telegram's pace.

A repeating job, and a nudge whenever something is queued for now, run `Dispatcher.drain`: it
claims the message due first and decides about it in one transaction (bot/services/triage.py),
renders it in the citizen's current language (handlers/notices.py), sends it and marks it sent.
Strictly one message is in flight at a time, so a crash can repeat at most that one: `recover`,
at start-up, puts it back. What fell due while the bot was down goes out at the first run,
unless pointless by then (dropped, with the reason recorded).

Errors: Forbidden (the citizen blocked the bot) marks the citizen unreachable, and nothing more
is attempted to them; RetryAfter pauses every send for the time Telegram asks; a network error
reschedules the message with back-off (up to MAX_ATTEMPTS, then it is given up, with the error)
and ends the run, since the next messages would meet the same network; any other refusal
(BadRequest) gives the message up at once. A waiting-list offer given up is withdrawn, and its
time offered to the next in the queue at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import timedelta

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.context import App, Context, Deps
from bot.domain.model import to_ts
from bot.pacing import Pace
from bot.services import triage
from bot.services.triage import DROPPED, FAILED, SENT, Outgoing, Settled
from handlers import notices
from handlers.message_size import TOO_LONG, clip
from storage import citizens, outbox
from storage.engine import Connection

log = logging.getLogger(__name__)

INTERVAL = 30
"""Seconds between two runs of the repeating job (a nudge starts one at once)."""
MAX_ATTEMPTS = 5
BACKOFF = 60
"""Seconds before the second attempt after a network error, doubled for each further one."""
FLOOD_WAITS = 5
"""RetryAfter answers in a row for one message before the run gives up until the next."""
KEY = "outbox"


@dataclass
class Tally:
    sent: int = 0
    dropped: int = 0
    failed: int = 0
    deferred: int = 0
    """Back to pending, for a later attempt."""

    def add(self, state: str, count: int = 1) -> None:
        setattr(self, state, getattr(self, state) + count)

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def __str__(self) -> str:
        return ", ".join(f"{getattr(self, f.name)} {f.name}" for f in fields(self))


def retry_seconds(error: RetryAfter) -> float:
    value = error.retry_after  # seconds; a timedelta with PTB_TIMEDELTA=true, the future default
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _blocked(conn: Connection, message: outbox.Message, now: int,
             error: str) -> Settled:
    citizens.mark_unreachable(conn, message.chat_id, now)
    return triage.give_up(conn, message, now, error)


def _always() -> bool:
    return True


class Dispatcher:
    def __init__(self, deps: Deps, bot: Bot, pace: Pace | None = None) -> None:
        self.deps, self.bot = deps, bot
        self.pace = pace or Pace()
        self._lock = asyncio.Lock()
        self._again = False

    def _now(self) -> int:
        return to_ts(self.deps.clock.now())

    async def recover(self) -> int:
        """Put back the message a crash left in flight; at start-up, before the first run."""
        found = await self.deps.db.write(outbox.recover)
        if found:
            log.warning("outbox: %d message left in flight by a crash goes out again", found)
        return found

    async def drain(self, keep_going: Callable[[], bool] = _always) -> Tally:
        """Deliver everything due, one message at a time, while `keep_going()`. If a run is
        already going, it is asked to look again before it ends, and this one returns."""
        tally = Tally()
        if self._lock.locked():
            self._again = True
            return tally
        async with self._lock:
            tally.add(DROPPED, await self.deps.db.write(outbox.drop_expired, self._now()))
            while keep_going():
                step = await self.deps.db.write(triage.next_due, self._now(),
                                                self.pace.recent_chats())
                if step is None:
                    if not self._again:
                        break
                    self._again = False
                elif isinstance(step, Settled):
                    tally.add(step.state)
                    if step.freed:
                        await self.deps.offer_free_times()
                elif not await self._deliver(step, keep_going, tally):
                    break
        if tally:
            log.info("outbox: %s", tally)
        return tally

    async def _deliver(self, item: Outgoing, keep_going: Callable[[], bool],
                       tally: Tally) -> bool:
        """Send one claimed message and record the outcome; False when the run should end."""
        message = item.message
        t = self.deps.i18n(item.lang)
        try:
            text, keyboard = notices.notice_message(t, self.deps.office, item.notice)
            text = clip(text, t.gettext(TOO_LONG))  # a notice is one message, with its buttons
        except Exception as error:  # one notice that cannot be shown must not stop the others
            log.exception("outbox: message %d cannot be rendered", message.id)
            await self._failed(message, repr(error), tally)
            return True
        for _ in range(FLOOD_WAITS):
            await self.pace.ready(message.chat_id)
            try:
                await self.bot.send_message(message.chat_id, text,
                                            reply_markup=InlineKeyboardMarkup(keyboard))
            except RetryAfter as error:
                self.pace.pause(retry_seconds(error))
                if keep_going():
                    continue
                break
            except Forbidden as error:
                await self._failed(message, str(error), tally, blocked=True)
                return True
            except BadRequest as error:  # this message will never go: Telegram refuses it
                await self._failed(message, str(error), tally)
                return True
            except NetworkError as error:  # TimedOut too
                await self._later(message, str(error), tally)
                return False
            except TelegramError as error:
                await self._failed(message, str(error), tally)
                return True
            self.pace.sent(message.chat_id)
            await self._sent(message, tally)
            return True
        await self.deps.db.write(outbox.retry, message.id, self._now(), None)
        tally.add("deferred")
        return False

    async def _sent(self, message: outbox.Message, tally: Tally) -> None:
        await self.deps.db.write(outbox.finish, message.id, SENT, self._now())
        tally.add(SENT)

    async def _failed(self, message: outbox.Message, error: str, tally: Tally, *,
                      blocked: bool = False) -> None:
        """Record that `message` will not go; an offer in it passes to the next at once."""
        settled = await self.deps.db.write(_blocked if blocked else triage.give_up, message,
                                           self._now(), error)
        tally.add(FAILED)
        if settled.freed:
            await self.deps.offer_free_times()

    async def _later(self, message: outbox.Message, error: str, tally: Tally) -> None:
        if message.attempts >= MAX_ATTEMPTS:
            await self._failed(message, error, tally)
            return
        due = self._now() + BACKOFF * 2 ** (message.attempts - 1)
        await self.deps.db.write(outbox.retry, message.id, due, error)
        tally.add("deferred")


def dispatcher(application: App) -> Dispatcher:
    found: Dispatcher = application.bot_data[KEY]
    return found


def install(application: App, on_duty: Callable[[], bool] | None = None) -> Dispatcher:
    """The dispatcher for `application`: a run at start (the catch-up), a repeating one, and
    the nudge in `Deps`, which starts a run at once while the application is running (and
    `on_duty()`: with several workers, only the one holding the jobs' lease delivers)."""
    deps: Deps = application.bot_data["deps"]
    found = application.bot_data[KEY] = Dispatcher(deps, application.bot)
    duty = on_duty or _always

    def running() -> bool:
        return application.running and duty()

    async def run(context: Context) -> None:
        await found.drain(running)

    def nudge() -> None:
        if running():
            application.create_task(found.drain(running), name="outbox nudge")

    deps.doorbell.connect(nudge)
    assert application.job_queue is not None, "python-telegram-bot[job-queue] is required"
    # The catch-up runs as soon as the application starts, however long after it was built.
    application.job_queue.run_once(run, when=0, name=f"{KEY} catch-up",
                                   job_kwargs={"misfire_grace_time": None})
    # A second instance may start while a long run goes on: it only asks that run to look again.
    application.job_queue.run_repeating(run, interval=INTERVAL, first=INTERVAL, name=KEY,
                                        job_kwargs={"max_instances": 2})
    return found
