"""/stats as operators read it: waiting and punctuality first, then how citizens booked, then the
counts and service times; one message within Telegram's limit.

Where the period holds too much (25 desks, 14 services, long names), the longest of the lists
(waiting per desk, per service, service times) loses its last lines first, and says how many;
the lists of waits put the longest waits first, so that what is cut is where nobody waited.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from markupsafe import Markup

from bot.domain.booking import Channel
from bot.domain.channels import Channels, Unit
from bot.domain.model import Office
from bot.domain.statistics import ServiceTime, Stats
from bot.domain.waiting import Punctuality, Spread, Waiting
from bot.i18n import Translator
from handlers.agenda_view import units

BUDGET = 4000
"""UTF-16 code units of HTML, below Telegram's 4096 with a margin."""


@dataclass
class _Part:
    head: list[str]
    items: list[str] = field(default_factory=list)
    """Lines that may be cut from the end to fit."""
    foot: list[str] = field(default_factory=list)
    cut: int = 0


class _View:
    def __init__(self, office: Office, t: Translator) -> None:
        self.office, self.t = office, t

    def number(self, value: float) -> str:
        return format_decimal(value, format="#,##0.#", locale=self.t.lang)

    def signed(self, value: float) -> str:
        """`+3`, `-2,5`, `0`."""
        shown = round(value, 1)
        return format_decimal(shown, format="+#,##0.#;-#,##0.#" if shown else "0",
                              locale=self.t.lang)

    def share(self, value: float | None) -> str:
        return "—" if value is None else format_percent(value, "#,##0%", locale=self.t.lang)

    def stretch(self, day: date, unit: Unit) -> str:
        return format_date(day, "d MMM" if unit is Unit.WEEK else "MMM y", locale=self.t.lang)


def stats_message(stats: Stats, office: Office, t: Translator,
                  tail: Markup | None = None) -> Markup:
    """`tail`: a last paragraph, kept whole (the administrators' hint)."""
    view = _View(office, t)
    parts = [
        _Part([t.gettext("<b>Statistics from {first} to {last}</b>",
                         first=t.date(stats.period.first), last=t.date(stats.period.last))]),
        _Part(_waiting(view, stats.waiting)),
        _Part(_channels(view, stats.channels)),
        _listing(view, stats.waiting.services, t.gettext(
            "<b>Waiting per service</b> (minutes: median · 90% · zero wait · late starts)"),
            lambda code: office.service_name(code, t.lang)),
        _listing(view, stats.waiting.desks, t.gettext(
            "<b>Waiting per desk</b> (minutes: median · 90% · zero wait · late starts)"),
            lambda code: office.desks[code].name if code in office.desks else code),
        _Part(_counts(view, stats)),
        _service_times(view, stats.services),
    ]
    if tail:
        parts.append(_Part([tail]))
    return Markup(_fit([part for part in parts if part.head], t))


def _fit(parts: Sequence[_Part], t: Translator) -> str:
    def text() -> str:
        blocks = []
        for part in parts:
            more = [t.ngettext("… and {n} more line", "… and {n} more lines",
                                 part.cut)] if part.cut else []
            blocks.append("\n".join(part.head + part.items + more + part.foot))
        return "\n\n".join(blocks)

    while units(found := text()) > BUDGET:
        longest = max(parts, key=lambda part: len(part.items))
        if not longest.items:
            break  # nothing left to cut; the fixed parts alone never come near the limit
        longest.items.pop()
        longest.cut += 1
    return found


def _waiting(view: _View, waiting: Waiting) -> list[str]:
    t, period, zero = view.t, waiting.period, waiting.zero_wait_minutes
    lines: list[str] = [t.gettext("<b>Waiting</b>, from the booked time (or the arrival, if "
                                  "later) to the start at the desk")]
    if period.waits.count:
        lines += [
            t.ngettext("Booked visits: median {median} min, 90% within {p90} min ({n} measured)",
                       "Booked visits: median {median} min, 90% within {p90} min ({n} measured)",
                       period.waits.count, **_spread(view, period.waits)),
            t.gettext("Zero wait (started within {minutes} min): <b>{share}</b>", minutes=zero,
                      share=view.share(period.zero_wait_share)),
        ]
    if period.walk_ins.count:
        lines.append(t.ngettext(
            "Walk-ins: median {median} min, 90% within {p90} min, zero wait {share} "
            "({n} measured)",
            "Walk-ins: median {median} min, 90% within {p90} min, zero wait {share} "
            "({n} measured)", period.walk_ins.count,
            share=view.share(period.walk_in_zero_wait_share), **_spread(view, period.walk_ins)))
    if period.delays.median is not None:
        lines.append(t.gettext("Starts against the booked time: median {delay} min; late (over "
                               "{minutes} min): <b>{share}</b>", delay=view.signed(
                                   period.delays.median), minutes=zero,
                               share=view.share(period.late_share)))
    if period.overruns.count:
        lines.append(t.ngettext(
            "Over their slot: {share} of the {n} visit timed, by {median} min (median), 90% "
            "within {p90} min",
            "Over their slot: {share} of the {n} visits timed, by {median} min (median), 90% "
            "within {p90} min", period.timed, share=view.share(period.overrun_share),
            **_spread(view, period.overruns)))
    elif period.timed:
        lines.append(t.ngettext("Over their slot: none ({n} visit timed).",
                                "Over their slot: none of the {n} visits timed.", period.timed))
    if len(lines) == 1:
        lines.append(t.gettext("Nothing measured: no visit in the period was marked as started."))
    return lines


