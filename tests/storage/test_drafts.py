"""One drafts table: the migration that made it, and a draft of each party side by side."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.domain.flows import Draft, Party, Step
from bot.domain.identity import canonical_or_as_stored
from bot.domain.staff_flows import AddDraft, CancelDraft
from storage import drafts
from storage.db import migrations
from storage.sqlite import migrate, prepare_connection

ONE_DRAFTS_TABLE = next(v for v, name, _ in migrations() if name == "one_drafts_table")


def test_the_migration_moves_citizens_drafts_and_drops_operators(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "old.db", isolation_level=None)
    prepare_connection(conn)
    conn.create_function("canonical_codice_fiscale", 1, canonical_or_as_stored)  # as migrate()
    conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                 " applied_ts INTEGER NOT NULL DEFAULT 0)")
    for version, name, sql in migrations():
        if version < ONE_DRAFTS_TABLE:
            conn.executescript(sql)
            conn.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                         (version, name))
    citizen = Draft(nonce="ab12", step=Step.NAME, service="cie", start=1_800_000_000)
    conn.execute("INSERT INTO drafts (user_id, nonce, step, data, updated_ts)"
                 " VALUES (7, 'ab12', 'name', ?, 100)", (citizen.to_json(),))
    conn.execute("INSERT INTO operator_drafts (user_id, action, data, updated_ts)"
                 " VALUES (9, 'add', '{\"name\": \"Ada\"}', 100)")
    assert migrate(conn) == [v for v, _, _ in migrations() if v >= ONE_DRAFTS_TABLE]
    assert drafts.get(conn, 7, Party.CITIZEN) == (citizen, 100)
    assert conn.execute("SELECT count(*) FROM drafts").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'operator_drafts'"
                        ).fetchone()[0] == 0


def test_an_operator_keeps_a_booking_of_their_own_beside_an_operators_flow(
        tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "new.db", isolation_level=None)
    prepare_connection(conn)
    migrate(conn)
    own = Draft.new()
    drafts.save(conn, 5, own, 100)
    drafts.save(conn, 5, CancelDraft.new(booking=3), 100)
    add = AddDraft.new(service="cie", start=1_800_000_000)
    drafts.save(conn, 5, add, 200)  # replaces the cancellation: one operator's flow at a time
    assert drafts.get(conn, 5, Party.STAFF) == (add, 200)
    assert drafts.get(conn, 5, Party.CITIZEN) == (own, 100)
    # the operator's flow is forgotten once abandoned; the citizen's is kept to say it expired
    assert drafts.purge_stale(conn, abandoned_before=300, forgotten_before=50) == 1
    assert drafts.get(conn, 5, Party.STAFF) is None
    assert drafts.get(conn, 5, Party.CITIZEN) == (own, 100)
