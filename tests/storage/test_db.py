"""The database on either engine: migrations for both, transactions, the SQL both accept."""

from __future__ import annotations

import asyncio
from contextlib import nullcontext

import pytest

from bot.testing.postgres import Cluster, Scratch
from storage import citizens
from storage.db import Database, migrations
from storage.engine import Connection, IntegrityError, Unfinished, savepoint

NOW = 1_772_000_000


def test_every_sqlite_migration_has_its_postgresql_twin() -> None:
    """storage/migrations/NNNN_name.sql and storage/migrations/postgres/NNNN_name.sql."""
    sqlite = [(version, name) for version, name, _ in migrations("sqlite")]
    postgresql = [(version, name) for version, name, _ in migrations("postgresql")]
    assert sqlite == postgresql
    assert [version for version, _ in sqlite] == list(range(1, len(sqlite) + 1))


async def test_a_write_commits_all_or_nothing(db: Database) -> None:
    def half_done(conn: Connection) -> None:
        citizens.ensure(conn, 7, "it", NOW)
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        await db.write(half_done)
    assert await db.read(citizens.get, 7) is None
    await db.write(citizens.ensure, 7, "en", NOW)
    assert (await db.read(citizens.get, 7)).lang == "en"


def add_twice(conn: Connection, user_id: int, *, undo: bool = True) -> str | None:
    """Add a citizen, then try again, catching the refusal; the rule that refused."""
    citizens.ensure(conn, user_id, "it", NOW)
    try:
        with savepoint(conn) if undo else nullcontext():
            conn.execute("INSERT INTO citizens (user_id, created_ts) VALUES (?, 0)", (user_id,))
    except IntegrityError as error:
        return error.constraint or "unnamed"
    return None


async def test_a_refused_statement_undoes_the_whole_transaction(db: Database) -> None:
    with pytest.raises(IntegrityError):
        await db.write(lambda conn: [citizens.ensure(conn, 7, "it", NOW), conn.execute(
            "INSERT INTO citizens (user_id, created_ts) VALUES (7, 0)")])
    assert await db.read(citizens.get, 7) is None


async def test_a_refusal_undone_to_a_savepoint_lets_the_transaction_go_on(db: Database) -> None:
    assert await db.write(add_twice, 7) in ("unnamed", "citizens_pkey")  # SQLite: no name
    assert (await db.read(citizens.get, 7)).lang == "it"


@pytest.mark.postgres
async def test_postgresql_commits_no_half_when_a_refusal_is_caught_without_a_savepoint(
        scratch: Scratch) -> None:
    """The server rolls back a transaction whose statement failed; saying so beats pretending
    that what came before it was committed."""
    scratch.empty()
    db = await Database.open(scratch.url)
    try:
        with pytest.raises(Unfinished):
            await db.write(add_twice, 7, undo=False)
        assert await db.read(citizens.get, 7) is None
    finally:
        await db.close()


async def test_what_sqlite_spells_its_own_way_means_the_same_on_postgresql(db: Database) -> None:
    """`IS ?` with a parameter, and `?` or `%` inside a quoted text."""
    assert tuple(await db.read(lambda conn: conn.execute(
        "SELECT 5 IS ?, 5 IS NOT ?, 5 IS NOT ?, 'a?b%c', 'abc' LIKE ?",
        (None, None, 5, "%b%")).fetchone())) == (False, True, False, "a?b%c", True)


async def test_rows_read_as_tuples_and_by_column_name(db: Database) -> None:
    await db.write(citizens.ensure, 7, "en", NOW)
    row = await db.read(lambda conn: conn.execute(
        "SELECT user_id, lang FROM citizens").fetchone())
    assert (tuple(row), row["lang"], row[0]) == ((7, "en"), "en", 7)
    assert await db.read(lambda conn: conn.tuples("SELECT lang, user_id FROM citizens")) == [
        ("en", 7)]


@pytest.mark.postgres
async def test_processes_starting_together_migrate_a_new_postgresql_database_once(
        postgres: Cluster) -> None:
    url = postgres.create_database("new_deployment")
    opened = await asyncio.gather(*(Database.open(url) for _ in range(4)))
    try:
        assert await opened[0].read(lambda conn: [tuple(row) for row in conn.execute(
            "SELECT version, name FROM schema_migrations ORDER BY version")]) == [
            (version, name) for version, name, _ in migrations("postgresql")]
        await opened[1].write(citizens.ensure, 7, "en", NOW)
        assert (await opened[2].read(citizens.get, 7)).lang == "en"
    finally:
        for db in opened:
            await db.close()


@pytest.mark.postgres
async def test_connections_the_server_closed_are_replaced_without_losing_a_write(
        scratch: Scratch) -> None:
    """As after a restart of the server, or a proxy closing idle connections."""
    scratch.empty()
    db = await Database.open(scratch.url)
    try:
        await asyncio.gather(*(db.write(citizens.ensure, n, "it", NOW) for n in range(8)))
        [[closed]] = scratch.conn.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchall()
        assert closed >= 1
        await asyncio.gather(*(db.write(citizens.set_lang, n, "en") for n in range(8)))
        assert [c.lang for c in await db.read(
            lambda conn: [citizens.get(conn, n) for n in range(8)])] == ["en"] * 8
    finally:
        await db.close()
