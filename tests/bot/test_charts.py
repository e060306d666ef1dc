from datetime import date

from bot.config import load_office
from bot.domain.arguments import Period
from bot.domain.booking import Channel
from bot.i18n import I18n
from handlers import charts
from tests.figures import at, stats_of, visit


def test_the_chart_is_a_png() -> None:
    """matplotlib is installed wherever the tests run (the `charts` extra): this never skips."""
    office = load_office()
    first, last = date(2026, 11, 23), date(2026, 12, 6)
    visits = [visit(at(first, 9), arrived=at(first, 8, 55), started=at(first, 9, 4),
                    ended=at(first, 9, 15)),
              visit(at(last, 9), started=at(last, 9, 1), ended=at(last, 9, 8),
                    channel=Channel.PHONE)]
    stats = stats_of(visits, office, Period(first, last))
    assert charts.available()
    for lang in ("it", "en"):
        assert charts.stats_chart(stats, office, I18n()(lang)).startswith(b"\x89PNG\r\n\x1a\n")


def test_the_chart_of_a_period_with_nothing_measured() -> None:
    office = load_office()
    day = date(2026, 11, 25)
    stats = stats_of([], office, Period(day, day))
    assert charts.stats_chart(stats, office, I18n()("it")).startswith(b"\x89PNG")
