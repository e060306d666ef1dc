"""/stats as operators read it: the figures of bot/domain/statistics.py, in their language."""

from __future__ import annotations

from babel.numbers import format_decimal, format_percent
from markupsafe import Markup

from bot.domain.model import Office
from bot.domain.statistics import Stats
from bot.i18n import Translator


def stats_message(stats: Stats, office: Office, t: Translator) -> Markup:
    def number(value: float) -> str:
        return format_decimal(value, format="#,##0.#", locale=t.lang)

    lines: list[Markup] = [
        t.gettext("<b>Statistics from {first} to {last}</b>",
                  first=t.date(stats.period.first), last=t.date(stats.period.last)),
        t.gettext("Bookings made: {made} · cancelled: {cancelled}",
                  made=number(stats.made), cancelled=number(stats.cancelled)),
        t.gettext("Visits booked: {visits} · served: {served} · no-shows: {no_shows}",
                  visits=number(stats.visits), served=number(stats.served),
                  no_shows=number(stats.no_shows)),
    ]
    if stats.no_show_rate is not None:
        lines.append(t.gettext("No-show rate: {rate}",
                               rate=format_percent(stats.no_show_rate, "#,##0.0%",
                                                   locale=t.lang)))
    if stats.lead_median is not None and stats.lead_p90 is not None:
        lines.append(t.gettext("Booked ahead: median {median} days, 90% within {p90} days",
                               median=number(stats.lead_median), p90=number(stats.lead_p90)))
    lines += [Markup(), t.gettext("<b>Service time at the desk</b> (median · 90th percentile · "
                            "configured, minutes)")]
    unmeasured = []
    for item in stats.services:
        name = office.services[item.service].name.get(t.lang)
        if item.median is None or item.p90 is None:
            unmeasured.append(name)
            continue
        line = t.ngettext("{name}: {median} · {p90} · {configured} ({n} visit timed)",
                          "{name}: {median} · {p90} · {configured} ({n} visits timed)",
                          item.timed, name=name, median=number(item.median),
                          p90=number(item.p90), configured=item.configured)
        if item.suggested is not None:
            line += " " + t.gettext("→ suggested: <b>{minutes}</b> (code {code})",
                                    minutes=item.suggested, code=item.service)
        lines.append(line)
    if unmeasured:
        lines.append(t.gettext("Not measured yet: {services}", services="; ".join(unmeasured)))
    return Markup("\n").join(lines)
