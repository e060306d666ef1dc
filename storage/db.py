"""The database, whichever engine: SQLite (a file, the default) or PostgreSQL (a URL).

A transaction is one synchronous function `work(conn, ...)` over a `storage.engine.Connection`,
run whole in a worker thread, so a transaction costs one hop between threads and the statements
of two concurrent updates never interleave on one connection. `read` sees one consistent
snapshot. `write` commits all of `work` or none of it, as if no other transaction ran meanwhile:
SQLite has one writer at a time; PostgreSQL runs it SERIALIZABLE and, when the server finds that
a concurrent transaction made it unsafe, runs it again. So `work` must act on nothing but the
database. The inbox and the leases, which every worker touches all the time, are written by
`queue` (and `heartbeat`) instead: their SQL guards each decision with the lock of the row it
decides on, so PostgreSQL can run them READ COMMITTED, never failing them for a concurrent one.
"""

from __future__ import annotations

import abc
import enum
import importlib
import itertools
import re
from collections.abc import Callable
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar, Concatenate, ParamSpec, TypeVar

from storage.engine import Connection

P = ParamSpec("P")
T = TypeVar("T")
Work = Callable[Concatenate[Connection, P], T]

URL_SCHEMES = ("postgresql://", "postgres://")
_MIGRATION = re.compile(r"^(\d{4})_(\w+)\.sql$")


class EngineMissing(Exception):
    """The database asked for needs a driver that is not installed."""


class Mode(enum.Enum):
    READ = "read"
    WRITE = "write"
    RELAXED = "relaxed"
    """A write whose commit does not wait for the disk: it survives the process crashing, not a
    power cut. For conversation state, which a citizen can type again; never for a booking."""
    QUEUE = "queue"
    """A relaxed write over the inbox and the leases only, whose every decision is guarded by a
    row lock its own statements take (an upsert's, an UPDATE's, FOR UPDATE): safe at PostgreSQL's
    READ COMMITTED, where many workers claiming at once wait for each other's rows, briefly,
    instead of failing with serialization errors."""


def is_url(target: str | Path) -> bool:
    return isinstance(target, str) and target.startswith(URL_SCHEMES)


def migrations(engine: str = "sqlite",
               folder: Traversable | None = None) -> list[tuple[int, str, str]]:
    """(version, name, SQL) of every migration shipped for `engine` (or in `folder`), in order:
    the SQLite ones in storage/migrations, their PostgreSQL twins (same number and name) in its
    postgres folder. Two with one number are refused: the second would never run anywhere."""
    if folder is None:
        folder = resources.files("storage.migrations")
        if engine == "postgresql":
            folder = folder / "postgres"
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION.match(entry.name)
        if match:
            found.append((int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort()
    for (version, first, _), (again, second, _) in itertools.pairwise(found):
        if version == again:
            raise RuntimeError(f"two migrations numbered {version:04d}: {first}, {second}")
    return found


def require_postgres() -> ModuleType:
    """storage.postgres, imported only when asked for, since psycopg is an extra."""
    try:
        return importlib.import_module("storage.postgres")
    except ModuleNotFoundError as missing:
        raise EngineMissing(f"PostgreSQL needs {missing.name}: "
                            "pip install 'sportello-bot[postgres]'") from None


class Database(abc.ABC):
    engine: ClassVar[str]

    @staticmethod
    async def open(target: str | Path) -> Database:
        """Open (and bring up to date) the SQLite file at `target`, or the PostgreSQL database
        when `target` is a postgresql:// URL."""
        if is_url(target):
            postgres: Any = require_postgres()
            opened: Database = await postgres.PostgresDatabase.open(str(target))
            return opened
        from storage.sqlite import SqliteDatabase

        return await SqliteDatabase.open(target)

    @property
    @abc.abstractmethod
    def target(self) -> str | Path:
        """What `open` was given: another `open(db.target)` reaches the same data."""

    @abc.abstractmethod
    async def _transaction(self, mode: Mode, work: Callable[[Connection], T]) -> T: ...

    @abc.abstractmethod
    async def close(self) -> None: ...

    @abc.abstractmethod
    async def scrub(self) -> bool:
        """After an erasure: leave the erased values in no file beside the live data (SQLite's
        WAL) and free what held them. False when that has to wait (a reader kept part of the
        log alive): the next erasure does it."""

    async def read(self, work: Work[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run `work(conn, ...)` on one consistent snapshot."""
        return await self._transaction(Mode.READ, lambda conn: work(conn, *args, **kwargs))

    async def write(self, work: Work[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run `work(conn, ...)` in one transaction: all of it commits, or none."""
        return await self._transaction(Mode.WRITE, lambda conn: work(conn, *args, **kwargs))

    async def write_relaxed(self, work: Work[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Like `write`, but see `Mode.RELAXED`."""
        return await self._transaction(Mode.RELAXED, lambda conn: work(conn, *args, **kwargs))

    async def queue(self, work: Work[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run `work(conn, ...)` in one transaction, see `Mode.QUEUE`."""
        return await self._transaction(Mode.QUEUE, lambda conn: work(conn, *args, **kwargs))

    async def heartbeat(self, work: Work[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Like `queue`, but never waiting behind the other transactions for a connection: a
        lease's renewal, which must come in time however busy the worker is."""
        return await self._apart(lambda conn: work(conn, *args, **kwargs))

    async def _apart(self, work: Callable[[Connection], T]) -> T:
        """A `Mode.QUEUE` transaction on a connection kept for it, where the engine has several."""
        return await self._transaction(Mode.QUEUE, work)
