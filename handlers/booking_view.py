"""What each step of /book shows: a text and its buttons, from the draft and fresh availability."""

from __future__ import annotations

from datetime import date

from markupsafe import Markup

from bot.context import Deps
from bot.domain.availability import DayState, booking_window
from bot.domain.booking import Booking, mask_codice_fiscale
from bot.domain.flows import Draft, Step
from bot.domain.model import from_ts
from bot.i18n import Translator
from bot.services import free_time
from handlers import booking_times, booking_wait, callbacks, details
from handlers.booking_buttons import View, data, nav, rows
from handlers.booking_card import card, changeable, confirm_by, confirm_rule, documents, too_late
from handlers.callbacks import BookAction
from handlers.common import button
from storage.citizens import Citizen

DAYS_PER_PAGE = 12
DAYS_PER_ROW = 3
MARKS = {DayState.FREE: "", DayState.FULL: "▪ ", DayState.CLOSED: "✖ "}


async def render(deps: Deps, draft: Draft, who: Citizen, t: Translator,
                 moving: Booking | None = None, known: free_time.Calendar | None = None) -> View:
    """The current step of `draft`; `moving` is the booking being rescheduled, if any; `known`,
    free times this update has read already."""
    office = deps.office
    lang = t.lang
    if draft.step is Step.CATEGORY:
        options = [[button(c.name.get(lang), data(draft, BookAction.CATEGORY, c.code))]
                for c in office.categories]
        return View(t.gettext("<b>Book an appointment</b>\nWhat is it about? Choose:"),
                    [*options, nav(t, draft, back=False)])
    if draft.step is Step.SERVICE:
        category = next(c for c in office.categories if c.code == draft.category)
        options = [[button(s.name.get(lang), data(draft, BookAction.SERVICE, s.code))]
                for s in office.services_in(category.code)]
        return View(t.gettext("<b>{category}</b>\nChoose the service:",
                              category=category.name.get(lang)), [*options, nav(t, draft)])
    assert draft.service is not None
    service = office.services[draft.service]
    header = t.gettext("<b>{service}</b>", service=service.name.get(lang))
    note = Markup("")
    if moving is not None:
        note = "\n" + t.gettext("Moving booking {code} of {when}: it stays valid until you "
                                   "confirm the new time.", code=moving.code,
                                   when=t.when(moving.start.astimezone(office.tz)))
    header += note
    if draft.step is Step.DAY:
        return await _days(deps, draft, who, t, header)
    if draft.step is Step.TIME:
        return await booking_times.view(deps, draft, who, t, header, known)
    if draft.step is Step.WAITLIST:
        return await booking_wait.view(deps, draft, who, t)
    assert draft.start is not None
    start = from_ts(draft.start, office.tz)
    if draft.step is Step.NAME:
        options = [[button(t.plain.gettext("Use “{name}”", name=_cut(who.last_name)),
                        data(draft, BookAction.NAME))]] if who.last_name else []
        held = draft.held_until  # said while true: the hold's own end
        kept = ([t.gettext("This time is kept for you until {until}.",
                           until=t.time(from_ts(held, office.tz)))]
                if held and held > deps.clock.now().timestamp() else [])
        return View(Markup("\n").join([header, t.when(start), *kept]) + "\n\n" + t.gettext(
            "Please type the <b>name and surname</b> of the person who will come."),
            [*options, nav(t, draft)])
    if draft.step is Step.CODICE_FISCALE:
        options = [[button(t.plain.gettext("Use {cf}", cf=mask_codice_fiscale(who.last_cf)),
                        data(draft, BookAction.CODICE_FISCALE))]] if (
            who.last_cf and who.last_name == draft.name) else []
        if draft.doubt_mark:
            options.insert(0, [button(details.both_right_label(t),
                                      data(draft, BookAction.BOTH_RIGHT, draft.doubt_mark))])
        return View(details.prompt(t, draft), [*options, nav(t, draft)])
    if draft.step is Step.NOTE:
        return View(details.prompt(t, draft),
                    [[button(t.plain.gettext("Skip"), data(draft, BookAction.SKIP))],
                     nav(t, draft)])
    summary = card(t, office, service.code, start, name=draft.name,
                   codice_fiscale=draft.codice_fiscale, note=draft.note)
    title = t.gettext("<b>Please check and confirm</b>")
    now = deps.clock.now()
    rules = [rule for rule in (confirm_by(t, office, service, start, now),
                               None if changeable(office, start, now) else too_late(t, office))
             if rule is not None]
    summary = Markup("\n\n").join([summary, *rules])
    return View(Markup("{}{}\n\n{}").format(title, note, summary),  # the service: in the card
                [[button(t.plain.gettext("✅ Confirm"), data(draft, BookAction.CONFIRM))],
                 nav(t, draft)])


def _cut(text: str | None, length: int = 30) -> str:
    """Short enough for a button."""
    text = text or ""
    return text if len(text) <= length else text[: length - 1] + "…"


async def _days(deps: Deps, draft: Draft, who: Citizen, t: Translator, header: Markup) -> View:
    assert draft.service is not None
    service = deps.office.services[draft.service]
    days = booking_window(deps.office, deps.clock.now()).days()
    pages = max(1, -(-len(days) // DAYS_PER_PAGE))
    draft.page = min(max(draft.page, 0), pages - 1)
    shown = days[draft.page * DAYS_PER_PAGE:(draft.page + 1) * DAYS_PER_PAGE]

    def states_and_any(cal: free_time.Calendar) -> tuple[dict[date, DayState], bool]:
        states = cal.states(shown)
        return states, DayState.FREE in states.values() or bool(cal.first_free(days[0]))

    states, any_free = await free_time.ask(deps, service, states_and_any, who.user_id)
    text = (header + "\n" + t.ngettext("It takes about {n} minute.",
                                      "It takes about {n} minutes.", service.duration)
            + "\n\n" + documents(t, service) + "\n\n")
    rule = confirm_rule(t, service)
    if rule is not None:
        text += rule + "\n\n"
    if not any_free:
        text += t.ngettext("There are no free times in the next {n} day.",
                           "There are no free times in the next {n} days.", len(days))
        waitlist = booking_wait.offer(draft, t.plain.gettext("⏳ Waiting list"))
        return View(text, [*waitlist, nav(t, draft)])
    text += t.gettext("Choose a day (✖ closed, ▪ full):")
    grid = [button(MARKS[states[d]] + t.short_date(d),
                   data(draft, BookAction.DAY, callbacks.day_field(d)))
            for d in shown]
    paging = []
    if draft.page > 0:
        paging.append(button(t.plain.gettext("◀ Earlier"),
                             data(draft, BookAction.PAGE, draft.page - 1)))
    if draft.page < pages - 1:
        paging.append(button(t.plain.gettext("Later ▶"),
                             data(draft, BookAction.PAGE, draft.page + 1)))
    first = [button(t.plain.gettext("⏩ First available time"), data(draft, BookAction.FIRST))]
    return View(text, [first, *rows(grid, DAYS_PER_ROW), *([paging] if paging else []),
                       nav(t, draft, back=not draft.fixed)])  # a fixed service: no way back
