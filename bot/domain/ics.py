"""The booking as an iCalendar file, for the citizen's own calendar."""

from __future__ import annotations

import functools
from datetime import date, datetime

import icalendar

from bot.domain.model import Office, Service

_HEADER = (b"BEGIN:VCALENDAR\r\nPRODID:-//Sportello//Sportello bot//IT\r\nVERSION:2.0\r\n"
           b"METHOD:PUBLISH\r\n")
_FOOTER = b"END:VCALENDAR\r\n"


def booking_event(office: Office, service: Service, code: str, start: datetime, end: datetime,
                  lang: str, now: datetime) -> bytes:
    """A VCALENDAR with one VEVENT in the office's time zone (VTIMEZONE included)."""
    event = icalendar.Event()
    event.add("uid", f"{code}@sportello")
    event.add("dtstamp", now)
    event.add("dtstart", start.astimezone(office.tz))
    event.add("dtend", end.astimezone(office.tz))
    event.add("summary", f"{service.name.get(lang)} — {office.name}")
    event.add("location", office.address)
    event.add("description", f"{code}\n{service.documents.get(lang)}")
    return _HEADER + _timezone(office.rules.timezone, start.year) + event.to_ical() + _FOOTER


@functools.lru_cache(maxsize=16)
def _timezone(tzid: str, year: int) -> bytes:
    """The VTIMEZONE of the appointment's years only (a small file), written out once: building
    and writing it took three quarters of the whole file's time."""
    return icalendar.Timezone.from_tzid(tzid, first_date=date(year - 1, 1, 1),
                                        last_date=date(year + 2, 1, 1)).to_ical()
