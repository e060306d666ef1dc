"""The office TOML: the sample loads and is summarised; each mistake is one line, no traceback."""

from __future__ import annotations

import copy
import sys
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cli import EXIT_CONFIG, main, summary
from bot.config import load_office, parse_office, sample_path
from bot.config_reader import ConfigError
from bot.domain.model import Goals, Office
from bot.settings import read_settings

SAMPLE = sample_path().read_text(encoding="utf-8")

MISTAKES = {
    # name: (text in the sample, replaced by, key, value as quoted, problem)
    "syntax": ("[rules]", "[rules", "line 18", "'[rules'", "TOML syntax error: Expected ']'"),
    "unknown desk": ('desks = ["S17", "S18"]', 'desks = ["S17", "S99"]',
                     "services.matrimonio.desks", "'S99'", "unknown desk"),
    "impossible time": ('sat = ["08:30-12:30"]', 'sat = ["08:30-25:99"]',
                        "opening_hours.sat", "'25:99'", "impossible time '25:99' (use HH:MM)"),
    "overlapping intervals": ('tue = ["08:30-13:00", "15:00-17:30"]',
                              'tue = ["08:30-13:00", "12:00-17:30"]', "opening_hours.tue",
                              "['08:30-13:00', '12:00-17:30']", "overlapping intervals"),
    "zero duration": ("duration_minutes = 40", "duration_minutes = 0",
                      "services.matrimonio.duration_minutes", "0", "must be greater than zero"),
    "negative duration": ("duration_minutes = 40", "duration_minutes = -10",
                          "services.matrimonio.duration_minutes", "-10",
                          "must be greater than zero"),
    "duration off the step": ("duration_minutes = 40", "duration_minutes = 45",
                              "services.matrimonio.duration_minutes", "45",
                              "must be a multiple of 10"),
    "unknown category": ('[services.ztl]\ncategory = "mobilita"',
                         '[services.ztl]\ncategory = "trasporti"',
                         "services.ztl.category", "'trasporti'", "unknown category"),
    "unknown time zone": ('timezone = "Europe/Rome"', 'timezone = "Europe/Arezzo"',
                          "rules.timezone", "'Europe/Arezzo'", "unknown time zone"),
    "horizon past the calendar": ("horizon_days = 60", "horizon_days = 9000000000",
                                  "rules.horizon_days", "9000000000", "at most 100000"),
    "reminder past the calendar": ("days_before = 1", "days_before = 9000000000",
                                   "reminders.offsets[0].days_before", "9000000000",
                                   "at most 100000"),
    "longer than a booking may be": ("duration_minutes = 40", "duration_minutes = 730",
                                     "services.matrimonio.duration_minutes", "730",
                                     "at most 720"),
    "time zone that is a region": ('timezone = "Europe/Rome"', 'timezone = "Europe"',
                                   "rules.timezone", "'Europe'", "unknown time zone"),
    "bad closure date": ('"2026-12-31"]', '"2026-12-32"]', "closures.dates", "'2026-12-32'",
                         "expected a date YYYY-MM-DD"),
    "bad closure range": ('{ from = "2027-08-16"', '{ from = "2027-02-30"',
                          "closures.ranges[0].from", "'2027-02-30'",
                          "expected a date YYYY-MM-DD"),
    "closure at a time": ('"2026-12-31"]', "2026-12-31T10:00:00]", "closures.dates",
                          "2026-12-31 10:00:00", "expected a date YYYY-MM-DD"),
    "bad exception date": ('exceptions."2026-12-23"', 'exceptions."2026-13-23"',
                           "desks.S06.exceptions.2026-13-23", "'2026-13-23'",
                           "expected a date YYYY-MM-DD"),
    "desk hours overlap": ('hours.mon = ["08:30-13:00"]',
                           'hours.mon = ["08:30-13:00", "12:59-14:00"]',
                           "desks.S17.hours.mon", "['08:30-13:00', '12:59-14:00']",
                           "overlapping intervals"),
    "desk that is a table": ('desks = ["S17", "S18"]', 'desks = ["S17", { code = "S18" }]',
                             "services.matrimonio.desks", "{'code': 'S18'}", "unknown desk"),
    "online target in percent": ("online_share_target = 0.2", "online_share_target = 20",
                                 "stats.online_share_target", "20",
                                 "expected a share above 0 and at most 1 (0.2 for 20%)"),
    "online target as text": ("online_share_target = 0.2", 'online_share_target = "20%"',
                              "stats.online_share_target", "'20%'",
                              "expected a share above 0 and at most 1 (0.2 for 20%)"),
    "online target of nothing": ("online_share_target = 0.2", "online_share_target = 0",
                                 "stats.online_share_target", "0",
                                 "expected a share above 0 and at most 1 (0.2 for 20%)"),
    "negative zero wait": ("zero_wait_minutes = 5", "zero_wait_minutes = -5",
                           "stats.zero_wait_minutes", "-5", "negative"),
    "zero wait of hours": ("zero_wait_minutes = 5", "zero_wait_minutes = 600",
                           "stats.zero_wait_minutes", "600", "at most 120"),
    "zero wait in words": ("zero_wait_minutes = 5", 'zero_wait_minutes = "cinque"',
                           "stats.zero_wait_minutes", "'cinque'", "expected a whole number"),
    "unknown stats setting": ("zero_wait_minutes = 5", "zero_wait = 5",
                              "stats.zero_wait", "5", "unknown setting"),
}


