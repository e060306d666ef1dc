"""What each step of /book shows: a text and its buttons, from the draft and fresh availability."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from bot.context import Deps
from bot.domain.availability import DayState
from bot.domain.booking import Booking, Slot, mask_codice_fiscale
from bot.domain.flows import Draft, Step
from bot.domain.model import from_ts
from bot.i18n import Translator
from bot.services import free_time
from handlers import callbacks, details
from handlers.booking_card import card, changeable, confirm_by, confirm_rule, documents, too_late
from handlers.callbacks import BookAction
from handlers.common import Button, button
from storage.citizens import Citizen

DAYS_PER_PAGE = 12
DAYS_PER_ROW = 3
TIMES_PER_ROW = 4
ALTERNATIVES = 8
MARKS = {DayState.FREE: "", DayState.FULL: "▪ ", DayState.CLOSED: "✖ "}


@dataclass(frozen=True)
class View:
    text: str
    keyboard: list[list[Button]]


def data(draft: Draft, action: BookAction, arg: object = "") -> str:
    return callbacks.book(draft.nonce, action, arg)


def _nav(t: Translator, draft: Draft, back: bool = True) -> list[Button]:
    label = t.plain
    row = ([button(label.pgettext("go back a step", "« Back"), data(draft, BookAction.BACK))]
           if back else [])
    return [*row, button(label.pgettext("stop what you are doing", "✖ Cancel"),
                         data(draft, BookAction.QUIT))]


def _rows(buttons: list[Button], width: int) -> list[list[Button]]:
    return [buttons[i:i + width] for i in range(0, len(buttons), width)]


async def render(deps: Deps, draft: Draft, who: Citizen, t: Translator,
                 moving: Booking | None = None, known: free_time.Calendar | None = None) -> View:
    """The current step of `draft`; `moving` is the booking being rescheduled, if any; `known`,
    free times this update has read already."""
    office = deps.office
    lang = t.lang
    if draft.step is Step.CATEGORY:
        rows = [[button(c.name.get(lang), data(draft, BookAction.CATEGORY, c.code))]
                for c in office.categories]
        return View(t.gettext("<b>Book an appointment</b>\nWhat is it about? Choose:"),
                    [*rows, _nav(t, draft, back=False)])
    if draft.step is Step.SERVICE:
        category = next(c for c in office.categories if c.code == draft.category)
        rows = [[button(s.name.get(lang), data(draft, BookAction.SERVICE, s.code))]
                for s in office.services_in(category.code)]
        return View(t.gettext("<b>{category}</b>\nChoose the service:",
                              category=category.name.get(lang)), [*rows, _nav(t, draft)])
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
        return await _times(deps, draft, who, t, header, known)
    assert draft.start is not None
    start = from_ts(draft.start, office.tz)
    if draft.step is Step.NAME:
        rows = [[button(t.plain.gettext("Use “{name}”", name=_cut(who.last_name)),
                        data(draft, BookAction.NAME))]] if who.last_name else []
        return View(header + "\n" + t.when(start) + "\n" + t.gettext(
            "This time is kept for you for {minutes} minutes.\n\nPlease type the <b>name and "
            "surname</b> of the person who will come.", minutes=office.rules.hold_minutes),
            [*rows, _nav(t, draft)])
    if draft.step is Step.CODICE_FISCALE:
        rows = [[button(t.plain.gettext("Use {cf}", cf=mask_codice_fiscale(who.last_cf)),
                        data(draft, BookAction.CODICE_FISCALE))]] if (
            who.last_cf and who.last_name == draft.name) else []
        if draft.doubt_mark:
            rows.insert(0, [button(details.both_right_label(t),
                                   data(draft, BookAction.BOTH_RIGHT, draft.doubt_mark))])
        return View(details.prompt(t, draft), [*rows, _nav(t, draft)])
    if draft.step is Step.NOTE:
        return View(details.prompt(t, draft),
                    [[button(t.plain.gettext("Skip"), data(draft, BookAction.SKIP))],
                     _nav(t, draft)])
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
                 _nav(t, draft)])


def _cut(text: str | None, length: int = 30) -> str:
    """Short enough for a button."""
    text = text or ""
    return text if len(text) <= length else text[: length - 1] + "…"


async def _days(deps: Deps, draft: Draft, who: Citizen, t: Translator, header: Markup) -> View:
    assert draft.service is not None
    service = deps.office.services[draft.service]
    cal = await free_time.load_window(deps, service, who.user_id)
    days = cal.window.days()
    pages = max(1, -(-len(days) // DAYS_PER_PAGE))
    draft.page = min(max(draft.page, 0), pages - 1)
    shown = days[draft.page * DAYS_PER_PAGE:(draft.page + 1) * DAYS_PER_PAGE]
    states = cal.states(shown)
    text = (header + "\n" + t.ngettext("It takes about {n} minute.",
                                      "It takes about {n} minutes.", service.duration)
            + "\n\n" + documents(t, service) + "\n\n")
    rule = confirm_rule(t, service)
    if rule is not None:
        text += rule + "\n\n"
    waitlist = [button(t.plain.gettext("None of these days: waiting list"),
                       callbacks.waitlist_join(service.code))]
    if DayState.FREE not in states.values() and not cal.first_free(days[0]):
        text += t.ngettext("There are no free times in the next {n} day.",
                           "There are no free times in the next {n} days.", len(days))
        return View(text, [waitlist, _nav(t, draft)])
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
    return View(text, [first, *_rows(grid, DAYS_PER_ROW), paging, waitlist,
                       _nav(t, draft, back=not draft.fixed)])  # a fixed service: no way back


async def _times(deps: Deps, draft: Draft, who: Citizen, t: Translator, header: Markup,
                 known: free_time.Calendar | None) -> View:
    assert draft.service is not None
    assert draft.day is not None
    service = deps.office.services[draft.service]
    day = date.fromisoformat(draft.day)
    if known is None or known.service != service:
        known = await free_time.load(deps, service, day, day, who.user_id)
    slots = known.slots(day)
    if slots:
        text = header + "\n" + t.date(day) + "\n" + t.gettext("Choose a time:")
        times = [button(t.time(s.start), data(draft, BookAction.TIME, _ts(s))) for s in slots]
        return View(text, [*_rows(times, TIMES_PER_ROW), _nav(t, draft)])
    window = await free_time.load_window(deps, service, who.user_id)
    nearest = window.first_free(day, ALTERNATIVES)
    text = header + "\n" + t.gettext("No free times are left on {day}.", day=t.date(day))
    if nearest:
        text += "\n" + t.gettext("The nearest free times:")
    times = [button(f"{t.short_date(s.start.date())} {t.time(s.start)}",
                    data(draft, BookAction.TIME, _ts(s)))
             for s in nearest]
    return View(text, [*_rows(times, 2), _nav(t, draft)])


def _ts(slot: Slot) -> int:
    return int(slot.start.timestamp())
