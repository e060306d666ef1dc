"""SQLite: one file in WAL mode, pragmas, migrations, transactions in aiosqlite's worker thread,
online backup."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.domain.identity import canonical_or_as_stored
from storage import db
from storage.engine import OVERLAP, PERSON_OVERLAP, IntegrityError

T = TypeVar("T")

BUSY_TIMEOUT_MS = 5000
TRIGGER_RULES = {"overlapping booking at the same desk": OVERLAP,
                 "overlapping booking of the same person": PERSON_OVERLAP}
"""What the schema's triggers say when they refuse a row, and the name of their rule."""
_BEGIN = {db.Mode.READ: "BEGIN", db.Mode.WRITE: "BEGIN IMMEDIATE",
          db.Mode.RELAXED: "BEGIN IMMEDIATE", db.Mode.QUEUE: "BEGIN IMMEDIATE"}


class SqliteConnection:
    """A `storage.engine.Connection` over a sqlite3 connection."""

    __slots__ = ("raw",)
    engine = "sqlite"

    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw

    def execute(self, sql: str, parameters: Sequence[object] = (), /) -> sqlite3.Cursor:
        try:
            return self.raw.execute(sql, parameters)
        except sqlite3.IntegrityError as error:
            raise IntegrityError(str(error), TRIGGER_RULES.get(str(error))) from error

    def executemany(self, sql: str, parameters: Iterable[Sequence[object]], /) -> sqlite3.Cursor:
        try:
            return self.raw.executemany(sql, parameters)
        except sqlite3.IntegrityError as error:
            raise IntegrityError(str(error), TRIGGER_RULES.get(str(error))) from error

    def tuples(self, sql: str, parameters: Sequence[object] = (), /) -> list[tuple[Any, ...]]:
        cursor = self.raw.cursor()
        cursor.row_factory = None
        return cursor.execute(sql, parameters).fetchall()


def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    _switch_to_wal(conn)
    # A confirmed booking must survive a power cut: the WAL is synced at every commit.
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    # Erased personal data is overwritten with zeros, not merely marked free (the default only
    # where SQLite was built so); the WAL is truncated after each erasure (`scrub`).
    conn.execute("PRAGMA secure_delete = ON")


def _switch_to_wal(conn: sqlite3.Connection) -> None:
    """When two connections switch a new file to WAL at once, the loser is told "locked" at once,
    without waiting (SQLite's rule against deadlocks), so it tries again until the busy timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def migrate(conn: sqlite3.Connection) -> list[int]:
    """Apply the migrations not yet recorded, each in its own transaction; return their versions."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_ts INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER)))"
    )
    done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
    # 0004 rewrites the codici fiscali stored before their canonical form with the domain's rule.
    conn.create_function("canonical_codice_fiscale", 1, canonical_or_as_stored,
                         deterministic=True)
    applied = []
    for version, name, sql in db.migrations("sqlite"):
        if version in done:
            continue
        try:
            # The version is recorded first: if another connection applied this migration since
            # `done` was read, the primary key refuses it under the lock, before any DDL runs.
            conn.executescript(
                "BEGIN IMMEDIATE;\n"
                f"INSERT INTO schema_migrations (version, name) VALUES ({version}, '{name}');\n"
                f"{sql}\n;COMMIT;"
            )
        except sqlite3.Error as error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if "schema_migrations.version" in str(error):
                continue
            raise
        applied.append(version)
    return applied


def _in_transaction(conn: sqlite3.Connection, begin: str, work: Callable[[], T]) -> T:
    conn.execute(begin)
    try:
        result = work()
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return result


def copy_to(conn: sqlite3.Connection, target: Path) -> None:
    """A consistent copy of the live database, written while others keep writing.

    SQLite's online backup API, in one step: it reads one snapshot, which in WAL mode
    blocks no writer. The copy is written beside `target` and renamed over it when whole.
    """
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    dest = sqlite3.connect(partial)
    try:
        conn.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE")
    finally:
        dest.close()
    partial.replace(target)


class SqliteDatabase(db.Database):
    """Writes run in aiosqlite's worker thread, one at a time; reads run at once, on a second
    connection, in the caller's thread (the event loop's).

    A read is tens of microseconds of SQLite: sent to the worker thread, it waited behind the
    writes and, on a busy bot, behind the Python interpreter's lock, which the event loop's
    thread holds while it works and gives up only every few milliseconds: each statement of a
    read cost more waiting than reading, and the bot waited for its reads a sixth of the time.
    In WAL mode a reader never waits for a writer, and sees what was committed before it began.
    """

    engine = "sqlite"

    def __init__(self, conn: aiosqlite.Connection, path: Path, reader: sqlite3.Connection) -> None:
        self._conn = conn
        self.path = path
        self._reader = reader

    @property
    def target(self) -> Path:
        return self.path

    @classmethod
    async def open(cls, path: str | Path) -> SqliteDatabase:
        conn = await aiosqlite.connect(str(path), isolation_level=None)
        database = cls(conn, Path(path), sqlite3.connect(path, isolation_level=None))
        try:
            await database._run(prepare_connection)
            await database._run(migrate)
            prepare_connection(database._reader)  # the file is in WAL mode now
        except BaseException:
            await database.close()  # else its worker thread keeps the process alive
            raise
        return database

    async def _run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        # aiosqlite has no public way to run a function in its worker thread; `_execute` is what
        # its own methods use (its maintainer agrees whole transactions belong on that thread:
        # omnilib/aiosqlite#19). tests/storage/test_sqlite.py fails first if it ever goes away.
        raw = self._conn._conn  # noqa: SLF001
        # `_execute` has no annotations: this is what it does with these arguments.
        execute: Callable[[Callable[[sqlite3.Connection], T], sqlite3.Connection],
                          Awaitable[T]] = self._conn._execute  # noqa: SLF001
        return await execute(work, raw)

    async def _transaction(self, mode: db.Mode, work: Callable[[SqliteConnection], T]) -> T:
        if mode is db.Mode.READ:
            return _in_transaction(self._reader, _BEGIN[mode],
                                   lambda: work(SqliteConnection(self._reader)))

        def run(raw: sqlite3.Connection) -> T:
            conn = SqliteConnection(raw)
            if mode is db.Mode.WRITE:  # one writer at a time: QUEUE is RELAXED here
                return _in_transaction(raw, _BEGIN[mode], lambda: work(conn))
            raw.execute("PRAGMA synchronous = NORMAL")
            try:
                return _in_transaction(raw, _BEGIN[mode], lambda: work(conn))
            finally:
                raw.execute("PRAGMA synchronous = FULL")

        return await self._run(run)

    async def backup(self, target: str | Path) -> None:
        await self._run(lambda conn: copy_to(conn, Path(target)))

    async def close(self) -> None:
        self._reader.close()
        await self._conn.close()

    async def scrub(self) -> bool:
        """Copy the WAL into the database file and empty it, so that what was just erased is
        left in neither (with secure_delete, the pages copied hold zeros where it was)."""
        def truncate(conn: sqlite3.Connection) -> bool:
            busy: int = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            return busy == 0

        return await self._run(truncate)
