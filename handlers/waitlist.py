"""The waiting list, for the citizen: join it for some days, see and leave one's places, take or
let go a time offered.

Buttons (handlers/callbacks.py), untrusted and re-checked on every press: join (shown by the
/book flow when no time fits) asks which days suit; the days chosen (7, 14, or the booking
horizon) join; leave a place; take or decline an offer (handlers/notices.py).
"""

from __future__ import annotations

from datetime import timedelta

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
    WAITLIST_DAYS,
    WAITLIST_JOIN,
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

SPANS = (7, 14)
"""Days a citizen may wait for, besides the whole booking horizon."""


def spans(office: Office) -> list[int]:
    horizon = office.rules.horizon_days
    return [*(days for days in SPANS if days < horizon), horizon]


async def join(update: Update, context: Context) -> None:
    _, t = await citizen(update, context)
    office = context.deps.office
    code = callbacks.read_waitlist_join(callback_data(update))
    if code is None or code not in office.services:
        await answer(update, t.plain.gettext("That button is not valid."), alert=True)
        return
    await answer(update)
    today = context.deps.clock.now().astimezone(office.tz).date()
    keyboard = []
    for days in spans(office):
        until = t.short_date(today + timedelta(days=days))
        label = (t.plain.gettext("Any day until {day}", day=until)
                 if days == office.rules.horizon_days
                 else t.plain.gettext("The next {n} days, until {day}", n=days, day=until))
        keyboard.append([button(label, callbacks.waitlist_days(code, days))])
    await send(update, context, t.gettext(
        "<b>Waiting list: {service}</b>\n\nWhen a time becomes free on the days you choose, I "
        "offer it to you here and keep it for you for {minutes} minutes. Which days can you come?",
        service=office.service_name(code, t.lang), minutes=office.waitlist_offer_minutes), keyboard)


async def join_days(update: Update, context: Context) -> None:
    found, t = await citizen(update, context)
    deps = context.deps
    pressed = callbacks.read_waitlist_days(callback_data(update))
    if pressed is None or pressed[0] not in deps.office.services or (
            pressed[1] not in spans(deps.office)):
        await answer(update, t.plain.gettext("That button is not valid."), alert=True)
        return
    code, days = pressed
    now = deps.clock.now()
    today = now.astimezone(deps.office.tz).date()
    entry, new = await deps.db.write(waitlist.join, found.user_id, code, today,
                                     today + timedelta(days=days), to_ts(now))
    place = next(p for p in await deps.db.read(waitlist.places, found.user_id)
                 if p.entry.id == entry.id)
    values = {"service": deps.office.service_name(code, t.lang), "position": place.position,
              "first": t.short_date(entry.first), "last": t.short_date(entry.last),
              "command": WAITLIST.name(t.lang)}
    text = (t.gettext("You are on the waiting list for {service}, from {first} to {last}: "
                      "number {position} in the queue. When a time becomes free I offer it to "
                      "you here. /{command} shows your places.", **values) if new
            else t.gettext("You were already on the waiting list for {service}: you keep your "
                           "place (number {position}), and the days are now from {first} to "
                           "{last}. /{command} shows your places.", **values))
    await answer(update)
    await edit(update, context, text)
    await deps.offer_free_times()


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
    await continue_with_time(update, context, result.service,
                             from_ts(result.start, deps.office.tz))
    # Only now: starting the booking conversation lets go of any hold for an earlier one.
    await deps.db.write(waitlist.hold_for_booking, result, now,
                        now + deps.office.rules.hold_minutes * 60)


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
        CallbackQueryHandler(join, pattern=WAITLIST_JOIN.pattern),
        CallbackQueryHandler(join_days, pattern=WAITLIST_DAYS.pattern),
        CallbackQueryHandler(leave, pattern=WAITLIST_LEAVE.pattern),
        CallbackQueryHandler(take, pattern=OFFER_TAKE.pattern),
        CallbackQueryHandler(decline, pattern=OFFER_DECLINE.pattern),
    ]
