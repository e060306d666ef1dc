"""/mybookings (/appuntamenti): upcoming bookings, each to cancel (asked twice) or to move.

Buttons carry a booking id, which a client can forge: every press reloads the booking and
checks that it is the citizen's and can still be changed. The same buttons are used by
reminders and notices: cancel, and move (or book again, after the office cancelled it).
"""

from __future__ import annotations

from datetime import timedelta

from markupsafe import Markup
from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.context import Context, UpdateHandler
from bot.domain import ics
from bot.domain.booking import Booking, Status
from bot.domain.flows import Draft, Step
from bot.domain.model import to_ts
from bot.i18n import Translator
from handlers import booking, callbacks
from handlers.booking_card import card, cutoff_rule, documents
from handlers.booking_confirm import send_event
from handlers.callbacks import MY_BOOKING, MyAction, my_booking
from handlers.common import answer, button, callback_data, citizen, edit, send
from handlers.contacts import with_reach
from handlers.menu import MY_BOOKINGS
from storage import bookings
from storage.citizens import Citizen

REBOOKABLE = ("operator", "closure", "unconfirmed")
"""A booking the office cancelled can be booked again from its notice."""


async def list_bookings(update: Update, context: Context) -> None:
    who, t = await citizen(update, context)
    deps = context.deps
    upcoming = await deps.db.read(bookings.upcoming_for_user, who.user_id,
                                  to_ts(deps.clock.now()))
    if not upcoming:
        await send(update, context, t.gettext("You have no upcoming bookings. /book to make one."))
        return
    blocks, keyboard = [], []
    for item in upcoming:
        blocks.append(_card(t, context, item))
        if item.status is not Status.BOOKED:
            continue
        move = button(t.plain.gettext("Move {code}", code=item.code),
                      my_booking(MyAction.MOVE, item.id))
        cancel = button(t.plain.pgettext("cancel a booking", "Cancel {code}", code=item.code),
                        my_booking(MyAction.CANCEL, item.id))
        keyboard.append([move, cancel] if item.service in deps.office.services else [cancel])
    title = t.gettext("<b>Your bookings</b>")
    office = context.deps.office
    blocks = [Markup("{}\n{}").format(block, documents(t, office.services[item.service]))
              if item.service in office.services else block
              for block, item in zip(blocks, upcoming, strict=True)]
    await send(update, context, title + "\n\n" + Markup("\n\n").join(blocks) + "\n\n"
               + cutoff_rule(t, office), keyboard)


def _card(t: Translator, context: Context, item: Booking) -> Markup:
    """The booking with whose it is: a family's bookings on one account look alike."""
    return card(t, context.deps.office, item.service, item.start, code=item.code,
                name=item.name, codice_fiscale=item.codice_fiscale)


async def on_button(update: Update, context: Context) -> None:
    who, t = await citizen(update, context)
    pressed = callbacks.read_my_booking(callback_data(update))
    found = await context.deps.db.read(bookings.get, pressed[1]) if pressed else None
    if pressed is None or found is None or found.user_id != who.user_id:
        await answer(update, t.plain.gettext("This button is no longer valid."))
        await send(update, context, t.gettext("I cannot find that booking among yours. Here are "
                                              "your bookings: /mybookings"))
        return
    action = pressed[0]
    if action is MyAction.MOVE:
        await move(update, context, who, t, found)
        return
    problem = changeable(t, context, found)
    if problem:
        await answer(update, problem, alert=True)
        return
    await answer(update)
    if action is MyAction.CANCEL:
        await send(update, context, t.gettext("Cancel this booking?") + "\n\n"
                   + _card(t, context, found),
                   [[button(t.plain.pgettext("cancel a booking", "Yes, cancel it"),
                            my_booking(MyAction.CANCEL_YES, found.id)),
                     button(t.plain.pgettext("a citizen keeps a booking", "No, keep it"),
                            my_booking(MyAction.CANCEL_NO, found.id))]])
    elif action is MyAction.CANCEL_NO:
        await edit(update, context,
                   t.gettext("Fine: booking {code} stays as it is.", code=found.code))
    else:
        await cancel(update, context, who, t, found)


def changeable(t: Translator, context: Context, item: Booking) -> str | None:
    """Why the citizen can no longer cancel or move `item` here, if they cannot."""
    if item.status is not Status.BOOKED:
        return t.gettext("This booking is no longer active.")
    office = context.deps.office
    rules = office.rules
    if item.start - context.deps.clock.now() < timedelta(hours=rules.cancellation_cutoff_hours):
        return with_reach(t, office, t.ngettext(
            "Your appointment is less than {n} hour away: it can no longer be changed here. If "
            "you cannot come, please tell the counter.",
            "Your appointment is less than {n} hours away: it can no longer be changed here. If "
            "you cannot come, please tell the counter.", rules.cancellation_cutoff_hours),
            certified=False)
    return None


async def cancel(update: Update, context: Context, who: Citizen, t: Translator,
                 item: Booking) -> None:
    deps = context.deps
    now = deps.clock.now()
    done = await deps.db.write(bookings.cancel, item.id, to_ts(now), by="citizen",
                               owner=who.user_id)
    text = (t.gettext("Booking {code} is cancelled; the time is free for someone else. "
                      "/book to make a new one.", code=item.code) if done else
            t.gettext("This booking is no longer active."))
    await edit(update, context, text)
    if not done:
        return
    service = deps.office.services.get(item.service)
    if service is not None:  # a calendar that has the event removes it
        sequence = await deps.db.read(bookings.moves, item.id) + 1
        await send_event(update, context, who, t, ics.booking_event(
            deps.office, service, item.code, item.start, item.end, t.lang, now,
            sequence=sequence, cancelled=True), item.code,
            t.gettext("Open it to remove the appointment from your calendar."))
    await deps.offer_free_times()


async def move(update: Update, context: Context, who: Citizen, t: Translator,
               item: Booking) -> None:
    """Choose a new time for `item`, which stays valid until the new one is confirmed; or, if
    the office cancelled it, book the same service again for the same person."""
    rebook = item.status is Status.CANCELLED and item.cancelled_by in REBOOKABLE
    problem = None if rebook else changeable(t, context, item)
    if item.service not in context.deps.office.services:
        problem = with_reach(t, context.deps.office, t.gettext(
            "This service can no longer be booked here: to move your appointment, please "
            "contact the counter."), certified=False)
    if problem:
        await answer(update, problem, alert=True)
        return
    await answer(update)
    service = context.deps.office.services[item.service]
    draft = Draft.new(step=Step.DAY, category=service.category, service=service.code,
                      name=item.name, codice_fiscale=item.codice_fiscale, note=item.note,
                      note_done=True, fixed=True, replaces=None if rebook else item.id)
    await booking.begin(update, context, who, t, draft)


def handlers() -> list[UpdateHandler]:
    return [
        CommandHandler(MY_BOOKINGS.names, list_bookings, filters.ChatType.PRIVATE),
        CallbackQueryHandler(on_button, pattern=MY_BOOKING.pattern),
    ]
