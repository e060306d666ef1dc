"""The outbox dispatcher: delivers what the bot sends on its own, once, at Telegram's pace.

A repeating job, and a nudge whenever something is queued for now, run `Dispatcher.drain`: up to
IN_FLIGHT workers at once each claim the message due first and decide about it in one transaction
(bot/services/triage.py), render it in the citizen's current language (handlers/notices.py), send
it and mark it sent. With a round trip to Telegram of tens of milliseconds, one message in flight
at a time would cap delivery at one per round trip (10 a second at 100 ms); several in flight keep
Telegram's 30 a second busy, and the `Pace` (bot/pacing.py), shared with the replies to citizens,
keeps the limits: 30 in any second, one a second to a chat, 20 a minute to a group, and replies
first. A worker never claims a message to a chat another worker holds one for, so each chat gets
its messages in order.

A claimed row is 'sending' until the outcome is recorded, so a crash (kill -9, power cut) can
repeat at most the IN_FLIGHT messages claimed at that moment: `recover`, at start-up, puts them
back. What fell due while the bot was down goes out at the first run, unless pointless by then
(dropped, with the reason recorded).

Errors: Forbidden (the citizen blocked the bot) marks the citizen unreachable, and nothing more
is attempted to them; RetryAfter pauses every send (replies too) for the time Telegram asks, then
the same message is tried again; a network error reschedules that message with back-off (up to
MAX_ATTEMPTS, then it is given up, with the error) while the others go on, unless IN_FLIGHT
network errors come in a row (the network is down: the run ends, the next one tries again); any
other refusal (BadRequest) gives the message up at once. A waiting-list offer given up is
withdrawn, and its time offered to the next in the queue at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

from telegram import InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.context import App, Context, Deps
from bot.domain.model import to_ts
from bot.pacing import PACED, Pace, retry_seconds
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
IN_FLIGHT = 8
"""Messages claimed and sent at the same time: enough for 30 a second at round trips up to about
a quarter of a second (30 x 0.25 = 7.5 in flight), and the most a crash can send twice."""
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


def _blocked(conn: Connection, message: outbox.Message, now: int,
             error: str) -> Settled:
    citizens.mark_unreachable(conn, message.chat_id, now)
    return triage.give_up(conn, message, now, error)


def _always() -> bool:
    return True


class Dispatcher:
    def __init__(self, deps: Deps, bot: ExtBot[Any], pace: Pace | None = None,
                 in_flight: int = IN_FLIGHT) -> None:
        self.deps, self.bot = deps, bot
        self.pace = pace or Pace()
        self.in_flight = in_flight
        self._lock = asyncio.Lock()
        self._claiming = asyncio.Lock()
        self._again = False
        self._held: Counter[int] = Counter()
        """Chats with a message claimed by a worker: no other worker claims one to them."""
        self._claimed: dict[int, outbox.Message] = {}
        self._network_errors = 0
        """In a row, across the workers."""
        self._stopping = False
        """A worker failed: the others stop after the message in hand."""

    def _now(self) -> int:
        return to_ts(self.deps.clock.now())

    async def recover(self) -> int:
        """Put back the messages a crash left in flight; at start-up, before the first run."""
        found = await self.deps.db.write(outbox.recover)
        if found:
            log.warning("outbox: %d messages left in flight by a crash go out again", found)
        return found

    async def drain(self, keep_going: Callable[[], bool] = _always) -> Tally:
        """Deliver everything due, IN_FLIGHT messages at a time, while `keep_going()`. If a run
        is already going, it is asked to look again before it ends, and this one returns."""
        tally = Tally()
        if self._lock.locked():
            self._again = True
            return tally
        async with self._lock:
            tally.add(DROPPED, await self.deps.db.write(outbox.drop_expired, self._now()))
            self._network_errors = 0
            again = True
            while again:
                self._again = False
                await self._workers(keep_going, tally)
                again = self._again and keep_going() and not self._network_down()
        if tally:
            log.info("outbox: %s", tally)
        return tally

    async def _workers(self, keep_going: Callable[[], bool], tally: Tally) -> None:
        """IN_FLIGHT workers until nothing is left. If one fails, the others finish the message
        in hand and stop, and what is still claimed goes back to pending (it may have reached
        the citizen: as after a crash)."""
        self._stopping = False
        workers = [asyncio.create_task(self._work(keep_going, tally))
                   for _ in range(self.in_flight)]
        try:
            await asyncio.gather(*workers)
        except Exception:
            self._stopping = True
            await asyncio.gather(*workers, return_exceptions=True)
            raise
        finally:
            if self._claimed:
                await self.deps.db.write(outbox.put_back, list(self._claimed))
                self._claimed.clear()
                self._held.clear()

    def _network_down(self) -> bool:
        return self._network_errors >= self.in_flight

    async def _work(self, keep_going: Callable[[], bool], tally: Tally) -> None:
        while keep_going() and not self._network_down() and not self._stopping:
            async with self._claiming:  # one at a time: each sees the chats claimed before it
                step = await self.deps.db.write(triage.next_due, self._now(),
                                                self.pace.recent_chats(), set(self._held))
                if isinstance(step, Outgoing):
                    message = step.message
                    self._claimed[message.id] = message
                    self._held[message.chat_id] += 1
            if step is None:
                return
            if isinstance(step, Settled):
                tally.add(step.state)
                if step.freed:
                    await self.deps.offer_free_times()
                continue
            await self._deliver(step, keep_going, tally)
            del self._claimed[message.id]  # kept if _deliver fails: _workers puts it back
            self._held -= Counter({message.chat_id: 1})

    async def _deliver(self, item: Outgoing, keep_going: Callable[[], bool],
                       tally: Tally) -> None:
        """Send one claimed message and record the outcome."""
        message = item.message
        t = self.deps.i18n(item.lang)
        try:
            text, keyboard, document = notices.notice_message(t, self.deps.office, item.notice)
            text = clip(text, t.gettext(TOO_LONG))  # a notice is one message, with its buttons
        except Exception as error:  # one notice that cannot be shown must not stop the others
            log.exception("outbox: message %d cannot be rendered", message.id)
            await self._failed(message, repr(error), tally)
            return
        for _ in range(FLOOD_WAITS):
            try:
                buttons = InlineKeyboardMarkup.de_json({"inline_keyboard": keyboard}, self.bot)
                async with self.pace.sending(message.chat_id, bulk=True):
                    if document is None:
                        await self.bot.send_message(message.chat_id, text, reply_markup=buttons,
                                                    rate_limit_args=PACED)
                    else:  # a file is one message too: its text is the caption
                        await self.bot.send_document(
                            message.chat_id, InputFile(document[1], filename=document[0]),
                            caption=text, reply_markup=buttons, rate_limit_args=PACED)
            except RetryAfter as error:
                self.pace.pause(retry_seconds(error))
                if keep_going():
                    continue
                break
            except Forbidden as error:
                await self._failed(message, str(error), tally, blocked=True)
            except BadRequest as error:  # this message will never go: Telegram refuses it
                await self._failed(message, str(error), tally)
            except NetworkError as error:  # TimedOut too
                self._network_errors += 1
                await self._later(message, str(error), tally)
            except TelegramError as error:
                await self._failed(message, str(error), tally)
            else:
                self._network_errors = 0
                await self._sent(message, tally)
            return
        await self.deps.db.write(outbox.retry, message.id, self._now(), None)
        tally.add("deferred")

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


def install(application: App, pace: Pace,
            on_duty: Callable[[], bool] | None = None) -> Dispatcher:
    """The dispatcher for `application`, sending at `pace` (the replies' too): a run at start
    (the catch-up), a repeating one, and the nudge in `Deps`, which starts a run at once while
    the application is running (and `on_duty()`: with several workers, only the one holding
    the jobs' lease delivers)."""
    deps: Deps = application.bot_data["deps"]
    found = application.bot_data[KEY] = Dispatcher(deps, application.bot, pace)
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
