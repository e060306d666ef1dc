"""The `sportello` command line."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

from bot import console, invites, logs, runner
from bot.config import ConfigError, Settings, load_office, read_settings
from bot.model import Office
from storage.audit import COMMAND_LINE
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


def run(args: argparse.Namespace) -> int:
    settings = read_settings()
    if not settings.token:
        print("TELEGRAM_BOT_TOKEN is not set: the bot cannot reach Telegram. "
              "To try it offline, run: sportello console", file=sys.stderr)
        return 2
    logs.configure(settings.log_level, settings.token)
    office = load_office(settings.config_path)
    asyncio.run(runner.serve(settings, with_admins(office, settings)))
    return 0


def serve(args: argparse.Namespace) -> int:
    from bot import serving  # uvicorn and starlette are loaded for this command only

    return serving.serve(args)


def console_command(args: argparse.Namespace) -> int:
    settings = read_settings()
    logs.configure("WARNING", None)
    office = with_admins(load_office(settings.config_path), settings)
    asyncio.run(console.chat(office, args.db or settings.db_path, args.user, args.language))
    return 0


def default(args: argparse.Namespace) -> int:
    """No command: the bot for real when a token is set, otherwise the console."""
    if read_settings().token:
        return run(args)
    print("TELEGRAM_BOT_TOKEN is not set: starting the offline console.", file=sys.stderr)
    return console_command(args)


def invite(args: argparse.Namespace) -> int:
    """A single-use link that registers whoever opens it first as an operator."""
    username = (args.bot_username or os.environ.get("SPORTELLO_BOT_USERNAME", "")).lstrip("@")
    if not username:
        print("The link needs the bot's username: give --bot-username or set "
              "SPORTELLO_BOT_USERNAME.", file=sys.stderr)
        return 2

    settings = read_settings()
    tz = load_office(settings.config_path).tz

    async def create() -> tuple[str, datetime]:
        db = await Database.open(args.db or settings.db_path)
        try:
            return await invites.create(db, COMMAND_LINE, datetime.now(tz))
        finally:
            await db.close()

    token, expires = asyncio.run(create())
    print(invites.link(username, token))
    print(f"single use, valid until {expires.isoformat(timespec='minutes')}")
    return 0


def with_admins(office: Office, settings: Settings) -> Office:
    return replace(office, admins=tuple(dict.fromkeys((*office.admins, *settings.admins))))


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="sportello", description=__doc__)
    root.set_defaults(handler=default, user=1, language="it", db=None)
    commands = root.add_subparsers(dest="command")
    commands.add_parser("run", help="run the bot on Telegram (needs TELEGRAM_BOT_TOKEN)"
                        ).set_defaults(handler=run)
    web = commands.add_parser("serve", help="run the bot behind a webhook, in N worker "
                              "processes (needs TELEGRAM_BOT_TOKEN and SPORTELLO_WEBHOOK_URL)")
    web.add_argument("--workers", type=int, help="worker processes (default: "
                     "$SPORTELLO_WORKERS, else 1)")
    web.add_argument("--host", help="address to listen on (default: $SPORTELLO_HOST, "
                     "else 127.0.0.1)")
    web.add_argument("--port", type=int, help="port to listen on (default: $SPORTELLO_PORT, "
                     "else 8080)")
    web.set_defaults(handler=serve)
    chat = commands.add_parser("console", help="talk to the bot offline, in this terminal")
    chat.add_argument("--user", type=int, default=1, help="your Telegram user id (default 1)")
    chat.add_argument("--language", default="it", help="your client's language (default it)")
    chat.add_argument("--db", type=Path, help="database file (default: $SPORTELLO_DB)")
    chat.set_defaults(handler=console_command)
    check = commands.add_parser("check-config", help="validate an office TOML and summarise it")
    check.add_argument("file", nargs="?", type=Path,
                       help="the TOML file (default: $SPORTELLO_CONFIG, else the sample)")
    check.set_defaults(handler=check_config)
    copy = commands.add_parser("backup", help="write a consistent copy of the live database")
    copy.add_argument("path", type=Path)
    copy.set_defaults(handler=backup)
    link = commands.add_parser("invite", help="print a single-use link that registers an operator")
    link.add_argument("--bot-username", help="the bot's username (default: "
                      "$SPORTELLO_BOT_USERNAME)")
    link.add_argument("--db", type=Path, help="database file (default: $SPORTELLO_DB)")
    link.set_defaults(handler=invite)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.handler(args)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
