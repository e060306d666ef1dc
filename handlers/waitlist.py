"""The waiting list, for the citizen: see and leave one's places, take or let go a time offered
(joining is a step of /book: handlers/booking_wait.py).

Buttons (handlers/callbacks.py), untrusted and re-checked on every press: leave a place; take or
decline an offer (handlers/notices.py). An offer taken keeps its time for the citizen until the
offer's own end (at least the office's hold minutes): one time, stated in the offer and again
while booking. Leaving that booking keeps the place in the queue.
"""

from __future__ import annotations

from markupsafe import Markup
from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.context import Context, UpdateHandler
from bot.domain.model import Office, from_ts, to_ts
from bot.i18n import Translator
from handlers import callbacks
from handlers.booking import continue_with_time
from handlers.callbacks import (
    OFFER_DECLINE,
    OFFER_TAKE,
    WAITLIST_LEAVE,
)
from handlers.common import (
    Keyboard,
    answer,
    button,
    callback_data,
    citizen,
    drop_buttons,
    edit,
    send,
)
from handlers.menu import BOOK, WAITLIST
from storage import waitlist
from storage.waitlist import OfferRefusal, Place


def listing(t: Translator, office: Office, places: list[Place]) -> tuple[Markup, Keyboard]:
    if not places:
        return t.gettext("You are not on any waiting list. When /{book} finds no free time for "
                         "a service, you can join its waiting list there.",
                         book=BOOK.name(t.lang)), []
    lines = [t.gettext("<b>Your places on waiting lists</b>")]
    leave_label = t.plain.pgettext("leave a waiting list", "Leave")
    keyboard = []
    for number, place in enumerate(places, 1):
        name = office.service_name(place.entry.service, t.lang)
        lines.append(t.gettext(
            "{number}. {service}, from {first} to {last}: number {position} in the queue.",
            number=number, service=name, first=t.short_date(place.entry.first),
            last=t.short_date(place.entry.last), position=place.position))
        if place.offer:
            lines.append(t.gettext("A time is offered to you until {until}: see the message "
                                   "with the offer.",
                                   until=t.time(from_ts(place.offer.expires, office.tz))))
        leave = callbacks.with_id(WAITLIST_LEAVE, place.entry.id)
        keyboard.append([button(f"{leave_label}: {name}", leave)])
    return Markup("\n\n").join(lines), keyboard


async def show_places(update: Update, context: Context) -> None:
    found, t = await citizen(update, context)
    places = await context.deps.db.read(waitlist.places, found.user_id)
    await send(update, context, *listing(t, context.deps.office, places))


async def leave(update: Update, context: Context) -> None:
    found, t = await citizen(update, context)
    deps = context.deps
    entry_id = callbacks.read_id(WAITLIST_LEAVE, callback_data(update))
    left = None
    if entry_id is not None:
        left = await deps.db.write(waitlist.leave, entry_id, found.user_id,
                                   to_ts(deps.clock.now()))
    if left is None:
        await answer(update, t.plain.gettext("You are not on that waiting list."), alert=True)
    else:
        await answer(update, t.plain.gettext("You have left the waiting list for {service}.",
                                       service=deps.office.service_name(left.service, t.lang)))
    places = await deps.db.read(waitlist.places, found.user_id)
    await edit(update, context, *listing(t, deps.office, places))
    if left:
        await deps.offer_free_times()


def _refusal(t: Translator, refusal: OfferRefusal) -> str:
    if refusal is OfferRefusal.TAKEN:
        return t.gettext("You have already accepted this time: go on with the booking below.")
    if refusal is OfferRefusal.DECLINED:
        return t.gettext("You let this time go, and it was offered to someone else.")
    if refusal is OfferRefusal.EXPIRED:
        return t.gettext("This offer has expired and the time was offered to someone else. You "
                         "keep your place on the waiting list.")
    if refusal is OfferRefusal.UNAVAILABLE:
        return t.gettext("This time is no longer free. You keep your place on the waiting list.")
    return t.gettext("That button is not valid.")


async def _refused(update: Update, context: Context, t: Translator, refusal: OfferRefusal) -> None:
    await answer(update, _refusal(t, refusal), alert=True)
    query = update.callback_query
    if refusal is not OfferRefusal.INVALID and query and query.message:
        await drop_buttons(context, query.message.chat.id, query.message.message_id)


async def take(update: Update, context: Context) -> None:
    found, t = await citizen(update, context)
    deps = context.deps
    offer_id = callbacks.read_id(OFFER_TAKE, callback_data(update))
    now = to_ts(deps.clock.now())
    result = OfferRefusal.INVALID if offer_id is None else await deps.db.write(
        waitlist.take, offer_id, found.user_id, now)
    if isinstance(result, OfferRefusal):
        await _refused(update, context, t, result)
        return
    await answer(update)
    query = update.callback_query
    if query and query.message:
        await drop_buttons(context, query.message.chat.id, query.message.message_id)
    until = max(result.expires, now + deps.office.rules.hold_minutes * 60)
    await continue_with_time(update, context, result.service,
                             from_ts(result.start, deps.office.tz), until)
    # Only now: starting the booking conversation lets go of any hold for an earlier one.
    await deps.db.write(waitlist.hold_for_booking, result, now, until)


async def decline(update: Update, context: Context) -> None:
    found, t = await citizen(update, context)
    deps = context.deps
    offer_id = callbacks.read_id(OFFER_DECLINE, callback_data(update))
    result = OfferRefusal.INVALID if offer_id is None else await deps.db.write(
        waitlist.decline, offer_id, found.user_id, to_ts(deps.clock.now()))
    if isinstance(result, OfferRefusal):
        await _refused(update, context, t, result)
        return
    await answer(update)
    await edit(update, context,
               t.gettext("You let this time go. You keep your place on the waiting list."))
    await deps.offer_free_times()


def handlers() -> list[UpdateHandler]:
    return [
        CommandHandler(WAITLIST.names, show_places, filters.ChatType.PRIVATE),
        CallbackQueryHandler(leave, pattern=WAITLIST_LEAVE.pattern),
        CallbackQueryHandler(take, pattern=OFFER_TAKE.pattern),
        CallbackQueryHandler(decline, pattern=OFFER_DECLINE.pattern),
    ]
