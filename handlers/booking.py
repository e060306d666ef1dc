"""/book (/prenota): category, service, day, time, name, codice fiscale, note, summary, confirm.

The conversation lives in a draft in SQLite (bot/domain/flows.py), so a restart loses nothing. Every
press is decoded and checked again here: the draft it belongs to, the step it is valid in, and
the availability it claims. Text typed where a button is expected, a button from an old message,
forged data: each gets an answer and the current step again, never an error.
"""

from __future__ import annotations

from datetime import datetime

from markupsafe import Markup
from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.context import Context, UpdateHandler
from bot.domain.booking import Status
from bot.domain.flows import TEXT_STEPS, Draft, Party, Saved, Step
from bot.domain.identity import Detail
from bot.domain.model import to_ts
from bot.i18n import Translator
from bot.services.free_time import Calendar
from handlers import booking_times, booking_wait, callbacks, details
from handlers.booking_card import card
from handlers.booking_confirm import confirm, limit_message
from handlers.booking_view import render
from handlers.callbacks import BOOK, BookAction
from handlers.common import answer, callback_data, citizen, drop_buttons, edit, look_up, send
from handlers.menu import BOOK as BOOK_COMMAND
from handlers.menu import CANCEL, command_list
from storage import bookings, drafts
from storage.bookings import Refusal
from storage.citizens import Citizen
from storage.engine import Connection

ACTIONS = {
    Step.CATEGORY: {BookAction.CATEGORY}, Step.SERVICE: {BookAction.SERVICE},
    Step.DAY: {BookAction.PAGE, BookAction.DAY, BookAction.FIRST, BookAction.WAIT},
    Step.TIME: {BookAction.TIME, BookAction.PART, BookAction.WAIT},
    Step.NAME: {BookAction.NAME},
    Step.CODICE_FISCALE: {BookAction.CODICE_FISCALE, BookAction.BOTH_RIGHT},
    Step.NOTE: {BookAction.SKIP}, Step.SUMMARY: {BookAction.CONFIRM},
    Step.WAITLIST: {BookAction.SPAN, BookAction.TIME},
}
ANYWHERE = {BookAction.BACK, BookAction.QUIT}


def citizen_draft(conn: Connection, user_id: int) -> tuple[Saved, int] | None:
    return drafts.get(conn, user_id, Party.CITIZEN)


async def current(update: Update, context: Context, who: Citizen, t: Translator,
                  found: tuple[Saved, int] | None) -> tuple[Draft | None, bool]:
    """The citizen's draft (`found`, as read, with when it last changed), and whether the
    citizen has just been told it expired: a draft abandoned longer than the conversation
    timeout is discarded, and its hold released."""
    deps = context.deps
    if found is None:
        return None, False
    draft, updated = found
    if not isinstance(draft, Draft):
        return None, False
    minutes = deps.office.rules.conversation_timeout_minutes
    if to_ts(deps.clock.now()) - updated <= minutes * 60:
        return draft, False
    await deps.db.write_relaxed(drafts.delete, who.user_id)
    if draft.message_id and update.effective_chat:
        await drop_buttons(context, update.effective_chat.id, draft.message_id)
    await answer(update)
    await send(update, context, t.ngettext(
        "The booking you started was left unfinished for more than {n} minute, so it was "
        "discarded and its time is free again. /book to start over.",
        "The booking you started was left unfinished for more than {n} minutes, so it was "
        "discarded and its time is free again. /book to start over.", minutes))
    return None, True


async def show(update: Update, context: Context, who: Citizen, t: Translator, draft: Draft,
               prefix: str = "", *, new: bool = False, fresh: bool = False,
               known: Calendar | None = None) -> None:
    """Render the draft's step: edit the pressed message, or send a new one (and take the
    buttons off the one before, so that only the current step can be pressed). `fresh`: the
    draft replaces any other, whose hold is let go; `known`: free times read already."""
    deps = context.deps
    moving = await deps.db.read(bookings.get, draft.replaces) if draft.replaces else None
    view = await render(deps, draft, who, t, moving, known)
    text = Markup("{}\n\n{}").format(prefix, view.text) if prefix else view.text
    if new or update.callback_query is None:
        if draft.message_id is not None and update.effective_chat:
            await drop_buttons(context, update.effective_chat.id, draft.message_id)
        draft.message_id = await send(update, context, text, view.keyboard)
    else:
        await edit(update, context, text, view.keyboard)
    await deps.db.write_relaxed(drafts.start if fresh else drafts.save, who.user_id, draft,
                                to_ts(deps.clock.now()))


