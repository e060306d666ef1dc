"""The waiting list as a step of /book (Step.WAITLIST): offered when the citizen's window has no
free time, or as "none of these times suit me"; it asks which days the citizen can come, and
joins the queue only if no time is free on those days: a free time is shown at once, to choose
as any other. « Back and ✖ Cancel on every screen; a move never waits (it would be a new booking).
"""

from __future__ import annotations

from datetime import date, timedelta

from telegram import Update

from bot.context import Context, Deps
from bot.domain.flows import Draft
from bot.domain.model import Office
from bot.i18n import Translator
from bot.services import offers
from handlers import callbacks
from handlers.booking_buttons import View, data, nav, rows, time_button
from handlers.callbacks import BookAction
from handlers.common import Button, answer, button, edit
from handlers.menu import WAITLIST
from storage import waitlist
from storage.citizens import Citizen

SPANS = (7, 14)
"""Days a citizen may wait for, besides the whole booking horizon."""


def spans(office: Office) -> list[int]:
    horizon = office.rules.horizon_days
    return [*(days for days in SPANS if days < horizon), horizon]


def offer(draft: Draft, label: str) -> list[list[Button]]:
    """The button on to the waiting list, labelled `label`; none while moving a booking."""
    return [] if draft.replaces is not None else [[button(label, data(draft, BookAction.WAIT))]]


def _today(deps: Deps) -> date:
    return deps.clock.now().astimezone(deps.office.tz).date()


async def view(deps: Deps, draft: Draft, who: Citizen, t: Translator) -> View:
    """Which days can you come? Or, those days chosen and times free on them, those times."""
    assert draft.service is not None
    office = deps.office
    service = office.services[draft.service]
    today = _today(deps)
    if draft.wait_days is not None:
        free = await deps.db.read(offers.free_between, office, service, today,
                                  today + timedelta(days=draft.wait_days), deps.clock.now(),
                                  who.user_id)
        if free:
            times = [time_button(t, draft, slot, with_day=True) for slot in free]
            return View(t.gettext(
                "<b>{service}</b>\n\nThere are still free times on those days: choose one to go "
                "on with the booking. The waiting list is for when no time is left.",
                service=service.name.get(t.lang)), [*rows(times, 2), nav(t, draft)])
    choices = []
    for days in spans(office):
        until = t.short_date(today + timedelta(days=days))
        label = (t.plain.gettext("Any day until {day}", day=until)
                 if days == office.rules.horizon_days
                 else t.plain.gettext("The next {n} days, until {day}", n=days, day=until))
        choices.append([button(label, data(draft, BookAction.SPAN, days))])
    return View(t.gettext(
        "<b>Waiting list: {service}</b>\n\nWhen a time becomes free on the days you choose, I "
        "offer it to you here and keep it for you for {minutes} minutes. Which days can you come?",
        service=service.name.get(t.lang), minutes=office.waitlist_offer_minutes),
        [*choices, nav(t, draft)])


async def choose(update: Update, context: Context, who: Citizen, t: Translator, draft: Draft,
                 arg: str) -> bool:
    """The days pressed: join the queue, if no time is free on them (True: the conversation is
    over, the citizen told); otherwise the draft shows those times (False)."""
    deps = context.deps
    office = deps.office
    assert draft.service is not None
    days = callbacks.number(arg, 4)
    if days not in spans(office):
        await answer(update, t.plain.gettext("This button is no longer valid."))
        return False
    today = _today(deps)
    joined = await deps.db.write(offers.join_unless_free, office, office.services[draft.service],
                                 who.user_id, today, today + timedelta(days=days),
                                 deps.clock.now())
    await answer(update)
    if isinstance(joined, list):
        draft.wait_days = days
        return False
    entry, new = joined
    place = next(p for p in await deps.db.read(waitlist.places, who.user_id)
                 if p.entry.id == entry.id)
    values = {"service": office.service_name(entry.service, t.lang), "position": place.position,
              "first": t.short_date(entry.first), "last": t.short_date(entry.last),
              "command": WAITLIST.name(t.lang)}
    await edit(update, context, t.gettext(
        "You are on the waiting list for {service}, from {first} to {last}: number {position} in "
        "the queue. When a time becomes free I offer it to you here. /{command} shows your "
        "places.", **values) if new else t.gettext(
        "You were already on the waiting list for {service}: you keep your place (number "
        "{position}), and the days are now from {first} to {last}. /{command} shows your places.",
        **values))
    await deps.offer_free_times()
    return True