def _spread(view: _View, spread: Spread) -> dict[str, str]:
    assert spread.median is not None
    assert spread.p90 is not None
    return {"median": view.number(spread.median), "p90": view.number(spread.p90)}


def _channels(view: _View, channels: Channels) -> list[str]:
    t, whole = view.t, channels.period
    if not whole.total:
        return [t.gettext("<b>Booked online</b>: no visits in the period.")]
    head: str = t.ngettext("<b>Booked online: {share}</b> of {n} visit",
                           "<b>Booked online: {share}</b> of {n} visits", whole.total,
                           share=view.share(whole.online_share))
    if channels.target is not None:
        reached = (whole.online_share or 0) >= channels.target
        head += " · " + (t.gettext("target {target}: reached", target=view.share(channels.target))
                         if reached else t.gettext("target {target}: not reached",
                                                   target=view.share(channels.target)))
    counts = whole.visits
    lines: list[str] = [head, t.gettext(
        "In the chat {chat} · from the waiting list {waitlist} · by phone {phone} · walk-in "
        "{desk}", chat=counts[Channel.CHAT], waitlist=counts[Channel.WAITLIST],
        phone=counts[Channel.PHONE], desk=counts[Channel.DESK])]
    if len(channels.trend) > 1:
        stretches = " · ".join(f"{view.stretch(item.first, channels.unit)} "
                               f"{view.share(item.online_share)}" for item in channels.trend)
        lines.append(t.gettext("Week by week: {stretches}", stretches=stretches)
                     if channels.unit is Unit.WEEK
                     else t.gettext("Month by month: {stretches}", stretches=stretches))
    if channels.slope is not None:
        points = view.signed(channels.slope * 100)
        lines.append(t.gettext("Trend: {points} points a week", points=points)
                     if channels.unit is Unit.WEEK
                     else t.gettext("Trend: {points} points a month", points=points))
    return lines


def _listing(view: _View, groups: Mapping[str, Punctuality], heading: str,
             name: Callable[[str], str]) -> _Part:
    """The booked visits' waits of each service or desk, the longest first."""
    measured = [(name(code), item) for code, item in groups.items() if item.waits.count]
    measured.sort(key=lambda pair: (-(pair[1].waits.median or 0), -(pair[1].waits.p90 or 0),
                                    pair[0]))
    return _Part([heading] if measured else [], [view.t.gettext(
        "{name}: {median} · {p90} · {zero} · {late} ({n})", name=label,
        zero=view.share(item.zero_wait_share), late=view.share(item.late_share),
        n=item.waits.count, **_spread(view, item.waits)) for label, item in measured])


def _counts(view: _View, stats: Stats) -> list[str]:
    t = view.t
    lines: list[str] = [
        t.gettext("Bookings made: {made} · cancelled: {cancelled}",
                  made=view.number(stats.made), cancelled=view.number(stats.cancelled)),
        t.gettext("Bookings moved: {moved}", moved=view.number(stats.moved)),
        t.gettext("Visits booked: {visits} · served: {served} · no-shows: {no_shows}",
                  visits=view.number(stats.visits), served=view.number(stats.served),
                  no_shows=view.number(stats.no_shows)),
    ]
    if stats.no_show_rate is not None:
        lines.append(t.gettext("No-show rate: {rate}",
                               rate=format_percent(stats.no_show_rate, "#,##0.0%",
                                                   locale=t.lang)))
    if stats.lead_median is not None and stats.lead_p90 is not None:
        lines.append(t.gettext("Booked ahead: median {median} days, 90% within {p90} days",
                               median=view.number(stats.lead_median),
                               p90=view.number(stats.lead_p90)))
    return lines


def _service_times(view: _View, services: Sequence[ServiceTime]) -> _Part:
    t, office = view.t, view.office
    part = _Part([t.gettext("<b>Service time at the desk</b> (median · 90th percentile · "
                            "configured, minutes)")])
    unmeasured = []
    for item in services:
        name = office.services[item.service].name.get(t.lang)
        if item.median is None or item.p90 is None:
            unmeasured.append(name)
            continue
        line: str = t.ngettext("{name}: {median} · {p90} · {configured} ({n} visit timed)",
                               "{name}: {median} · {p90} · {configured} ({n} visits timed)",
                               item.timed, name=name, median=view.number(item.median),
                               p90=view.number(item.p90), configured=item.configured)
        if item.suggested is not None:
            line += " " + t.gettext("→ suggested: <b>{minutes}</b> (code {code})",
                                    minutes=item.suggested, code=item.service)
        if item.late_starts is not None and item.late_starts.visits:
            late = item.late_starts
            line += "; " + t.gettext("late starts, replayed: {before} → {after} of {n}",
                                     before=late.before, after=late.after, n=late.visits)
        part.items.append(line)
    if unmeasured:
        part.foot.append(t.gettext("Not measured yet: {services}",
                                   services="; ".join(unmeasured)))
    return part
