"""The booking as an iCalendar file, for the citizen's own calendar."""

from __future__ import annotations

import functools
from datetime import date, datetime

import icalendar

from bot.domain.model import Office, Service


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
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Sportello//Sportello bot//IT")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(_timezone(office.rules.timezone, start.year))
    calendar.add_component(event)
    ical: bytes = calendar.to_ical()  # icalendar leaves it unannotated
    return ical


@functools.lru_cache(maxsize=16)
def _timezone(tzid: str, year: int) -> icalendar.Timezone:
    """The VTIMEZONE of the appointment's years only (a small file), built once: it is slow."""
    return icalendar.Timezone.from_tzid(tzid, first_date=date(year - 1, 1, 1),
                                        last_date=date(year + 2, 1, 1))
