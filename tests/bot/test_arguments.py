from datetime import date

import pytest

from bot.config import load_office
from bot.domain.arguments import Period, find_desk, parse_day, parse_period

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(("text", "expected"), [
    ("oggi", TODAY), ("Today", TODAY), ("domani", date(2026, 11, 27)),
    ("tomorrow", date(2026, 11, 27)), ("ieri", date(2026, 11, 25)),
    ("3/12", date(2026, 12, 3)), ("03/12", date(2026, 12, 3)), ("3.12", date(2026, 12, 3)),
    ("03/12/2026", date(2026, 12, 3)), ("3/12/26", date(2026, 12, 3)),
    ("2026-12-03", date(2026, 12, 3)), (" 2026-12-03 ", date(2026, 12, 3)),
    ("5/1", date(2027, 1, 5)),      # January is nearer next year
    ("20/6", date(2026, 6, 20)),    # June is nearer this year, already past
])
def test_days_as_typed_at_an_italian_counter(text: str, expected: date) -> None:
    assert parse_day(text, TODAY) == expected


@pytest.mark.parametrize("text", ["", "31/02", "32/1", "3/13", "2026-13-01", "3/12/202",
                                  "dopo", "12", "2026-1-3",
                                  "29/2"])  # no 29 February within a year of today
def test_what_is_not_a_day(text: str) -> None:
    assert parse_day(text, TODAY) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("3/12", Period(date(2026, 12, 3), date(2026, 12, 3))),
    ("3/12-5/12", Period(date(2026, 12, 3), date(2026, 12, 5))),
    ("3/12..5/12", Period(date(2026, 12, 3), date(2026, 12, 5))),
    ("2026-12-03-2026-12-05", Period(date(2026, 12, 3), date(2026, 12, 5))),
    ("28/12-3/1", Period(date(2026, 12, 28), date(2027, 1, 3))),
    ("oggi-domani", Period(TODAY, date(2026, 11, 27))),
])
def test_periods(text: str, expected: Period) -> None:
    assert parse_period(text, TODAY) == expected


def test_spans_only_where_asked() -> None:
    assert parse_period("settimana", TODAY) is None
    assert parse_period("settimana", TODAY, spans=True) == Period(date(2026, 11, 20), TODAY)
    assert parse_period("anno", TODAY, spans=True).days == 365  # type: ignore[union-attr]
    assert parse_period("5/12-3/12", TODAY) is None


def test_bounds_follow_daylight_saving() -> None:
    from zoneinfo import ZoneInfo

    start, end = Period(date(2026, 10, 25), date(2026, 10, 25)).bounds(ZoneInfo("Europe/Rome"))
    assert end - start == 25 * 3600  # the day the clocks go back


def test_desks_by_code_or_number() -> None:
    office = load_office()
    assert find_desk(office, "S03") == "S03"
    assert find_desk(office, "s03") == "S03"
    assert find_desk(office, "3") == "S03"
    assert find_desk(office, "25") == "S25"
    assert find_desk(office, "26") is None
    assert find_desk(office, "Sportello") is None
