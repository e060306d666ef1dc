"""The booking as an iCalendar file, for the citizen's own calendar."""

from __future__ import annotations

import functools
from datetime import date, datetime

import icalendar

from bot.domain.model import Office, Service


def booking_event(office: Office, service: Service, code: str, start: datetime, end: datetime,
                  lang: str, now: datetime, *, sequence: int = 0,
                  cancelled: bool = False) -> bytes:
    """A VCALENDAR with one VEVENT in the office's time zone (VTIMEZONE included).

    The event's UID is the booking's code, which a booking keeps when it is moved: a calendar
    that imports the file of a move (a higher SEQUENCE) updates its entry instead of adding one,
    and the file of a cancellation (METHOD:CANCEL, STATUS:CANCELLED) removes it.
    """
    event = icalendar.Event()
    event.add("uid", f"{code}@sportello")
    event.add("sequence", sequence)
    event.add("dtstamp", now)
    event.add("dtstart", start.astimezone(office.tz))
    event.add("dtend", end.astimezone(office.tz))
    event.add("summary", f"{service.name.get(lang)} — {office.name}")
    event.add("location", office.address)
    contacts = office.contacts
    reach = [value for value in (contacts.phone, contacts.email) if value]
    event.add("description", "\n".join([code, service.documents.get(lang), *reach]))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Sportello//Sportello bot//IT")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    calendar.add_component(_timezone(office.rules.timezone, start.year))
    calendar.add_component(event)
    ical: bytes = calendar.to_ical()  # icalendar leaves it unannotated
    return ical


@functools.lru_cache(maxsize=16)
def _timezone(tzid: str, year: int) -> icalendar.Timezone:
    """The VTIMEZONE of the appointment's years only (a small file), built once: it is slow."""
    return icalendar.Timezone.from_tzid(tzid, first_date=date(year - 1, 1, 1),
                                        last_date=date(year + 2, 1, 1))
