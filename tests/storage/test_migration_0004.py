"""Migration 0004 on a database written before it: codici fiscali stored as typed become
canonical, existing overlaps of one person are left alone, new ones are refused."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

import storage.db
from storage.db import Database
from storage.engine import IntegrityError
from storage.sqlite import migrate, prepare_connection

CF = "RSSMRA85T10A390L"
STORED = (CF, f"{CF}\u200b", f"{CF}.", "R-S-S-M-R-A-8-5-T-1-0-A-3-9-0-L",
          CF.translate({ord(c): ord(c) + 0xFEE0 for c in CF}), "not a code at all")
"""What the old check let in (and, last, what it never did, which stays as it is)."""
BEFORE = 4


def old_file(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = storage.db.migrations()
    with monkeypatch.context() as patch:
        patch.setattr(storage.db, "migrations",
                      lambda *_: [m for m in shipped if m[0] < BEFORE])
        with closing(sqlite3.connect(path, isolation_level=None)) as conn:
            prepare_connection(conn)
            migrate(conn)
            for n, value in enumerate(STORED):  # all at once, at six desks
                conn.execute(
                    "INSERT INTO bookings (code, service, desk, start_ts, end_ts, codice_fiscale,"
                    " created_ts) VALUES (?, 'cie', ?, 1000, 2800, ?, 0)",
                    (f"C{n}", f"S{n}", value))
            conn.execute("INSERT INTO citizens (user_id, last_cf, created_ts) VALUES (1, ?, 0)",
                         (STORED[1],))
            conn.execute("INSERT INTO drafts (user_id, nonce, step, data, updated_ts)"
                         " VALUES (1, 'abcd', 'note', ?, 0)",
                         (json.dumps({"nonce": "abcd", "codice_fiscale": STORED[4]}),))
            conn.execute("INSERT INTO operator_drafts (user_id, action, data, updated_ts)"
                         " VALUES (2, 'add', ?, 0)", (json.dumps({"cf": STORED[3]}),))


async def test_codici_fiscali_stored_as_typed_become_canonical(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old_file(tmp_path / "old.db", monkeypatch)
    db = await Database.open(tmp_path / "old.db")
    try:
        def read(conn: sqlite3.Connection) -> tuple[list[str], str, dict, list[str]]:
            return ([row[0] for row in conn.execute(
                        "SELECT codice_fiscale FROM bookings ORDER BY id")],
                    conn.execute("SELECT last_cf FROM citizens").fetchone()[0],
                    json.loads(conn.execute("SELECT data FROM drafts").fetchone()[0]),
                    [row[0] for row in conn.execute("SELECT party FROM drafts")])

        stored, last_cf, draft, parties = await db.read(read)
        assert stored == [CF] * 5 + ["not a code at all"]
        assert last_cf == CF
        assert draft == {"nonce": "abcd", "codice_fiscale": CF}
        assert parties == ["citizen"]  # an operator's draft in progress was dropped by 0005
        # the overlaps made before stay, and still move on through the visit steps
        await db.write(lambda conn: conn.execute(
            "UPDATE bookings SET status = 'checked_in' WHERE code = 'C1'"))
        with pytest.raises(IntegrityError, match="overlapping booking of the same person"):
            await db.write(lambda conn: conn.execute(
                "INSERT INTO bookings (code, service, desk, start_ts, end_ts, codice_fiscale,"
                " created_ts) VALUES ('NEW', 'cie', 'S9', 1500, 2000, ?, 0)", (CF,)))
    finally:
        await db.close()


def test_two_migrations_with_one_number_are_refused(tmp_path: Path) -> None:
    """Either would be recorded as the other: the second would never run anywhere."""
    for name in ("0001_initial.sql", "0003_a.sql", "0003_b.sql"):
        (tmp_path / name).write_text("SELECT 1;")
    with pytest.raises(RuntimeError, match="two migrations numbered 0003: a, b"):
        storage.db.migrations(folder=tmp_path)
