"""PostgreSQL: a pool of psycopg connections shared by worker threads, SERIALIZABLE writes run again
when the server asks (after a random pause that doubles at each try), the storage functions' SQL
translated, migrations under an advisory lock. The leases' heartbeats have a connection and a
thread of their own, so that a busy pool never delays them past their lease.

Needs the `postgres` extra (psycopg and psycopg_pool). Storage functions are written once, in
SQL both engines accept; what PostgreSQL spells differently is translated here:
`?` -> `%s`, `IS ?` -> `IS NOT DISTINCT FROM %s`, `IS NOT ?` -> `IS DISTINCT FROM %s`.
"""

from __future__ import annotations

import asyncio
import functools
import random
import re
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar, TypeVar

import psycopg
from psycopg import errors
from psycopg.pq import TransactionStatus
from psycopg_pool import ConnectionPool

from storage import db
from storage.engine import IntegrityError, Unfinished

T = TypeVar("T")

POOL_SIZE = 8
"""Connections per process, and threads running transactions on them."""
ATTEMPTS = 30
"""Tries of one write before its serialization failure is raised: in a race of 200 for one time,
each loser needs one or two."""
FIRST_PAUSE = 0.002
LONGEST_PAUSE = 0.25
"""Seconds: before its n-th try a write waits a random time up to FIRST_PAUSE * 2**(n - 2), at
most LONGEST_PAUSE ("full jitter"): writers that failed together spread out instead of failing
together again, and under a long contention the tries thin out rather than hammer the server."""
MIGRATION_LOCK = 0x5907_7E11
"""The advisory lock taken while migrating, so that processes starting together take turns."""
_BEGIN = {
    db.Mode.READ: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    db.Mode.WRITE: "BEGIN ISOLATION LEVEL SERIALIZABLE",
    db.Mode.RELAXED: "BEGIN ISOLATION LEVEL SERIALIZABLE; SET LOCAL synchronous_commit = off",
    db.Mode.QUEUE: "BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL synchronous_commit = off",
}
_TRY_AGAIN = (errors.SerializationFailure, errors.DeadlockDetected)
_TOKEN = re.compile(r"'[^']*'|\bIS\s+NOT\s+\?|\bIS\s+\?|\?|%", re.IGNORECASE)


class Row(tuple):  # type: ignore[type-arg]
    """A row as a tuple that also answers `row["column"]`, as Any does."""

    __slots__ = ()
    columns: ClassVar[dict[str, int]] = {}

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            key = self.columns[key]
        return tuple.__getitem__(self, key)


@functools.lru_cache(maxsize=512)
def _row_type(names: tuple[str, ...]) -> type[Row]:
    return type("Row", (Row,), {"__slots__": (), "columns": {n: i for i, n in enumerate(names)}})


def _rows(cursor: psycopg.Cursor[Any]) -> Callable[[Sequence[Any]], Row]:
    return _row_type(tuple(column.name for column in cursor.description or ()))


def _tuples(cursor: psycopg.Cursor[Any]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    return tuple


@functools.lru_cache(maxsize=1024)
def translate(sql: str) -> str:
    """The storage functions' SQL (qmark placeholders, SQLite's `IS ?`) as psycopg takes it."""
    def swap(token: re.Match[str]) -> str:
        text = token[0]
        if text.startswith("'"):
            return text.replace("%", "%%")
        if text == "?":
            return "%s"
        if text == "%":
            return "%%"
        return ("IS DISTINCT FROM %s" if "NOT" in text.upper() else "IS NOT DISTINCT FROM %s")

    return _TOKEN.sub(swap, sql)


def _integrity(error: psycopg.IntegrityError) -> IntegrityError:
    return IntegrityError(str(error), error.diag.constraint_name)


class PostgresConnection:
    """A `storage.engine.Connection` over a psycopg connection inside a transaction."""

    __slots__ = ("raw",)
    engine = "postgresql"

    def __init__(self, raw: psycopg.Connection[Any]) -> None:
        self.raw = raw

    def execute(self, sql: str, parameters: Sequence[object] = (), /) -> psycopg.Cursor[Any]:
        try:
            return self.raw.execute(translate(sql), parameters)
        except psycopg.IntegrityError as error:
            raise _integrity(error) from error

    def executemany(self, sql: str, parameters: Iterable[Sequence[object]],
                    /) -> psycopg.Cursor[Any]:
        cursor = self.raw.cursor()
        try:
            cursor.executemany(translate(sql), parameters)
        except psycopg.IntegrityError as error:
            raise _integrity(error) from error
        return cursor

    def tuples(self, sql: str, parameters: Sequence[object] = (), /) -> list[tuple[Any, ...]]:
        cursor = self.raw.cursor(row_factory=_tuples)
        return cursor.execute(translate(sql), parameters).fetchall()


def migrate(raw: psycopg.Connection[Any]) -> list[int]:
    """Apply the migrations not yet recorded, each in its own transaction, one process at a time;
    return their versions. `raw` is in autocommit mode."""
    raw.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
    try:
        raw.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            " applied_ts BIGINT NOT NULL DEFAULT extract(epoch FROM now())::bigint)"
        )
        done = {row[0] for row in raw.execute("SELECT version FROM schema_migrations")}
        applied = []
        for version, name, sql in db.migrations("postgresql"):
            if version in done:
                continue
            with raw.transaction():
                raw.execute(sql)  # no parameters: several statements in one go
                raw.execute("INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                            (version, name))
            applied.append(version)
        return applied
    finally:
        raw.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))


