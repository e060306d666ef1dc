"""The .ics calendar file: one VEVENT in the office's time zone, with its VTIMEZONE, right on
both sides of a daylight-saving change."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import icalendar
import pytest

from bot.domain.ics import booking_event
from bot.domain.model import Office
from bot.testing.clock import FakeClock
from storage.db import Database
from tests.conftest import ROME, UserFactory
from tests.handlers.conftest import Steps
from tests.seed import rows

AUTUMN_MONDAY = datetime(2026, 10, 26, 9, 0, tzinfo=ROME)
"""The Monday after the last Sunday of October: winter time (CET, UTC+1) since the day before."""


def parse(content: bytes) -> tuple[icalendar.Event, icalendar.Timezone]:
    calendar = icalendar.Calendar.from_ical(content)
    [event] = calendar.events
    [zone] = calendar.timezones
    return event, zone


@pytest.mark.parametrize(("lang", "summary"), [
    ("it", "Carta d'identità elettronica — richiesta — Sportello Unico — Comune di Arezzo"),
    ("en", "Electronic identity card — application — Sportello Unico — Comune di Arezzo"),
])
def test_the_event(office: Office, lang: str, summary: str) -> None:
    start = datetime(2026, 11, 27, 9, 0, tzinfo=ROME)
    content = booking_event(office, office.services["cie"], "ABC234", start,
                            start + timedelta(minutes=30), lang, start - timedelta(days=1))
    assert b"DTSTART;TZID=Europe/Rome:20261127T090000" in content
    assert b"DTEND;TZID=Europe/Rome:20261127T093000" in content
    event, zone = parse(content)
    assert event["UID"] == "ABC234@sportello"
    assert event["SUMMARY"] == summary
    assert event["LOCATION"] == "Piazza della Libertà 1, 52100 Arezzo"
    assert event["DESCRIPTION"].startswith("ABC234\n")
    assert office.services["cie"].documents.get(lang) in event["DESCRIPTION"]
    assert event.decoded("DTSTART") == start
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=30)
    assert zone["TZID"] == "Europe/Rome"
    assert {sub.name for sub in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}


def test_a_move_updates_the_entry_and_a_cancellation_removes_it(office: Office) -> None:
    start = datetime(2026, 11, 27, 9, 0, tzinfo=ROME)
    cie = office.services["cie"]
    later = start + timedelta(days=1)

    def event_file(at: datetime, **version: object) -> icalendar.Calendar:
        return icalendar.Calendar.from_ical(booking_event(
            office, cie, "ABC234", at, at + timedelta(minutes=30), "it", start, **version))

    first, moved = event_file(start), event_file(later, sequence=1)
    gone = event_file(later, sequence=2, cancelled=True)
    assert [c["METHOD"] for c in (first, moved, gone)] == ["PUBLISH", "PUBLISH", "CANCEL"]
    events = [c.events[0] for c in (first, moved, gone)]
    assert {e["UID"] for e in events} == {"ABC234@sportello"}
    assert [e["SEQUENCE"] for e in events] == [0, 1, 2]
    assert [e["STATUS"] for e in events] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert "+39 0575 3770" in events[0]["DESCRIPTION"]  # how to reach the counter


def test_the_time_zone_in_the_file_knows_the_change_to_winter_time(office: Office) -> None:
    content = booking_event(office, office.services["cie"], "ABC234", AUTUMN_MONDAY,
                            AUTUMN_MONDAY + timedelta(minutes=30), "it",
                            AUTUMN_MONDAY - timedelta(days=3))
    assert b"DTSTART;TZID=Europe/Rome:20261026T090000" in content
    event, zone = parse(content)
    assert event.decoded("DTSTART").utcoffset() == timedelta(hours=1)
    # the VTIMEZONE itself, read without the system's zone database, as a calendar app would
    own = zone.to_tz(lookup_tzid=False)
    assert datetime(2026, 10, 26, 9, 0, tzinfo=own).utcoffset() == timedelta(hours=1)
    assert datetime(2026, 10, 23, 9, 0, tzinfo=own).utcoffset() == timedelta(hours=2)


async def test_a_booking_across_the_change_to_winter_time(make_user: UserFactory,
                                                          office: Office, clock: FakeClock,
                                                          db: Database) -> None:
    clock.set(datetime(2026, 10, 23, 9, 0, tzinfo=ROME))  # a Friday, summer time
    user = make_user()
    code = await Steps(office).book(user, start=AUTUMN_MONDAY)
    confirmation, document = user.messages[-2:]
    assert "Quando: lunedì 26 ottobre 2026, 09:00" in confirmation.text
    assert document.text == "Lo aggiunga al suo calendario."
    assert document.document is not None
    name, content = document.document
    assert name == f"{code}.ics"
    event, _ = parse(content)
    assert event.decoded("DTSTART") == AUTUMN_MONDAY
    assert event["UID"] == f"{code}@sportello"
    assert await rows(db, "SELECT datetime(start_ts, 'unixepoch'), datetime(end_ts, 'unixepoch')"
                          " FROM bookings") == [("2026-10-26 08:00:00", "2026-10-26 08:30:00")]
    # the day before at 18:00 is already winter time; two hours before is 07:00 local
    assert await rows(db, "SELECT datetime(due_ts, 'unixepoch') FROM outbox ORDER BY due_ts") == [
        ("2026-10-25 17:00:00",), ("2026-10-26 06:00:00",)]


def test_text_with_commas_semicolons_line_breaks_and_long_accented_lines_reads_back(
        office: Office) -> None:
    documents = "Carta d'identità; codice fiscale, foto\\tessera\n" + "è " * 80
    service = replace(office.services["cie"], documents=replace(
        office.services["cie"].documents, it=documents))
    start = datetime(2026, 11, 27, 9, 0, tzinfo=ROME)
    content = booking_event(office, service, "ABC234", start, start + timedelta(minutes=30),
                            "it", start)
    assert all(len(line) <= 75 for line in content.split(b"\r\n"))
    event, _ = parse(content)
    assert event["DESCRIPTION"].startswith(f"ABC234\n{documents}\n")  # the contacts follow
