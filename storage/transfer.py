"""Moving an office from its SQLite file to PostgreSQL: both brought to the same schema version,
every table copied in one PostgreSQL transaction (COPY, so every constraint checks every row),
counted on both sides, id counters moved past the copied ids. A target holding any data is
refused: nothing is merged, nothing overwritten.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from storage import postgres, sqlite

Counts = dict[str, int]


class Refused(Exception):
    """Why nothing was copied, in a sentence."""


def to_postgres(source: Path, url: str) -> Counts:
    """Copy the office at `source` into the database at `url`; the rows copied, table by table."""
    if not source.is_file():
        raise Refused(f"{source}: no such SQLite file")
    with _sqlite(source) as reader, postgres.connect(url) as writer:
        postgres.migrate(writer)
        with writer.transaction():
            return _copy(reader, writer)


@contextmanager
def _sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        sqlite.prepare_connection(conn)
        sqlite.migrate(conn)
        conn.execute("BEGIN")  # one snapshot for every table
        try:
            yield conn
        finally:
            conn.execute("ROLLBACK")


def _copy(reader: sqlite3.Connection, writer: Any) -> Counts:
    tables = in_dependency_order(reader)
    full = [t for t in tables if writer.execute(f"SELECT EXISTS (SELECT 1 FROM {t})").fetchone()[0]]
    if full:
        raise Refused(f"the PostgreSQL database already holds data (in {', '.join(full)}): "
                      "give an empty one")
    counts = {}
    for table in tables:
        columns = [row[1] for row in reader.execute(f"PRAGMA table_info({table})")]
        target_columns = [row[0] for row in writer.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
            " AND table_schema = current_schema() ORDER BY ordinal_position", (table,))]
        if sorted(columns) != sorted(target_columns):
            raise Refused(f"{table}: the columns differ ({columns} in SQLite, "
                          f"{target_columns} in PostgreSQL)")
        names = ", ".join(columns)
        with writer.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in reader.execute(f"SELECT {names} FROM {table} ORDER BY rowid"):
                copy.write_row(tuple(row))
        counts[table] = reader.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        copied = writer.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        if copied != counts[table]:
            raise Refused(f"{table}: {counts[table]} rows in SQLite but {copied} copied")
        if "id" in columns:
            writer.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id))"
                           f" FROM {table} HAVING max(id) IS NOT NULL")
    return counts


def in_dependency_order(conn: sqlite3.Connection) -> list[str]:
    """The tables of the SQLite schema, each after the tables its foreign keys refer to."""
    names = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND name <> 'schema_migrations' ORDER BY rowid")]
    refers = {name: {row[2] for row in conn.execute(f"PRAGMA foreign_key_list({name})")} - {name}
              for name in names}
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [name for name in names if name not in ordered and refers[name] <= set(ordered)]
        if not ready:
            raise Refused(f"the foreign keys of {set(names) - set(ordered)} form a cycle")
        ordered += ready
    return ordered
