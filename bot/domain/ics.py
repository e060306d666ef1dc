"""The booking as an iCalendar file (RFC 5545), for the citizen's own calendar.

The event is written here, line by line, and the time zone by the icalendar library, once per
zone and year: the library's own writing of the whole file took as long as the rest of a
booking step.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime

import icalendar

from bot.domain.model import Office, Service

_HEADER = (b"BEGIN:VCALENDAR\r\nPRODID:-//Sportello//Sportello bot//IT\r\nVERSION:2.0\r\n"
           b"METHOD:PUBLISH\r\n")
_FOOTER = b"END:VCALENDAR\r\n"
LINE_OCTETS = 75
"""The longest a line may be, line break excluded; longer ones are folded."""


def booking_event(office: Office, service: Service, code: str, start: datetime, end: datetime,
                  lang: str, now: datetime) -> bytes:
    """A VCALENDAR with one VEVENT in the office's time zone (VTIMEZONE included)."""
    zone = office.rules.timezone
    summary = f"{service.name.get(lang)} — {office.name}"
    description = f"{code}\n{service.documents.get(lang)}"
    lines = [
        "BEGIN:VEVENT",
        f"UID:{_text(code)}@sportello",
        f"DTSTAMP:{now.astimezone(UTC):%Y%m%dT%H%M%SZ}",
        f"DTSTART;TZID={zone}:{start.astimezone(office.tz):%Y%m%dT%H%M%S}",
        f"DTEND;TZID={zone}:{end.astimezone(office.tz):%Y%m%dT%H%M%S}",
        f"SUMMARY:{_text(summary)}",
        f"LOCATION:{_text(office.address)}",
        f"DESCRIPTION:{_text(description)}",
        "END:VEVENT",
    ]
    event = b"".join(_fold(line) for line in lines)
    return _HEADER + _timezone(zone, start.year) + event + _FOOTER


def _text(value: str) -> str:
    """A TEXT value: backslash, semicolon, comma and line break escaped."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> bytes:
    """The line in UTF-8, broken before LINE_OCTETS octets (never inside a character), each
    further piece starting with a space."""
    data = line.encode()
    if len(data) <= LINE_OCTETS:
        return data + b"\r\n"
    pieces, piece, size = [], [], 0
    for char in line:
        octets = len(char.encode())
        if size + octets > LINE_OCTETS:
            pieces.append("".join(piece))
            piece, size = [" "], 1
        piece.append(char)
        size += octets
    pieces.append("".join(piece))
    return "\r\n".join(pieces).encode() + b"\r\n"


@functools.lru_cache(maxsize=16)
def _timezone(tzid: str, year: int) -> bytes:
    """The VTIMEZONE of the appointment's years only (a small file), written out once."""
    return icalendar.Timezone.from_tzid(tzid, first_date=date(year - 1, 1, 1),
                                        last_date=date(year + 2, 1, 1)).to_ical()
