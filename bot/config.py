"""The office TOML, read into frozen, validated values (the environment: bot/settings.py).

Every mistake raises `ConfigError`, whose text is one line naming the file, the key and the value.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import fields
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
import phonenumbers
from email_validator import EmailNotValidError, validate_email

from bot.config_reader import (
    ConfigError,
    Placeholder,
    Reader,
    parse_date,
    parse_intervals,
    parse_time,
)
from bot.domain.model import (
    LANGUAGES,
    WEEKDAYS,
    Category,
    Closure,
    Contacts,
    Desk,
    Goals,
    Interval,
    Office,
    Reminder,
    Rules,
    Service,
)

SAMPLE_NAME = "sample_office.toml"
LONGEST_SERVICE = 720
"""Minutes: the database refuses a longer booking."""
ZERO_WAIT_MOST = 120
"""Minutes: a longer "attesa zero" would not be one."""


def sample_path() -> Path:
    return Path(str(resources.files("bot") / SAMPLE_NAME))


def _weekly(reader: Reader, inherited: tuple[tuple[Interval, ...], ...] | None
            ) -> tuple[tuple[Interval, ...], ...]:
    if not reader.table and inherited is not None:
        return inherited
    for day in reader.table:
        if day not in WEEKDAYS:
            raise reader.fail(day, day, f"unknown weekday (use {', '.join(WEEKDAYS)})")
    return tuple(parse_intervals(reader, day) if day in reader.table else () for day in WEEKDAYS)


def _desks(root: Reader) -> dict[str, Desk]:
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


def _services(root: Reader, desks: Mapping[str, Desk], categories: set[str],
              step: int) -> dict[str, Service]:
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


def _rules(reader: Reader) -> Rules:
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
            values[spec.name] = reader.positive(
                spec.name, zero=spec.name in ("min_notice_minutes", "no_show_grace_minutes"))
    for name in reader.table:
        if name not in {spec.name for spec in fields(Rules)}:
            raise reader.fail(name, reader.table[name], "unknown setting")
    return Rules(**values)


def _closures(reader: Reader, desks: Mapping[str, Desk]) -> tuple[Closure, ...]:
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


def _reminders(reader: Reader) -> tuple[Reminder, ...]:
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


def _goals(reader: Reader) -> Goals:
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


def _phone(reader: Reader, name: str) -> str | None:
    """An Italian or international number, kept in the international form (+39 0575 377...)."""
    if name not in reader.table:
        return None
    text = reader.string(name)
    try:
        number = phonenumbers.parse(text, "IT")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise reader.fail(name, text, "not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _email(reader: Reader, name: str) -> str | None:
    if name not in reader.table:
        return None
    text = reader.string(name)
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        raise reader.fail(name, text, "not a valid e-mail address") from None


def _contacts(office: Reader) -> Contacts:
    return Contacts(phone=_phone(office, "phone"), email=_email(office, "email"),
                    pec=_email(office, "pec"), dpo_email=_email(office, "dpo_email"))


def parse_office(data: Mapping[str, Any], file: str) -> Office:
    root = Reader(file, data)
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
    spoken = public.supported_languages
    names = {lang: holidays.country_holidays(country, subdiv=subdivision, language=code)
             for lang in LANGUAGES
             for code in [next((c for c in spoken if c.split("_")[0] == lang), None)] if code}
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
        holiday_names=names,
        rules=rules,
        reminders=_reminders(reminders) if "offsets" in reminders.table else DEFAULT_REMINDERS,
        waitlist_offer_minutes=root.sub("waitlist").positive("offer_minutes", 30),
        admins=tuple(admins),
        goals=_goals(root.sub("stats")),
        contacts=_contacts(office),
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
