"""The office TOML and the environment, read into frozen, validated values.

Every mistake raises `ConfigError`, whose text is one line naming the file, the key and the value.
"""

from __future__ import annotations

import itertools
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from bot.model import (
    WEEKDAYS,
    Category,
    Closure,
    Desk,
    Goals,
    Interval,
    Office,
    Reminder,
    Rules,
    Service,
    Text,
)

SAMPLE_NAME = "sample_office.toml"
T = TypeVar("T")
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,23}$", re.IGNORECASE)
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
LARGEST = 100_000
"""No number in the file needs more (100,000 days are 270 years); far larger ones would pass
here and overflow the bot's date arithmetic later."""
LONGEST_SERVICE = 720
"""Minutes: the database refuses a longer booking."""
ZERO_WAIT_MOST = 120
"""Minutes: a longer "attesa zero" would not be one."""


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


def sample_path() -> Path:
    return Path(str(resources.files("bot") / SAMPLE_NAME))


@dataclass(frozen=True)
class _Reader:
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

    def sub(self, name: str, *, required: bool = False) -> _Reader:
        table = self.get(name, dict, None if required else {})
        return _Reader(self.file, table, self.key(name))

    def text(self, name: str) -> Text:
        table = self.sub(name, required=True)
        return Text(it=table.string("it"), en=table.string("en"))

    def string(self, name: str, default: str | None = None) -> str:
        value = self.get(name, str, default)
        if not value.strip() and default is None:
            raise self.fail(name, value, "must not be empty")
        return value

    def tables(self, name: str) -> list[_Reader]:
        """A list of tables (`ranges = [{...}, ...]`), each read with its index in the key."""
        out = []
        for index, entry in enumerate(self.get(name, list, [])):
            key = f"{self.key(name)}[{index}]"
            if not isinstance(entry, dict):
                raise ConfigError(self.file, key, entry, "expected a table")
            out.append(_Reader(self.file, entry, key))
        return out

    def items(self, name: str) -> list[tuple[str, _Reader]]:
        table = self.sub(name, required=True)
        out = []
        for code, body in table.table.items():
            if not _CODE.match(code):
                raise table.fail(code, code, "codes are 1-24 letters, digits, - or _")
            if not isinstance(body, dict):
                raise table.fail(code, body, "expected a table")
            out.append((code, _Reader(self.file, body, table.key(code))))
        if not out:
            raise self.fail(name, Placeholder("<empty>"), "at least one is required")
        return out


_KIND_NAMES = {int: "a whole number", str: "a string", dict: "a table", list: "a list"}


def parse_time(reader: _Reader, name: str, text: str) -> int:
    match = _TIME.match(text.strip())
    hours, minutes = (int(match[1]), int(match[2])) if match else (99, 99)
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        raise reader.fail(name, text, f"impossible time {text!r} (use HH:MM)")
    return hours * 60 + minutes


def parse_intervals(reader: _Reader, name: str) -> tuple[Interval, ...]:
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


def parse_date(reader: _Reader, name: str, value: object) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):  # a TOML date, not a time
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise reader.fail(name, value, "expected a date YYYY-MM-DD")


def _weekly(reader: _Reader, inherited: tuple[tuple[Interval, ...], ...] | None):
    if not reader.table and inherited is not None:
        return inherited
    for day in reader.table:
        if day not in WEEKDAYS:
            raise reader.fail(day, day, f"unknown weekday (use {', '.join(WEEKDAYS)})")
    return tuple(parse_intervals(reader, day) if day in reader.table else () for day in WEEKDAYS)


def _desks(root: _Reader) -> dict[str, Desk]:
    default_hours = root.sub("opening_hours")
    default = _weekly(default_hours, None) if default_hours.table else None
    desks = {}
    for code, body in root.items("desks"):
        hours = body.sub("hours")
        if not hours.table and default is None:
            raise body.fail("hours", Placeholder("<missing>"),
                            "no hours here and no [opening_hours]")
        exceptions_reader = body.sub("exceptions")
        exceptions = {
            parse_date(exceptions_reader, day, day): parse_intervals(exceptions_reader, day)
            for day in exceptions_reader.table
        }
        desks[code] = Desk(
            code=code,
            name=body.string("name", code),
            weekly=_weekly(hours, default),
            exceptions=exceptions,
        )
    return desks


