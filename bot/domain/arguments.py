"""What operators type after a command: a day, a stretch of days, a desk (pure).

Days in the forms typed at an Italian counter (`oggi`, `domani`, `3/12`, `03/12/2026`, `3.12.26`)
and ISO (`2026-12-03`); ranges join two days with `-` or `..` (`3/12-5/12`); statistics also take
the last week, month or year (`settimana`, `mese`, `anno`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, timedelta
from zoneinfo import ZoneInfo

from bot.domain.model import Office, local_datetime, to_ts

_RELATIVE = {"oggi": 0, "today": 0, "domani": 1, "tomorrow": 1, "dopodomani": 2,
             "ieri": -1, "yesterday": -1}
_SPANS = {"settimana": 7, "week": 7, "mese": 30, "month": 30, "anno": 365, "year": 365}
"""The last N days, today included."""
_DAY_MONTH = re.compile(r"^(\d{1,2})[/.](\d{1,2})(?:[/.](\d{4}|\d{2}))?$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DIGITS = re.compile(r"\d+")
ALL_DESKS = ("all", "tutti")
YEARS = range(MINYEAR + 1, MAXYEAR)
"""The years a day typed or pressed may be in: the day before and after it always exist."""


@dataclass(frozen=True, slots=True)
class Period:
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def bounds(self, tz: ZoneInfo) -> tuple[int, int]:
        """The instants [start, end) of the period's days in `tz`, Unix seconds."""
        return (to_ts(local_datetime(self.first, 0, tz)),
                to_ts(local_datetime(self.last + timedelta(days=1), 0, tz)))


def _valid(year: int, month: int, day: int) -> date | None:
    if year not in YEARS:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _nearest(day: int, month: int, today: date) -> date | None:
    """`3/12` without a year: the 3 December nearest to today, before or after."""
    found = [d for year in (today.year - 1, today.year, today.year + 1)
             if (d := _valid(year, month, day)) is not None]
    return min(found, key=lambda d: abs((d - today).days), default=None)


def parse_day(text: str, today: date) -> date | None:
    word = text.strip().lower()
    if word in _RELATIVE:
        return today + timedelta(days=_RELATIVE[word])
    match = _DAY_MONTH.match(word)
    if match:
        day, month, year = int(match[1]), int(match[2]), match[3]
        if year is None:
            return _nearest(day, month, today)
        return _valid(int(year) + (2000 if len(year) == 2 else 0), month, day)
    if _ISO.match(word):
        return _valid(int(word[:4]), int(word[5:7]), int(word[8:]))
    return None


def parse_period(text: str, today: date, *, spans: bool = False) -> Period | None:
    """One day, or two joined by `-` or `..`; with `spans`, also the last week, month, year."""
    word = text.strip().lower()
    if spans and word in _SPANS:
        return Period(today - timedelta(days=_SPANS[word] - 1), today)
    single = parse_day(word, today)
    if single is not None:
        return Period(single, single)
    for joint in ("..", "-"):
        for match in re.finditer(re.escape(joint), word):
            first = parse_day(word[:match.start()], today)
            last = parse_day(word[match.end():], today)
            if first is not None and last is not None and first <= last:
                return Period(first, last)
    return None


def find_desk(office: Office, text: str) -> str | None:
    """The desk a code names, in any case, or its number alone (`3` for `S03`)."""
    word = text.strip().lower()
    for code in office.desks:
        if code.lower() == word:
            return code
    if word.isdecimal():  # not isdigit: "²" is a digit that int() refuses
        numbered = [code for code in office.desks
                    if (digits := _DIGITS.findall(code)) and int(digits[-1]) == int(word)]
        if len(numbered) == 1:
            return numbered[0]
    return None


def looks_like_desk(office: Office, text: str) -> bool:
    """Whether `text` is written as this office's desks are (`S99` where desks are `S01`...):
    meant as a desk, even if there is no such desk."""
    word = text.strip().upper()
    prefixes = {code.upper().rstrip("0123456789") for code in office.desks}
    return bool(word) and word[-1].isdecimal() and word.rstrip("0123456789") in prefixes
