"""The `sportello` command line."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

from bot.config import ConfigError, load_office, read_settings
from bot.model import Office
from storage.db import Database


def weekly_hours(office: Office) -> float:
    return sum(i.minutes for d in office.desks.values() for day in d.weekly for i in day) / 60


def next_closures(office: Office, today: date, count: int = 5) -> list[tuple[date, str]]:
    found: dict[date, str] = {}
    for offset in range(366):
        day = today + timedelta(days=offset)
        if day in office.holidays:
            found[day] = office.holidays[day]
        for closure in office.closures:
            if closure.desk is None and closure.covers(day):
                found.setdefault(day, closure.reason or "closed")
        if len(found) >= count:
            break
    return sorted(found.items())[:count]


def summary(office: Office, today: date) -> str:
    lines = [
        office.name,
        f"services: {len(office.services)} in {len(office.categories)} categories",
        f"desks: {len(office.desks)}, {weekly_hours(office):g} bookable hours a week",
        "next closures:",
    ]
    lines += [f"  {day.isoformat()}  {why}" for day, why in next_closures(office, today)]
    return "\n".join(lines)


def check_config(args: argparse.Namespace) -> int:
    office = load_office(args.file or read_settings().config_path)
    print(summary(office, datetime.now(office.tz).date()))
    return 0


def backup(args: argparse.Namespace) -> int:
    async def copy() -> None:
        db = await Database.open(read_settings().db_path)
        try:
            await db.backup(args.path)
        finally:
            await db.close()

    asyncio.run(copy())
    print(f"backup written to {args.path}")
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="sportello", description=__doc__)
    commands = root.add_subparsers(dest="command")
    check = commands.add_parser("check-config", help="validate an office TOML and summarise it")
    check.add_argument("file", nargs="?", type=Path,
                       help="the TOML file (default: $SPORTELLO_CONFIG, else the sample)")
    check.set_defaults(handler=check_config)
    copy = commands.add_parser("backup", help="write a consistent copy of the live database")
    copy.add_argument("path", type=Path)
    copy.set_defaults(handler=backup)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not hasattr(args, "handler"):
        parser().print_help()
        return 2
    try:
        return args.handler(args)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
