"""/stats added up by the database a week at a time is what counting every booking one by one
gives, across a daylight-saving change and weeks cut anywhere."""

from __future__ import annotations

from collections import Counter
from datetime import date

from bot.domain.arguments import Period
from bot.domain.model import Office, from_ts
from bot.domain.statistics import LEAD_STEP, Facts, day_bounds
from bot.services import statistics
from storage.db import Database
from tests.seed import insert_history, rows


def one_by_one(visits: list[tuple], made: int, cancelled: int, office: Office) -> Facts:
    days: Counter[date] = Counter()
    no_shows: Counter[date] = Counter()
    statuses: Counter[str] = Counter()
    leads: Counter[int] = Counter()
    timed: dict[str, Counter[int]] = {}
    for service, status, start, created, began, served in visits:
        day = from_ts(start, office.tz).date()
        days[day] += 1
        no_shows[day] += status == "no_show"
        statuses[status] += 1
        leads[max(0, start - created) // LEAD_STEP] += 1
        if began is not None and served is not None:
            timed.setdefault(service, Counter())[served - began] += 1
    return Facts(made, cancelled, {day: (days[day], no_shows[day]) for day in days},
                 dict(statuses), dict(leads), {code: dict(c) for code, c in timed.items()})


async def test_a_period_added_up_week_by_week_is_every_booking_counted(
        db: Database, office: Office) -> None:
    period = Period(date(2026, 10, 14), date(2026, 11, 10))  # summer time ends on 25 October
    await db.write(insert_history, office, date(2026, 10, 1), date(2026, 11, 20), 60)
    start, end = period.bounds(office.tz)
    visits = await rows(db, "SELECT service, status, start_ts, created_ts, started_ts, served_ts"
                            " FROM bookings WHERE start_ts >= ? AND start_ts < ?"
                            " AND status <> 'cancelled'", start, end)
    [(made,)] = await rows(db, "SELECT count(*) FROM bookings WHERE created_ts >= ?"
                               " AND created_ts < ?", start, end)
    [(cancelled,)] = await rows(db, "SELECT count(*) FROM bookings WHERE cancelled_ts >= ?"
                                    " AND cancelled_ts < ?", start, end)
    found = await statistics.facts(db, office, period)
    assert found == one_by_one(visits, made, cancelled, office)
    assert sum(visits for visits, _ in found.days.values()) == len(visits) > 1000
    assert len(day_bounds(period, office)) == period.days