def connect(url: str) -> psycopg.Connection[Any]:
    """One connection configured as the pool's: autocommit (transactions are begun explicitly),
    rows as `Row`."""
    return psycopg.connect(url, autocommit=True, row_factory=_rows)


class PostgresDatabase(db.Database):
    engine = "postgresql"

    def __init__(self, url: str, pool: ConnectionPool[Any], size: int,
                 beats: ConnectionPool[Any]) -> None:
        self.url = url
        self._pool = pool
        self._threads = ThreadPoolExecutor(size, thread_name_prefix="sportello-db")
        self._beats = beats
        """One connection for the heartbeats (`_apart`), with a thread of its own."""
        self._beat_thread = ThreadPoolExecutor(1, thread_name_prefix="sportello-beat")

    @property
    def target(self) -> str:
        return self.url

    @classmethod
    async def open(cls, url: str, size: int = POOL_SIZE) -> PostgresDatabase:  # type: ignore[override]
        def make(name: str, largest: int) -> ConnectionPool[Any]:
            made: ConnectionPool[Any] = ConnectionPool(
                url, min_size=1, max_size=largest, open=False, name=name,
                kwargs={"autocommit": True, "row_factory": _rows})
            made.open(wait=True)
            return made

        pool = await asyncio.to_thread(make, "sportello", size)
        try:
            beats = await asyncio.to_thread(make, "sportello-beats", 1)
        except BaseException:
            await asyncio.to_thread(pool.close)
            raise
        database = cls(url, pool, size, beats)
        try:
            await database._call(migrate)
        except BaseException:
            await database.close()
            raise
        return database

    async def _call(self, work: Callable[[psycopg.Connection[Any]], T]) -> T:
        """Run `work` with a connection of the pool in one of the threads."""
        def run() -> T:
            with self._pool.connection() as raw:
                return work(raw)

        return await asyncio.get_running_loop().run_in_executor(self._threads, run)

    async def _transaction(self, mode: db.Mode, work: Callable[[PostgresConnection], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(
            self._threads, _with_tries, self._pool, _BEGIN[mode], work)

    async def _apart(self, work: Callable[[PostgresConnection], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(
            self._beat_thread, _with_tries, self._beats, _BEGIN[db.Mode.QUEUE], work)

    async def close(self) -> None:
        await asyncio.to_thread(self._pool.close)
        await asyncio.to_thread(self._beats.close)
        self._threads.shutdown(wait=False)
        self._beat_thread.shutdown(wait=False)

    async def scrub(self) -> bool:
        """VACUUM the tables that hold personal data: the old row versions an erasure left are
        removed and their space freed (PostgreSQL keeps them until a vacuum; the server's own
        write-ahead log and backups are the operator's to retain and expire)."""
        def vacuum(raw: psycopg.Connection[Any]) -> bool:
            raw.execute("VACUUM bookings, citizens, drafts, waitlist, holds, outbox")
            return True

        return await self._call(vacuum)


_AGAIN = object()


def pause(attempt: int) -> float:
    """Seconds to wait before try `attempt` (2, 3, ...) of a write the server turned down."""
    return random.uniform(0, min(LONGEST_PAUSE, FIRST_PAUSE * 2 ** (attempt - 2)))


def _with_tries(pool: ConnectionPool[Any], begin: str,
                work: Callable[[PostgresConnection], T]) -> T:
    """Run the transaction until it commits or fails for good, with a connection of `pool` for
    each try, given back during the pause."""
    for attempt in range(1, ATTEMPTS + 1):
        with pool.connection() as raw:
            result = _once(raw, begin, work, last=attempt == ATTEMPTS)
        if result is not _AGAIN:
            return result  # type: ignore[return-value]
        time.sleep(pause(attempt + 1))
    raise AssertionError("unreachable")


def _once(raw: psycopg.Connection[Any], begin: str, work: Callable[[PostgresConnection], T], *,
          last: bool) -> T | object:
    """One try of a transaction: its result, or _AGAIN when it is worth running again (unless
    it was the `last` try): the server found it unsafe beside a concurrent one, or the
    connection turned out to be closed (the server restarted): the pool replaces it."""
    try:
        raw.execute(begin)
    except psycopg.OperationalError:
        if last or not raw.broken:
            raise
        return _AGAIN
    try:
        result = work(PostgresConnection(raw))
        if raw.info.transaction_status == TransactionStatus.INERROR:
            raise Unfinished("a statement failed and was caught outside a savepoint")
        try:
            raw.commit()
        except psycopg.IntegrityError as error:  # a deferred constraint, checked at commit
            raise _integrity(error) from error
    except _TRY_AGAIN:
        raw.rollback()
        if last:
            raise
        return _AGAIN
    except BaseException:
        if not raw.closed:
            raw.rollback()
        raise
    return result
