"""The `sportello` command line."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

from bot import console, logs, runner
from bot.config import load_office
from bot.config_reader import ConfigError
from bot.domain.model import Office
from bot.services import invites
from bot.settings import Settings, read_settings
from storage.audit import COMMAND_LINE
from storage.db import Database, EngineMissing, is_url, require_postgres
from storage.sqlite import SqliteDatabase

EXIT_OK = 0
EXIT_CRASH = 1
"""An unexpected error: its traceback is printed (the token replaced)."""
EXIT_UNREACHABLE = 69
"""Stopped (SIGTERM, Ctrl-C) before the Bot API ever answered (EX_UNAVAILABLE)."""
EXIT_TOKEN_REFUSED = 77
"""The Bot API refused the token, at start or later (EX_NOPERM)."""
EXIT_CONFIG = 78
"""A setting is missing or wrong: the office file or the environment (EX_CONFIG)."""
EXIT_INTERRUPTED = 130
"""Ctrl-C while starting, before the bot could stop cleanly by itself."""


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
    settings = read_settings()
    if settings.database_url:
        print("The database is PostgreSQL (SPORTELLO_DATABASE_URL): back it up with pg_dump.",
              file=sys.stderr)
        return 2

    async def copy() -> None:
        db = await SqliteDatabase.open(settings.db_path)
        try:
            await db.backup(args.path)
        finally:
            await db.close()

    asyncio.run(copy())
    print(f"backup written to {args.path}")
    return 0


def say(line: str) -> None:
    """One line on stderr, in one write: a log line of another thread cannot split it."""
    sys.stderr.write(f"{line}\n")
    sys.stderr.flush()


def run(args: argparse.Namespace) -> int:
    """Until stopped; every way it can fail is one line and an exit code of its own, and an
    unexpected crash a traceback, never with the token in it (bot/logs.py)."""
    settings = read_settings()
    if not settings.token:
        print("TELEGRAM_BOT_TOKEN is not set: the bot cannot reach Telegram. "
              "To try it offline, run: sportello console", file=sys.stderr)
        return EXIT_CONFIG
    with logs.protected(settings.token):
        logs.configure(settings.log_level, settings.token)
        office = load_office(settings.config_path)
        where = runner.api_address(settings)
        try:
            asyncio.run(runner.serve(settings, with_admins(office, settings)))
        except runner.TokenRefused:
            say(f"the Bot API at {where} refused the token: check TELEGRAM_BOT_TOKEN")
            return EXIT_TOKEN_REFUSED
        except runner.NotReached:
            say(f"stopped before the Bot API at {where} could be reached: check the network"
                " (or TELEGRAM_API_BASE_URL)")
            return EXIT_UNREACHABLE
        except Exception:
            print("sportello stopped on an unexpected error:", file=sys.stderr)
            traceback.print_exc()
            return EXIT_CRASH
    return EXIT_OK


def serve(args: argparse.Namespace) -> int:
    from bot import serving  # uvicorn and starlette are loaded for this command only

    return serving.serve(args)


def console_command(args: argparse.Namespace) -> int:
    settings = read_settings()
    logs.configure("WARNING", None)
    office = with_admins(load_office(settings.config_path), settings)
    asyncio.run(console.chat(office, args.db or settings.database, args.user, args.language))
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
        db = await Database.open(args.db or settings.database)
        try:
            return await invites.create(db, COMMAND_LINE, datetime.now(tz))
        finally:
            await db.close()

    token, expires = asyncio.run(create())
    print(invites.link(username, token))
    print(f"single use, valid until {expires.isoformat(timespec='minutes')}")
    return 0


def migrate_to_postgres(args: argparse.Namespace) -> int:
    """Copy an office's SQLite file into an empty PostgreSQL database, table by table."""
    if not is_url(args.url):
        print(f"{args.url!r} is no PostgreSQL URL (postgresql://user:password@host/database)",
              file=sys.stderr)
        return 2
    require_postgres()
    from storage import transfer

    try:
        counts = transfer.to_postgres(args.sqlite_file, args.url)
    except transfer.Refused as why:
        print(f"Nothing copied: {why}", file=sys.stderr)
        return 1
    for table, count in counts.items():
        print(f"{table:<20} {count:>9} rows")
    print(f"copied and counted: {sum(counts.values())} rows in {len(counts)} tables. "
          "Set SPORTELLO_DATABASE_URL to this URL to run on it.")
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
    chat.add_argument("--db", help="SQLite file or postgresql:// URL (default: "
                      "$SPORTELLO_DATABASE_URL, else $SPORTELLO_DB)")
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
    link.add_argument("--db", help="SQLite file or postgresql:// URL (default: "
                      "$SPORTELLO_DATABASE_URL, else $SPORTELLO_DB)")
    link.set_defaults(handler=invite)
    move = commands.add_parser("migrate-to-postgres", help="copy the data of an office's SQLite "
                               "file into an empty PostgreSQL database")
    move.add_argument("sqlite_file", type=Path)
    move.add_argument("url", help="postgresql://user:password@host/database")
    move.set_defaults(handler=migrate_to_postgres)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler  # set by every subcommand
    try:
        return handler(args)
    except (ConfigError, EngineMissing) as error:
        print(error, file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:  # before `run` could take Ctrl-C over, or in another command
        print("stopped", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
