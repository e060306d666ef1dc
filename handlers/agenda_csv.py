"""The agenda as a CSV file for a spreadsheet (pure).

As Italian spreadsheets expect: UTF-8 with a byte-order mark (so accents survive), `;` between
fields (`,` is the decimal separator), CRLF line ends. A field holding `;`, a quote or a line
break is quoted, quotes doubled. A citizen's text starting like a formula (`=`, `+`, `-`, `@`) is
prefixed with `'`, so that a spreadsheet shows it instead of running it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime

from bot.domain.booking import Booking
from bot.domain.model import Office
from bot.domain.visits import CHANNEL_LABELS, status_label
from bot.domain.waiting import minutes_waited
from bot.i18n import Translator
from handlers.agenda_view import service_name

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _columns(t: Translator) -> list[str]:
    """The header row (a column's name is a noun: "Time" is the hour, "Arrived" when)."""
    p = t.plain
    return [
        p.pgettext("agenda column", "Date"),
        p.pgettext("agenda column", "Time"),
        p.pgettext("agenda column", "Until"),
        p.pgettext("agenda column", "Desk"),
        p.pgettext("agenda column", "Service"),
        p.pgettext("agenda column", "Status"),
        p.pgettext("agenda column", "Code"),
        p.pgettext("agenda column", "Name"),
        p.pgettext("agenda column", "Codice fiscale"),
        p.pgettext("agenda column", "Note"),
        p.pgettext("agenda column", "Phone"),
        p.pgettext("agenda column", "Channel"),
        p.pgettext("agenda column", "Confirmed"),
        p.pgettext("agenda column", "Arrived"),
        p.pgettext("agenda column", "Started"),
        p.pgettext("agenda column", "Ended"),
        p.pgettext("agenda column", "Minutes at the desk"),
        p.pgettext("agenda column", "Minutes waited"),
    ]


def _inert(text: str | None) -> str:
    if not text:
        return ""
    return "'" + text if text.startswith(FORMULA_START) else text


def _minutes(value: int | None) -> str:
    return "" if value is None else str(value)


def to_csv(visits: Sequence[Booking], office: Office, t: Translator) -> bytes:
    def at(moment: datetime | None) -> str:
        return moment.astimezone(office.tz).strftime("%H:%M") if moment is not None else ""

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(_columns(t))
    for visit in visits:
        start = visit.start.astimezone(office.tz)
        writer.writerow([
            start.date().isoformat(), at(visit.start), at(visit.end), visit.desk,
            service_name(office, visit.service, t), t.plain.gettext(status_label(visit)),
            visit.code,
            _inert(visit.name), visit.codice_fiscale or "", _inert(visit.note),
            _inert(visit.phone),
            t.plain.gettext(CHANNEL_LABELS[visit.channel]),
            at(visit.confirmed), at(visit.checked_in), at(visit.started), at(visit.served),
            _minutes(visit.minutes_at_desk), _minutes(minutes_waited(visit)),
        ])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
