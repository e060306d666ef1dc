"""The SQLite file: migrations, pragmas, the worker thread, online backup."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path

import pytest

import storage.db
from bot.cli import main
from storage import citizens
from storage.db import Database, migrations
from storage.engine import Connection, IntegrityError
from storage.sqlite import (
    BUSY_TIMEOUT_MS,
    SqliteConnection,
    SqliteDatabase,
    migrate,
    prepare_connection,
)

NOW = 1_772_000_000
SHIPPED = [(version, name) for version, name, _ in migrations()]
EXTRA = SHIPPED[-1][0] + 1
"""The version of a migration added by a test."""


def connect(path: Path) -> closing[sqlite3.Connection]:
    """A plain connection configured like the bot's, as a second process would open it."""
    conn = sqlite3.connect(path, isolation_level=None)
    prepare_connection(conn)
    return closing(conn)


def versions(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    return [tuple(row) for row in conn.execute(
        "SELECT version, name FROM schema_migrations ORDER BY version")]


def tables(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def with_extra_migration(monkeypatch: pytest.MonkeyPatch, sql: str) -> None:
    shipped = migrations()
    monkeypatch.setattr(storage.db, "migrations",
                        lambda engine: [*shipped, (EXTRA, "extra", sql)])


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[SqliteDatabase]:
    database = await SqliteDatabase.open(tmp_path / "sportello.db")
    yield database
    await database.close()


def test_migrations_apply_to_an_empty_file_and_only_once(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with connect(path) as conn:
        assert migrate(conn) == [version for version, _ in SHIPPED]
        assert versions(conn) == SHIPPED
        assert {"citizens", "bookings", "holds", "closures", "outbox"} <= tables(conn)
        citizens.ensure(conn, 7, "en", NOW)
    with connect(path) as conn:
        assert migrate(conn) == []
        assert versions(conn) == SHIPPED
        assert citizens.get(conn, 7) is not None


async def test_a_new_migration_is_applied_to_an_existing_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "live.db"
    db = await Database.open(path)
    await db.write(citizens.ensure, 7, "en", NOW)
    await db.close()
    with_extra_migration(monkeypatch, "CREATE TABLE extra (x); INSERT INTO extra VALUES (1);")
    db = await Database.open(path)
    await db.close()
    with connect(path) as conn:
        assert migrate(conn) == []
        assert versions(conn) == [*SHIPPED, (EXTRA, "extra")]
        assert [row[0] for row in conn.execute("SELECT x FROM extra")] == [1]
        assert citizens.get(conn, 7) is not None


async def test_a_failing_migration_leaves_nothing_behind(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    with_extra_migration(monkeypatch, "CREATE TABLE extra (x); INSERT INTO nowhere VALUES (1);")
    threads = set(threading.enumerate())
    with pytest.raises(sqlite3.OperationalError, match="nowhere"):
        await Database.open(tmp_path / "new.db")
    for worker in set(threading.enumerate()) - threads:  # closed, else it keeps the process alive
        worker.join(timeout=5)
        assert not worker.is_alive()
    with connect(tmp_path / "new.db") as conn:
        with pytest.raises(sqlite3.OperationalError, match="nowhere"):
            migrate(conn)
        assert not conn.in_transaction
        assert versions(conn) == SHIPPED
        assert "extra" not in tables(conn)


async def test_several_processes_can_open_a_new_file_at_once(tmp_path: Path) -> None:
    opened = await asyncio.gather(*(Database.open(tmp_path / "new.db") for _ in range(6)))
    try:
        assert await opened[-1].read(versions) == SHIPPED
    finally:
        for db in opened:
            await db.close()


async def test_pragmas(sqlite_db: SqliteDatabase) -> None:
    def pragmas(conn: sqlite3.Connection) -> list[object]:
        names = ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
        return [conn.execute(f"PRAGMA {name}").fetchone()[0] for name in names]

    assert await sqlite_db.read(pragmas) == ["wal", 1, BUSY_TIMEOUT_MS, 2]  # 2: FULL
    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        await sqlite_db.write(lambda conn: conn.execute(
            "INSERT INTO waitlist (user_id, service, first_day, last_day, created_ts)"
            " VALUES (404, 'cie', '2026-03-02', '2026-03-09', 0)"))


async def test_run_executes_in_the_worker_thread(sqlite_db: SqliteDatabase) -> None:
    """`SqliteDatabase._run` relies on aiosqlite's private `_execute`: this fails first if it
    goes."""
    thread, answer = await sqlite_db._run(  # noqa: SLF001 - what this test is about
        lambda conn: (threading.get_ident(), conn.execute("SELECT 40 + 2").fetchone()[0]))
    assert answer == 42
    assert thread != threading.get_ident()


def add_citizen_with_booking(conn: Connection, n: int) -> None:
    """Two rows in one transaction: a consistent copy holds both or neither."""
    citizens.ensure(conn, n, "it", NOW)
    conn.execute(
        "INSERT INTO bookings (code, user_id, service, desk, start_ts, end_ts, created_ts)"
        " VALUES (?, ?, 'cie', ?, ?, ?, ?)", (f"C{n:05d}", n, f"D{n}", NOW, NOW + 600, NOW))


def assert_sound_copy(path: Path) -> int:
    """The copy opens, passes the integrity check, needs no WAL; its number of citizens."""
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        people, booked = conn.execute(
            "SELECT (SELECT count(*) FROM citizens), (SELECT count(*) FROM bookings)").fetchone()
        assert people == booked
        return people


async def test_backup_while_another_connection_keeps_writing(sqlite_db: SqliteDatabase,
                                                             tmp_path: Path) -> None:
    db = sqlite_db
    for n in range(50):
        await db.write(add_citizen_with_booking, n)
    writer, stop = await Database.open(db.path), asyncio.Event()

    async def keep_writing() -> int:
        n = 50
        while not stop.is_set():
            await writer.write(add_citizen_with_booking, n)
            n += 1
        return n

    task = asyncio.create_task(keep_writing())
    try:
        for _ in range(5):
            await db.backup(tmp_path / "copy.db")
            assert assert_sound_copy(tmp_path / "copy.db") >= 50
    finally:
        stop.set()
        written = await task
        await writer.close()
    assert assert_sound_copy(tmp_path / "copy.db") <= written
    assert not (tmp_path / "copy.db.partial").exists()


def test_the_backup_command_copies_the_database_in_sportello_db(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    live, copy = tmp_path / "live.db", tmp_path / "copy.db"
    with connect(live) as conn:
        migrate(conn)
        add_citizen_with_booking(SqliteConnection(conn), 7)
    monkeypatch.setenv("SPORTELLO_DB", str(live))
    assert main(["backup", str(copy)]) == 0
    assert capsys.readouterr().out == f"backup written to {copy}\n"
    assert assert_sound_copy(copy) == 1
