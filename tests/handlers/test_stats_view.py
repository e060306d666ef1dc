"""/stats in one message: a month of the whole sample office (25 desks, 13 services with long
names, every figure present) is cut to fit, the lists losing their last lines, never the top."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.config import load_office
from bot.domain.arguments import Period
from bot.domain.booking import Channel
from bot.domain.waiting import VisitTimes
from bot.i18n import I18n
from handlers.agenda_view import units
from handlers.stats_view import BUDGET, stats_message
from tests.figures import MINUTE, at, stats_of, visit

OFFICE = load_office()
FIRST, LAST = date(2026, 10, 1), date(2026, 10, 31)


def busy_month() -> list[VisitTimes]:
    visits = []
    services = list(OFFICE.services.values())
    day, n = FIRST, 0
    while day <= LAST:
        for desk in OFFICE.desks:
            service = next(s for s in services if desk in s.desks)
            for slot in range(3):
                n += 1
                booked = at(day, 9) + slot * service.duration * MINUTE
                started = booked + (n % 13) * MINUTE
                visits.append(visit(
                    booked, desk=desk, service=service.code, minutes=service.duration,
                    arrived=booked - MINUTE, started=started,
                    ended=started + (service.duration + n % 7) * MINUTE,
                    channel=list(Channel)[n % 4]))
        day += timedelta(days=1)
    return visits


@pytest.mark.parametrize("lang", ["it", "en"])
def test_a_busy_month_fits_one_message(lang: str) -> None:
    stats = stats_of(busy_month(), OFFICE, Period(FIRST, LAST))
    text = stats_message(stats, OFFICE, I18n()(lang), "tail")
    assert units(text) <= BUDGET
    if lang == "it":  # English is shorter, and fits whole
        assert "… e altre" in text
    assert text.endswith("\n\ntail")
    waiting, online = text.split("\n\n")[1:3]
    assert len(waiting.splitlines()) == 6  # the whole waiting section
    assert len(online.splitlines()) == 4  # and the online share with its weeks and trend


def test_a_quiet_period_is_not_cut() -> None:
    day = date(2026, 11, 25)
    nine = at(day, 9)
    stats = stats_of([visit(nine, started=nine, ended=nine + 10 * MINUTE)], OFFICE,
                     Period(day, day))
    text = stats_message(stats, OFFICE, I18n()("it"))
    assert "…" not in text
    assert "Oltre il tempo previsto: nessuno (1 appuntamento misurato)." in text