def _services(root: _Reader, desks: Mapping[str, Desk], categories: set[str], step: int):
    services = {}
    for code, body in root.items("services"):
        category = body.string("category")
        if category not in categories:
            raise body.fail("category", category, "unknown category")
        duration = body.positive("duration_minutes", most=LONGEST_SERVICE)
        if duration % step:
            raise body.fail("duration_minutes", duration, f"must be a multiple of {step}")
        desk_codes = body.get("desks", list)
        if not desk_codes:
            raise body.fail("desks", desk_codes, "at least one desk is required")
        for desk in desk_codes:
            if not isinstance(desk, str) or desk not in desks:
                raise body.fail("desks", desk, "unknown desk")
        confirm = body.table.get("confirm_hours_before")
        services[code] = Service(
            code=code,
            category=category,
            name=body.text("name"),
            documents=body.text("documents"),
            duration=duration,
            desks=tuple(desk_codes),
            confirm_hours=None if confirm is None else body.positive("confirm_hours_before"),
        )
    return services


def _rules(reader: _Reader) -> Rules:
    values: dict[str, Any] = {}
    for spec in fields(Rules):
        if spec.name not in reader.table:
            continue
        if spec.name == "timezone":
            zone = reader.string("timezone")
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError, OSError):  # "Europe" is a directory
                raise reader.fail("timezone", zone, "unknown time zone") from None
            values["timezone"] = zone
        else:
            values[spec.name] = reader.positive(spec.name, zero=spec.name == "min_notice_minutes")
    for name in reader.table:
        if name not in {spec.name for spec in fields(Rules)}:
            raise reader.fail(name, reader.table[name], "unknown setting")
    return Rules(**values)


def _closures(reader: _Reader, desks: Mapping[str, Desk]) -> tuple[Closure, ...]:
    closures = [Closure(parse_date(reader, "dates", d), parse_date(reader, "dates", d))
                for d in reader.get("dates", list, [])]
    for item in reader.tables("ranges"):
        first = parse_date(item, "from", item.table.get("from"))
        last = parse_date(item, "to", item.table.get("to"))
        if last < first:
            raise item.fail("to", str(last), "ends before it starts")
        desk = item.table.get("desk")
        if desk is not None and (not isinstance(desk, str) or desk not in desks):
            raise item.fail("desk", desk, "unknown desk")
        closures.append(Closure(first, last, desk, item.string("reason", "")))
    return tuple(closures)


def _reminders(reader: _Reader) -> tuple[Reminder, ...]:
    out = []
    for item in reader.tables("offsets"):
        if "hours_before" in item.table:
            out.append(Reminder(hours_before=item.positive("hours_before")))
        elif "days_before" in item.table:
            at = parse_time(item, "at", item.string("at"))
            out.append(Reminder(days_before=item.positive("days_before"), at=at))
        else:
            raise item.fail("hours_before", Placeholder("<missing>"),
                            "give hours_before, or days_before with at")
    return tuple(out)


def _goals(reader: _Reader) -> Goals:
    for name in reader.table:
        if name not in {spec.name for spec in fields(Goals)}:
            raise reader.fail(name, reader.table[name], "unknown setting")
    target = reader.table.get("online_share_target")
    if target is not None and (isinstance(target, bool) or not isinstance(target, int | float)
                               or not 0 < target <= 1):
        raise reader.fail("online_share_target", target,
                          "expected a share above 0 and at most 1 (0.2 for 20%)")
    return Goals(zero_wait_minutes=reader.positive("zero_wait_minutes", Goals().zero_wait_minutes,
                                                   zero=True, most=ZERO_WAIT_MOST),
                 online_share_target=None if target is None else float(target))


