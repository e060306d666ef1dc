"""The free times read as the questions need them (`free_time.as_asked`: a desk's whole window
at a day's first look, more desks for that day only) agree with the window read at once."""

from __future__ import annotations

from datetime import date, datetime, time

from bot.domain.availability import DayState, booking_window
from bot.domain.model import Office
from bot.services.free_time import as_asked, on_days
from storage.db import Database
from storage.engine import Connection
from tests.conftest import NOW, ROME
from tests.handlers.conftest import fill

FRIDAY, MONDAY, TUESDAY = date(2026, 11, 27), date(2026, 11, 30), date(2026, 12, 1)


def whole_day(day: date) -> tuple[datetime, datetime]:
    return datetime.combine(day, time(7), ROME), datetime.combine(day, time(19), ROME)


async def test_asked_as_needed_agrees_with_the_window_read_at_once(db: Database,
                                                                    office: Office) -> None:
    service = office.services["cie"]
    for desk in service.desks:  # Friday full
        await fill(db, desk, *whole_day(FRIDAY))
    await fill(db, service.desks[0], *whole_day(MONDAY))  # Monday: free at the later desks only
    await fill(db, service.desks[0], datetime(2026, 12, 1, 9, 0, tzinfo=ROME),
               datetime(2026, 12, 1, 11, 0, tzinfo=ROME))  # Tuesday: some times taken
    window = booking_window(office, NOW)
    days = window.days()

    def both(conn: Connection) -> list[tuple[object, object]]:
        asked = as_asked(conn, office, service, NOW, None)
        whole = on_days(conn, office, service, window.first, window.last, NOW, None)
        return [(ask.states(days), ask.first_free(window.first, 40), ask.slots(TUESDAY),
                 ask.desks_at(datetime(2026, 12, 1, 11, 0, tzinfo=ROME)))
                for ask in (asked, whole)]

    asked, whole = await db.read(both)
    assert asked == whole
    states = asked[0]
    assert isinstance(states, dict)
    assert (states[FRIDAY], states[MONDAY], states[TUESDAY]) == (
        DayState.FULL, DayState.FREE, DayState.FREE)