async def begin(update: Update, context: Context, who: Citizen, t: Translator,
                draft: Draft, old: tuple[Saved, int] | None = None) -> None:
    """Start `draft`, replacing any conversation in progress (`old`, if read already): its
    buttons become stale, its hold is let go when the new draft is saved."""
    if old is None:
        old = await context.deps.db.read(citizen_draft, who.user_id)
    if old and isinstance(old[0], Draft) and old[0].message_id and update.effective_chat:
        await drop_buttons(context, update.effective_chat.id, old[0].message_id)
    await show(update, context, who, t, draft, new=True, fresh=True)


async def book(update: Update, context: Context) -> None:
    now = to_ts(context.deps.clock.now())

    def active_and_draft(conn: Connection,
                         user_id: int) -> tuple[int, tuple[Saved, int] | None]:
        return bookings.active_for_user(conn, user_id, now), citizen_draft(conn, user_id)

    known, (active, old) = await look_up(update, context, active_and_draft)
    who, t = await citizen(update, context, known)
    limit = context.deps.office.rules.max_active_per_account
    if active >= limit:
        await send(update, context, limit_message(t, Refusal.LIMIT_ACCOUNT, limit))
        return
    await begin(update, context, who, t, Draft.new(), old)


async def continue_with_time(update: Update, context: Context, service: str,
                             start: datetime, held_until: int) -> None:
    """A /book draft for `service` at `start`, asking for the name: how a waiting-list offer
    is taken up. Starting it releases any earlier booking hold, so the caller holds `start` for
    the citizen (purpose 'booking', until `held_until`) afterwards; until then the offer's own
    hold keeps it."""
    who, t = await citizen(update, context)
    office = context.deps.office
    draft = Draft.new(category=office.services[service].category, service=service,
                      day=start.astimezone(office.tz).date().isoformat(), start=to_ts(start),
                      offered=to_ts(start), held_until=held_until)
    draft.step = Step(draft.next_detail())
    await begin(update, context, who, t, draft)


async def cancel(update: Update, context: Context) -> None:
    known, found = await look_up(update, context, citizen_draft)
    who, t = await citizen(update, context, known)
    draft, told = await current(update, context, who, t, found)
    if told:
        return
    if draft is None:
        await send(update, context, t.gettext("There is nothing to cancel.") + "\n\n"
                   + command_list(t))
        return
    await context.deps.db.write_relaxed(drafts.delete, who.user_id)
    if draft.message_id and update.effective_chat:
        await drop_buttons(context, update.effective_chat.id, draft.message_id)
    await send(update, context, await stopped(context, t, draft, t.gettext(
        "Booking stopped: nothing was saved, and the time you chose is free again. /book to "
        "start over.")))


async def stopped(context: Context, t: Translator, draft: Draft, text: Markup) -> Markup:
    """What the citizen reads on leaving /book: `text`, or, leaving a move, that the booking
    is as it was, shown."""
    moving = (await context.deps.db.read(bookings.get, draft.replaces)
              if draft.replaces is not None else None)
    if moving is None or moving.status is not Status.BOOKED:
        return text
    office = context.deps.office
    return t.gettext("Move stopped: your booking is unchanged.") + "\n\n" + card(
        t, office, moving.service, moving.start, code=moving.code, name=moving.name,
        codice_fiscale=moving.codice_fiscale, note=moving.note)


async def on_button(update: Update, context: Context) -> None:
    known, found = await look_up(update, context, citizen_draft)
    who, t = await citizen(update, context, known)
    press = callbacks.read_book(callback_data(update))
    draft, told = await current(update, context, who, t, found)
    if told:
        return
    query = update.callback_query
    pressed = query.message.message_id if query and query.message else None
    if press is None or draft is None or press.nonce != draft.nonce or pressed != draft.message_id:
        await stale(update, context, who, t, draft)
        return
    action, arg = press.action, press.arg
    if action not in ACTIONS[draft.step] | ANYWHERE or (
            action is BookAction.BOTH_RIGHT and (draft.doubt_mark is None
                                                 or arg != draft.doubt_mark)):
        await stale(update, context, who, t, draft)
        return
    if action is BookAction.QUIT:
        await context.deps.db.write_relaxed(drafts.delete, who.user_id)
        await answer(update)
        await edit(update, context, await stopped(
            context, t, draft, t.gettext("Booking stopped: nothing was saved. /book to start "
                                         "over.")))
        return
    if action is BookAction.CONFIRM:
        await answer(update)
        prefix = await confirm(update, context, who, t, draft)
        if prefix is None:
            if draft.message_id is not None:
                await drop_buttons(context, who.user_id, draft.message_id)
            return
        await show(update, context, who, t, draft, prefix, new=True)
        return
    if action is BookAction.SPAN:
        if not await booking_wait.choose(update, context, who, t, draft, arg):
            await show(update, context, who, t, draft)
        return
    if action in (BookAction.CODICE_FISCALE, BookAction.BOTH_RIGHT):
        # the codice fiscale used last time, or the one in doubt, checked as if typed: what is
        # wrong with it (a limit reached) is too long for a toast, so it goes above the step,
        # as when typed
        await answer(update)
        problem = (await details.accept(context, who, t, draft, skip=False)
                   if action is BookAction.CODICE_FISCALE else
                   await details.both_right(context, who, t, draft))
        await show(update, context, who, t, draft, problem or "")
        return
    toast, known_times = await act(context, who, t, draft, action, arg)
    await answer(update, toast)
    await show(update, context, who, t, draft, known=known_times)


