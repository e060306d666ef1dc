"""Reading the office TOML: typed access to its tables and the values several sections share
(times, hours, dates), each mistake a `ConfigError` naming the file, the key and the value."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from bot.domain.model import (
    Interval,
    Text,
)

T = TypeVar("T")
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,23}$", re.IGNORECASE)
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
LARGEST = 100_000
"""No number in the file needs more (100,000 days are 270 years); far larger ones would pass
here and overflow the bot's date arithmetic later."""


class Placeholder(str):
    """Stands where there is no value to quote (a missing key, a syntax error)."""


class ConfigError(Exception):
    def __init__(self, file: str, key: str, value: object, problem: str) -> None:
        self.file, self.key, self.value, self.problem = file, key, value, problem
        super().__init__(f"{_printable(file)}: {_printable(key)} = {_show(value)}: {problem}")


def _printable(text: str) -> str:
    """`text` kept on one line: a TOML key may hold any character, even a line break."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _show(value: object) -> str:
    if isinstance(value, Placeholder):
        return str(value)
    text = repr(value) if isinstance(value, str) else str(value)
    text = text.replace("\n", " ")
    return text if len(text) <= 80 else text[:77] + "..."


@dataclass(frozen=True)
class Reader:
    """Typed access to a TOML table that knows the file and the key path for error messages."""

    file: str
    table: Mapping[str, Any]
    path: str = ""

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def fail(self, name: str, value: object, problem: str) -> ConfigError:
        return ConfigError(self.file, self.key(name), value, problem)

    def get(self, name: str, kind: type[T], default: T | None = None) -> T:
        if name not in self.table:
            if default is None:
                raise self.fail(name, Placeholder("<missing>"), "required")
            return default
        value = self.table[name]
        if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
            raise self.fail(name, value, f"expected {_KIND_NAMES.get(kind, kind.__name__)}")
        return value

    def positive(self, name: str, default: int | None = None, *, zero: bool = False,
                 most: int = LARGEST) -> int:
        value = self.get(name, int, default)
        if value < 0 or (value == 0 and not zero):
            raise self.fail(name, value, "must be greater than zero" if not zero else "negative")
        if value > most:
            raise self.fail(name, value, f"at most {most}")
        return value

    def sub(self, name: str, *, required: bool = False) -> Reader:
        table = self.get(name, dict, None if required else {})
        return Reader(self.file, table, self.key(name))

    def text(self, name: str) -> Text:
        table = self.sub(name, required=True)
        return Text(it=table.string("it"), en=table.string("en"))

    def string(self, name: str, default: str | None = None) -> str:
        value = self.get(name, str, default)
        if not value.strip() and default is None:
            raise self.fail(name, value, "must not be empty")
        return value

    def tables(self, name: str) -> list[Reader]:
        """A list of tables (`ranges = [{...}, ...]`), each read with its index in the key."""
        out = []
        for index, entry in enumerate(self.get(name, list, [])):
            key = f"{self.key(name)}[{index}]"
            if not isinstance(entry, dict):
                raise ConfigError(self.file, key, entry, "expected a table")
            out.append(Reader(self.file, entry, key))
        return out

    def items(self, name: str) -> list[tuple[str, Reader]]:
        table = self.sub(name, required=True)
        out = []
        for code, body in table.table.items():
            if not _CODE.match(code):
                raise table.fail(code, code, "codes are 1-24 letters, digits, - or _")
            if not isinstance(body, dict):
                raise table.fail(code, body, "expected a table")
            out.append((code, Reader(self.file, body, table.key(code))))
        if not out:
            raise self.fail(name, Placeholder("<empty>"), "at least one is required")
        return out


_KIND_NAMES = {int: "a whole number", str: "a string", dict: "a table", list: "a list"}


def parse_time(reader: Reader, name: str, text: str) -> int:
    match = _TIME.match(text.strip())
    hours, minutes = (int(match[1]), int(match[2])) if match else (99, 99)
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        raise reader.fail(name, text, f"impossible time {text!r} (use HH:MM)")
    return hours * 60 + minutes


def parse_intervals(reader: Reader, name: str) -> tuple[Interval, ...]:
    spans = reader.get(name, list)
    out: list[Interval] = []
    for span in spans:
        if not isinstance(span, str) or span.count("-") != 1:
            raise reader.fail(name, span, "expected \"HH:MM-HH:MM\"")
        start_text, end_text = span.split("-")
        start, end = parse_time(reader, name, start_text), parse_time(reader, name, end_text)
        if end <= start:
            raise reader.fail(name, span, "the interval ends before it starts")
        out.append(Interval(start, end))
    out.sort(key=lambda i: i.start)
    for before, after in itertools.pairwise(out):
        if after.start < before.end:
            raise reader.fail(name, spans, "overlapping intervals")
    return tuple(out)


def parse_date(reader: Reader, name: str, value: object) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):  # a TOML date, not a time
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise reader.fail(name, value, "expected a date YYYY-MM-DD")
