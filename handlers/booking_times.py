"""The time step of /book: a day chosen leads to it; it shows the day's free times, a part of the
day at a time when they are many (bot/domain/time_groups.py), and "none of these times suit me"
for the waiting list, or, the day being full, the nearest free times; a time chosen is held."""

from __future__ import annotations

from datetime import date

from markupsafe import Markup

from bot.context import Context, Deps
from bot.domain import time_groups
from bot.domain.availability import DayState, booking_window
from bot.domain.booking import Slot
from bot.domain.flows import Draft, Step
from bot.domain.model import from_ts, to_ts
from bot.i18n import Translator
from bot.services import free_time
from bot.services.free_time import Calendar
from handlers import booking_wait
from handlers.booking_buttons import View, data, nav, rows, time_button
from handlers.booking_confirm import closed_message
from handlers.callbacks import BookAction
from handlers.common import Button, button
from storage.citizens import Citizen
from storage.holds import Hold

TIMES_PER_ROW = 4
ALTERNATIVES = 8


def _span(t: Translator, part: list[Slot]) -> str:
    return f"{t.time(part[0].start)}\N{EN DASH}{t.time(part[-1].start)}"


def _parts(t: Translator, draft: Draft, parts: list[list[Slot]]) -> list[list[Button]]:
    """A button for each other part of the day, named by its first and last time."""
    others = [button(f"🕘 {_span(t, part)}", data(draft, BookAction.PART, number))
              for number, part in enumerate(parts) if number != draft.part]
    return rows(others, 3)


async def view(deps: Deps, draft: Draft, who: Citizen, t: Translator, header: Markup,
               known: free_time.Calendar | None) -> View:
    assert draft.service is not None
    assert draft.day is not None
    service = deps.office.services[draft.service]
    day = date.fromisoformat(draft.day)
    if known is None or known.service != service:
        known = await free_time.load(deps, service, day, day, who.user_id)
    waitlist = booking_wait.offer(draft, t.plain.gettext("⏳ None of these times suit me"))
    parts = time_groups.groups(known.slots(day), deps.office.tz)
    if parts:
        draft.part = min(max(draft.part, 0), len(parts) - 1)
        shown = parts[draft.part]
        text = header + "\n" + t.date(day) + "\n" + t.gettext("Choose a time:")
        if len(parts) > 1:
            text += "\n" + t.gettext("Shown: the times from {first} to {last}; the others of "
                                     "the day are behind the buttons below.",
                                     first=t.time(shown[0].start), last=t.time(shown[-1].start))
        times = [time_button(t, draft, slot) for slot in shown]
        return View(text, [*rows(times, TIMES_PER_ROW), *_parts(t, draft, parts), *waitlist,
                           nav(t, draft)])
    nearest = await free_time.ask(deps, service, lambda cal: cal.first_free(day, ALTERNATIVES),
                                  who.user_id)
    text = header + "\n" + t.gettext("No free times are left on {day}.", day=t.date(day))
    if nearest:
        text += "\n" + t.gettext("The nearest free times:")
    times = [time_button(t, draft, slot, with_day=True) for slot in nearest]
    return View(text, [*rows(times, 2), *waitlist, nav(t, draft)])


async def choose_day(context: Context, who: Citizen, t: Translator, draft: Draft,
                     day: date | None) -> tuple[str | None, Calendar | None]:
    assert draft.service is not None
    service = context.deps.office.services[draft.service]
    if day is None:
        return t.gettext("This button is no longer valid."), None
    # a day outside the window (forged: year 1, year 9999) never reaches the calendar
    if day in booking_window(context.deps.office, context.deps.clock.now()):
        cal = await free_time.load(context.deps, service, day, day, who.user_id)
        # a full day: the nearest free times and the waiting list, on the times' screen
        if cal.slots(day) or cal.states([day])[day] is DayState.FULL:
            draft.day, draft.step, draft.part = day.isoformat(), Step.TIME, 0
            return None, cal  # the times to show next are these
    return t.gettext("No time can be booked on that day: please choose another."), None


async def choose_time(context: Context, who: Citizen, t: Translator, draft: Draft,
                      wanted: int | None) -> str | None:
    """Hold the wanted time (None: the first free one) for the citizen, checked afresh."""
    deps = context.deps
    office, now = deps.office, deps.clock.now()
    assert draft.service is not None
    service = office.services[draft.service]
    if wanted is None:
        first = await free_time.ask(deps, service, lambda cal: cal.first_free(cal.window.first),
                                    who.user_id)
        if not first:
            return t.gettext("There are no free times at the moment.")
        wanted = to_ts(first[0].start)
    start = from_ts(wanted, office.tz)
    # the wanted day's bookings are all it takes to check the time, where it is held
    held = await deps.db.write_relaxed(free_time.hold, office, service, who.user_id, start, now)
    if not isinstance(held, Hold):
        reason = held.closure(start.date())
        if reason is not None:
            draft.step, draft.day = Step.DAY, None
            return closed_message(t, start.date(), reason)
        return t.gettext("Sorry, that time is no longer available.")
    draft.day, draft.start, draft.held_until = start.date().isoformat(), wanted, held.expires
    draft.step = Step(draft.next_detail())
    return t.gettext("Kept for you: {when}", when=t.when(start))