async def stale(update: Update, context: Context, who: Citizen, t: Translator,
                draft: Draft | None) -> None:
    """A button that is not (or no longer) part of the conversation: say so. On the message
    of the current step, the step is shown again there; on an older message, its buttons go
    and the current step's message stays as it is, its buttons valid."""
    await answer(update, t.plain.gettext("This button is no longer valid."))
    if draft is None:
        await send(update, context, t.gettext("That conversation is over. /book to start a new "
                                              "booking, /mybookings for your bookings."))
        return
    query = update.callback_query
    pressed = query.message if query else None
    if pressed is not None and pressed.message_id != draft.message_id:
        await drop_buttons(context, pressed.chat.id, pressed.message_id)
        return
    await show(update, context, who, t, draft, t.gettext("Let's go on from here:"))


async def act(context: Context, who: Citizen, t: Translator, draft: Draft,
              action: BookAction, arg: str) -> tuple[str | None, Calendar | None]:
    """Apply one valid press to the draft; a short notice for the client, if any, and the free
    times read to decide, if they were."""
    office = context.deps.office
    if action is BookAction.BACK:
        draft.back()
    elif action is BookAction.CATEGORY and any(c.code == arg for c in office.categories):
        draft.category, draft.step = arg, Step.SERVICE
    elif action is BookAction.SERVICE and arg in office.services and (
            office.services[arg].category == draft.category):
        draft.service, draft.page, draft.step = arg, 0, Step.DAY
    elif action is BookAction.PAGE and (page := callbacks.number(arg, 4)) is not None:
        draft.page = page
    elif action is BookAction.PART and (part := callbacks.number(arg, 2)) is not None:
        draft.part = part  # one past the last: the last, as the times are now
    elif action is BookAction.WAIT and draft.replaces is None:
        draft.wait()
    elif action is BookAction.DAY:
        day = callbacks.day(arg, callbacks.ANY_YEAR)
        return await booking_times.choose_day(context, who, t, draft, day)
    elif action is BookAction.FIRST:
        return await booking_times.choose_time(context, who, t, draft, None), None
    elif action is BookAction.TIME and (
            wanted := callbacks.number(arg, callbacks.SECONDS_DIGITS)) is not None:
        return await booking_times.choose_time(context, who, t, draft, wanted), None
    elif action is BookAction.NAME and who.last_name:
        draft.take(Detail.NAME, who.last_name)
    elif action is BookAction.SKIP:
        return await details.accept(context, who, t, draft, skip=True), None
    else:
        return t.gettext("This button is no longer valid."), None
    return None, None


async def on_message(update: Update, context: Context, known: Citizen | None,
                     found: tuple[Saved, int] | None) -> None:
    """A private message that is not a command (handlers/conversation.py, which read the
    citizen, `known`, and their draft, `found`): a detail being typed, or a hint."""
    who, t = await citizen(update, context, known)
    draft, told = await current(update, context, who, t, found)
    if told:
        return
    message = update.effective_message
    text = message.text if message else None
    if draft is None:
        hint = t.gettext("To book an appointment send /book.") if text else t.gettext(
            "I can only read text messages and buttons.")
        await send(update, context, Markup("{}\n\n{}").format(hint, command_list(t)))
        return
    if text is None or draft.step not in TEXT_STEPS:
        notice = (t.gettext("Please use the buttons below.") if text else
                  t.gettext("I can only read text messages and buttons."))
        await show(update, context, who, t, draft, notice, new=True)
        return
    problem = await details.typed(context, who, t, draft, text)
    await show(update, context, who, t, draft, problem or "", new=True)


def handlers() -> list[UpdateHandler]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler(BOOK_COMMAND.names, book, private),
        CommandHandler(CANCEL.names, cancel, private),
        CallbackQueryHandler(on_button, pattern=BOOK.pattern),
    ]