DEFAULT_REMINDERS = (Reminder(days_before=1, at=18 * 60), Reminder(hours_before=2))


def parse_office(data: Mapping[str, Any], file: str) -> Office:
    root = _Reader(file, data)
    office = root.sub("office", required=True)
    rules = _rules(root.sub("rules"))
    categories = tuple(Category(code, body.text("name")) for code, body in root.items("categories"))
    desks = _desks(root)
    services = _services(root, desks, {c.code for c in categories}, rules.slot_step_minutes)
    country = office.string("holidays_country", "IT")
    subdivision = office.table.get("holidays_subdivision")
    supported = holidays.list_supported_countries()
    if country not in supported:
        raise office.fail("holidays_country", country, "unknown country")
    if subdivision is not None and subdivision not in supported[country]:
        raise office.fail("holidays_subdivision", subdivision, f"unknown subdivision of {country}")
    public = holidays.country_holidays(country, subdiv=subdivision)
    reminders = root.sub("reminders")
    admins = root.get("admins", list, [])
    if not all(isinstance(a, int) and not isinstance(a, bool) for a in admins):
        raise root.fail("admins", admins, "expected a list of Telegram user ids")
    return Office(
        name=office.string("name"),
        address=office.string("address"),
        data_controller=office.string("data_controller"),
        categories=categories,
        services=services,
        desks=desks,
        closures=_closures(root.sub("closures"), desks),
        holidays=public,
        rules=rules,
        reminders=_reminders(reminders) if "offsets" in reminders.table else DEFAULT_REMINDERS,
        waitlist_offer_minutes=root.sub("waitlist").positive("offer_minutes", 30),
        admins=tuple(admins),
        goals=_goals(root.sub("stats")),
    )


def _syntax_error(file: str, text: str, error: tomllib.TOMLDecodeError) -> ConfigError:
    found = re.search(r"line (\d+)", str(error))
    lines = text.splitlines()
    if found and 0 < int(found[1]) <= len(lines):
        line = int(found[1])
        return ConfigError(file, f"line {line}", lines[line - 1].strip(),
                           f"TOML syntax error: {error}")
    return ConfigError(file, "<syntax>", Placeholder("<toml>"), f"TOML syntax error: {error}")


def load_office(path: str | Path | None = None) -> Office:
    file = Path(path) if path else sample_path()
    name = str(file)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise ConfigError(name, "<file>", Placeholder("<missing>"), "file not found") from None
    except OSError as error:
        raise ConfigError(name, "<file>", Placeholder("<unreadable>"),
                          error.strerror or "cannot read") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(name, "<file>", Placeholder("<bytes>"), "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise _syntax_error(name, raw.decode("utf-8"), error) from None
    return parse_office(data, name)


@dataclass(frozen=True)
class Settings:
    """What the process reads from its environment."""

    token: str | None
    config_path: Path | None
    db_path: Path
    api_base_url: str | None
    admins: tuple[int, ...]
    log_level: str

    def __repr__(self) -> str:  # the token never reaches a log line
        return f"Settings(config={self.config_path}, db={self.db_path}, admins={self.admins})"


def read_settings(environ: Mapping[str, str] = os.environ) -> Settings:
    admins_text = environ.get("SPORTELLO_ADMINS", "")
    try:
        admins = tuple(int(a) for a in admins_text.replace(",", " ").split())
    except ValueError:
        raise ConfigError("<environment>", "SPORTELLO_ADMINS", admins_text,
                          "expected Telegram user ids separated by commas") from None
    config = environ.get("SPORTELLO_CONFIG")
    return Settings(
        token=environ.get("TELEGRAM_BOT_TOKEN") or None,
        config_path=Path(config) if config else None,
        db_path=Path(environ.get("SPORTELLO_DB", "sportello.db")),
        api_base_url=environ.get("TELEGRAM_API_BASE_URL") or None,
        admins=admins,
        log_level=environ.get("SPORTELLO_LOG_LEVEL", "INFO").upper(),
    )
