"""The booking as an iCalendar file (RFC 5545), for the citizen's own calendar.

The event is written here, line by line; the time zone by the icalendar library, once per zone
and year: the library's own writing of the whole file took as long as the rest of a booking step.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime

import icalendar

from bot.domain.model import Office, Service

LINE_OCTETS = 75
"""The longest a line may be, its line break excluded; longer ones are folded."""


def booking_event(office: Office, service: Service, code: str, start: datetime, end: datetime,
                  lang: str, now: datetime, *, sequence: int = 0,
                  cancelled: bool = False) -> bytes:
    """A VCALENDAR with one VEVENT in the office's time zone (VTIMEZONE included).

    The event's UID is the booking's code, which a booking keeps when it is moved: a calendar
    that imports the file of a move (a higher SEQUENCE) updates its entry instead of adding one,
    and the file of a cancellation (METHOD:CANCEL, STATUS:CANCELLED) removes it.
    """
    zone = office.rules.timezone
    contacts = office.contacts
    reach = [value for value in (contacts.phone, contacts.email) if value]
    description = "\n".join([code, service.documents.get(lang), *reach])
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//Sportello//Sportello bot//IT",
        "VERSION:2.0",
        f"METHOD:{'CANCEL' if cancelled else 'PUBLISH'}",
    ]
    event = [
        "BEGIN:VEVENT",
        f"UID:{_text(code)}@sportello",
        f"SEQUENCE:{sequence}",
        f"DTSTAMP:{now.astimezone(UTC):%Y%m%dT%H%M%SZ}",
        f"DTSTART;TZID={zone}:{start.astimezone(office.tz):%Y%m%dT%H%M%S}",
        f"DTEND;TZID={zone}:{end.astimezone(office.tz):%Y%m%dT%H%M%S}",
        f"SUMMARY:{_text(f'{service.name.get(lang)} — {office.name}')}",
        f"LOCATION:{_text(office.address)}",
        f"DESCRIPTION:{_text(description)}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return (b"".join(map(_fold, lines)) + _timezone(zone, start.year)
            + b"".join(map(_fold, event)))


def _text(value: str) -> str:
    """A TEXT value: backslash, semicolon, comma and line breaks escaped."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> bytes:
    """The line in UTF-8 with its line break, broken before LINE_OCTETS octets (never inside a
    character), each further piece starting with a space."""
    data = line.encode()
    if len(data) <= LINE_OCTETS:
        return data + b"\r\n"
    pieces: list[str] = []
    piece: list[str] = []
    size = 0
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
    ical: bytes = icalendar.Timezone.from_tzid(
        tzid, first_date=date(year - 1, 1, 1), last_date=date(year + 2, 1, 1)).to_ical()
    return ical