def broken(tmp_path: Path, old: str, new: str) -> Path:
    assert old in SAMPLE
    path = tmp_path / "office.toml"
    path.write_text(SAMPLE.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "key", "value", "problem"), MISTAKES.values(),
                         ids=MISTAKES.keys())
def test_each_mistake_is_one_line_naming_file_key_and_value(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, key: str,
        value: str, problem: str) -> None:
    path = broken(tmp_path, old, new)
    with pytest.raises(ConfigError) as raised:
        load_office(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: {key} = {value}: {problem}")
    assert message.splitlines() == [message]
    assert main(["check-config", str(path)]) == EXIT_CONFIG
    assert capsys.readouterr() == ("", message + "\n")


def test_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "nowhere.toml"
    assert main(["check-config", str(path)]) == EXIT_CONFIG
    assert capsys.readouterr() == ("", f"{path}: <file> = <missing>: file not found\n")


def test_sportello_database_url_chooses_postgresql_and_its_password_stays_out_of_logs() -> None:
    url = "postgresql://sportello:s3cret@db.comune.example/sportello"
    settings = read_settings({"SPORTELLO_DATABASE_URL": url, "SPORTELLO_DB": "x.db"})
    assert settings.database == url
    assert "s3cret" not in repr(settings)
    assert "postgresql://sportello:***@db.comune.example/sportello" in repr(settings)
    assert read_settings({"SPORTELLO_DB": "x.db"}).database == Path("x.db")


def test_a_database_url_that_is_not_postgresql_is_one_line() -> None:
    with pytest.raises(ConfigError) as refused:
        read_settings({"SPORTELLO_DATABASE_URL": "mysql://root:s3cret@localhost/sportello"})
    assert str(refused.value) == (
        "<environment>: SPORTELLO_DATABASE_URL = 'mysql://root:***@localhost/sportello': "
        "expected postgresql://user:password@host/database")


def test_postgresql_without_its_driver_is_one_line(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if the postgres extra were missing
    monkeypatch.delitem(sys.modules, "storage.postgres", raising=False)
    monkeypatch.setenv("SPORTELLO_DATABASE_URL", "postgresql:///sportello")
    assert main(["invite", "--bot-username", "sportello_bot"]) == EXIT_CONFIG
    assert capsys.readouterr().err == (
        "PostgreSQL needs psycopg: pip install 'sportello-bot[postgres]'\n")


def test_check_config_reads_sportello_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = broken(tmp_path, "duration_minutes = 40", "duration_minutes = 0")
    monkeypatch.setenv("SPORTELLO_CONFIG", str(path))
    assert main(["check-config"]) == EXIT_CONFIG
    assert capsys.readouterr().err.startswith(f"{path}: services.matrimonio.duration_minutes = 0")


def test_the_sample_loads(office: Office, tmp_path: Path) -> None:
    assert len(office.desks) == 25
    assert len(office.services) == 13
    assert office.services["matrimonio"].desks == ("S17", "S18")
    assert office.desks["S18"].hours_on(date(2026, 3, 2)) == ()  # a Monday
    assert office.rules.tz.key == "Europe/Rome"
    assert "Donatus" in office.holidays[date(2026, 8, 7)]  # Arezzo's patron saint
    elsewhere = load_office(broken(tmp_path, 'holidays_subdivision = "AR"', ""))
    assert date(2026, 8, 7) not in elsewhere.holidays  # the province brings it
    assert office.goals == Goals(zero_wait_minutes=5, online_share_target=0.2)
    no_goals = broken(tmp_path, "online_share_target = 0.2", "")
    assert load_office(no_goals).goals == Goals(zero_wait_minutes=5, online_share_target=None)


def test_check_config_summarises_the_sample(office: Office,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-config"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.splitlines()[:4] == [
        "Sportello Unico — Comune di Arezzo",
        "services: 13 in 4 categories",
        "desks: 25, 752 bookable hours a week",
        "next closures:",
    ]
    assert len(out.splitlines()) == 9
    assert main(["check-config", str(sample_path())]) == 0
    assert capsys.readouterr().out == out


def test_the_summary_lists_the_next_closures(office: Office) -> None:
    """Public holidays with the province's patron saint, and the configured dates."""
    august = summary(office, date(2026, 8, 1)).splitlines()
    assert august[4].startswith("  2026-08-07  Saint Donatus")
    december = summary(office, date(2026, 12, 1)).splitlines()[3:]
    assert december == ["next closures:", "  2026-12-08  Immaculate Conception",
                        "  2026-12-24  closed", "  2026-12-25  Christmas Day",
                        "  2026-12-26  Saint Stephen's Day", "  2026-12-31  closed"]


def key_paths(node: object, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key and list index in the parsed sample, as a path from the root."""
    children = node.items() if isinstance(node, dict) else (
        enumerate(node) if isinstance(node, list) else ())
    return [path for key, child in children
            for path in [(*prefix, key), *key_paths(child, (*prefix, key))]]


PARSED = tomllib.loads(SAMPLE)
TOML_VALUES = st.recursive(
    st.booleans() | st.integers(-2, 10**6) | st.floats(allow_nan=False)
    | st.sampled_from(["", "S01", "25:99", "08:30-13:00", "2026-02-30", "it", "Europe/Rome"])
    | st.text(max_size=4) | st.dates() | st.datetimes() | st.times(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                max_size=3),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(path=st.sampled_from(key_paths(PARSED)), value=st.none() | TOML_VALUES)
def test_any_value_anywhere_loads_or_is_one_line(path: tuple[Any, ...], value: object) -> None:
    """A value of any TOML type at any key (None deletes the key): never a traceback."""
    data = copy.deepcopy(PARSED)
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    if value is None:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    message = problem_with(data)
    assert message is None or (message.startswith("office.toml: ")
                               and message.splitlines() == [message])


def problem_with(data: dict[str, Any]) -> str | None:
    try:
        parse_office(data, "office.toml")
    except ConfigError as error:
        return str(error)
    return None



@pytest.mark.parametrize(("key", "value", "problem"), [
    ("phone", "12", "not a valid phone number"),
    ("phone", "call us", "not a valid phone number"),
    ("email", "sportello@", "not a valid e-mail address"),
    ("pec", "pec at comune", "not a valid e-mail address"),
])
def test_contacts_are_checked(key: str, value: str, problem: str) -> None:
    data = tomllib.loads(sample_path().read_text(encoding="utf-8"))
    data["office"][key] = value
    with pytest.raises(ConfigError) as raised:
        parse_office(data, "office.toml")
    assert str(raised.value) == f"office.toml: office.{key} = {value!r}: {problem}"


def test_contacts_are_kept_in_a_standard_form() -> None:
    contacts = load_office().contacts
    assert contacts.phone == "+39 0575 3770"
    assert contacts.email == "sportellounico@comune.arezzo.it"
