"""What storage functions may ask of a connection, whichever engine is behind it.

Every storage function is plain synchronous code over a `Connection`: SQL with `?` placeholders,
rows that read as tuples (and by column name), `IntegrityError` when a constraint refuses a
statement. storage/sqlite.py and storage/postgres.py each give one; what differs between the two
engines stays in those modules and in the migrations.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

OVERLAP = "bookings_no_overlap"
"""The rule that refuses two bookings holding one desk at one time: a trigger in SQLite, an
exclusion constraint in PostgreSQL; both engines report it under this name."""
PERSON_OVERLAP = "bookings_one_person"
"""The rule that refuses two active bookings of one codice fiscale at one time (migration
0004), reported likewise."""


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    @property
    def engine(self) -> str:
        """'sqlite' or 'postgresql': for the rare statement only one of them takes."""
        ...

    def execute(self, sql: str, parameters: Sequence[object] = (), /) -> Cursor: ...

    def executemany(self, sql: str, parameters: Iterable[Sequence[object]], /) -> Cursor: ...

    def tuples(self, sql: str, parameters: Sequence[object] = (), /) -> list[tuple[Any, ...]]:
        """All the rows as plain tuples: the cheapest way to read many."""
        ...


class IntegrityError(Exception):
    """A constraint refused a statement; `constraint` names it when the engine says which."""

    def __init__(self, message: str, constraint: str | None) -> None:
        super().__init__(message)
        self.constraint = constraint


class Unfinished(Exception):
    """The transaction could not commit: PostgreSQL rolls back a transaction one of whose
    statements failed, unless that statement ran inside a `savepoint`."""


@contextmanager
def savepoint(conn: Connection) -> Iterator[None]:
    """Undo only what the block did if it raises, the transaction going on: PostgreSQL aborts a
    whole transaction at a failed statement unless it is inside a savepoint."""
    conn.execute("SAVEPOINT attempt")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK TO SAVEPOINT attempt")
        conn.execute("RELEASE SAVEPOINT attempt")
        raise
    conn.execute("RELEASE SAVEPOINT attempt")
