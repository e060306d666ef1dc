from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.config import load_office
from bot.domain.arguments import Period
from bot.domain.statistics import Facts, compute
from bot.i18n import I18n
from handlers import charts


def test_the_chart_is_a_png() -> None:
    pytest.importorskip("matplotlib")
    office = load_office()
    day = date(2026, 11, 25)
    start = int(datetime(2026, 11, 25, 9, tzinfo=ZoneInfo("Europe/Rome")).timestamp())
    rows = [("cie", "served", start, start - 86400, start, start + 1800)]
    stats = compute(Facts(1, 0, rows), office, Period(day, day))
    assert charts.available()
    assert charts.stats_chart(stats, office, I18n()("it")).startswith(b"\x89PNG\r\n\x1a\n")
