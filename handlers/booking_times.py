"""The time step of /book: the chosen day's free times, a part of the day at a time when they
are many (bot/domain/time_groups.py), and "none of these times suit me" for the waiting list;
or, the day being full by now, the nearest free times."""

from __future__ import annotations

from datetime import date

from markupsafe import Markup

from bot.context import Deps
from bot.domain import time_groups
from bot.domain.flows import Draft
from bot.domain.model import Slot
from bot.i18n import Translator
from bot.services import free_time
from handlers import booking_wait
from handlers.booking_buttons import View, data, nav, rows, time_button
from handlers.callbacks import BookAction
from handlers.common import Button, button
from storage.citizens import Citizen

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
    window = await free_time.load_window(deps, service, who.user_id)
    nearest = window.first_free(day, ALTERNATIVES)
    text = header + "\n" + t.gettext("No free times are left on {day}.", day=t.date(day))
    if nearest:
        text += "\n" + t.gettext("The nearest free times:")
    times = [time_button(t, draft, slot, with_day=True) for slot in nearest]
    return View(text, [*rows(times, 2), *waitlist, nav(t, draft)])
