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

from bot.agenda import service_name
from bot.i18n import N_, Translator
from bot.model import Office, from_ts
from bot.visit import CHANNEL_LABELS, Visit, status_label

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = (
    N_("Date"), N_("Time"), N_("Until"), N_("Desk"), N_("Service"), N_("Status"), N_("Code"),
    N_("Name"), N_("Codice fiscale"), N_("Note"), N_("Channel"), N_("Confirmed"),
    N_("Arrived"), N_("Started"), N_("Ended"), N_("Minutes at the desk"), N_("Minutes waited"),
)


def _inert(text: str | None) -> str:
    if not text:
        return ""
    return "'" + text if text.startswith(FORMULA_START) else text


def _minutes(value: int | None) -> str:
    return "" if value is None else str(value)


def to_csv(visits: Sequence[Visit], office: Office, t: Translator) -> bytes:
    def at(ts: int | None) -> str:
        return from_ts(ts, office.tz).strftime("%H:%M") if ts is not None else ""

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([t.gettext(column) for column in COLUMNS])
    for visit in visits:
        start = from_ts(visit.start, office.tz)
        writer.writerow([
            start.date().isoformat(), at(visit.start), at(visit.end), visit.desk,
            service_name(office, visit.service, t), t.gettext(status_label(visit)), visit.code,
            _inert(visit.name), visit.codice_fiscale or "", _inert(visit.note),
            t.gettext(CHANNEL_LABELS[visit.channel]),
            at(visit.confirmed), at(visit.checked_in), at(visit.started), at(visit.served),
            _minutes(visit.minutes_at_desk), _minutes(visit.minutes_waited),
        ])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
