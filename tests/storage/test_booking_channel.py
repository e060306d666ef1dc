"""Migration 0006: every booking says how it was made; those made before are given the channel
the data allows."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

import storage.db
from storage.db import migrations
from storage.sqlite import migrate, prepare_connection

CHANNEL = 6
NOON = 1_795_000_000
OPERATOR = 600


def booking(conn: sqlite3.Connection, code: str, *, start: int, created: int,
            created_by: int | None = None, user_id: int | None = None, desk: str = "S01",
            service: str = "cie") -> None:
    conn.execute(
        "INSERT INTO bookings (code, user_id, service, desk, start_ts, end_ts, created_ts,"
        " created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (code, user_id, service, desk, start, start + 1800, created, created_by))


def offer(conn: sqlite3.Connection, user_id: int, *, start: int, state: str,
          desk: str = "S01", service: str = "cie") -> None:
    entry = conn.execute(
        "INSERT INTO waitlist (user_id, service, first_day, last_day, state, created_ts)"
        " VALUES (?, ?, '2026-11-01', '2026-12-31', 'booked', 0) RETURNING id",
        (user_id, service)).fetchone()[0]
    conn.execute(
        "INSERT INTO waitlist_offers (entry_id, desk, start_ts, end_ts, offered_ts, expires_ts,"
        " state) VALUES (?, ?, ?, ?, 0, 0, ?)", (entry, desk, start, start + 1800, state))


def test_existing_bookings_are_given_the_channel_the_data_allows(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = migrations()
    monkeypatch.setattr(storage.db, "migrations",
                        lambda *_: [item for item in shipped if item[0] < CHANNEL])
    with closing(sqlite3.connect(tmp_path / "old.db", isolation_level=None)) as conn:
        prepare_connection(conn)
        migrate(conn)
        for user_id in (1, 2):
            conn.execute("INSERT INTO citizens (user_id, created_ts) VALUES (?, 0)", (user_id,))
        hour = 3600
        booking(conn, "CHAT01", start=NOON, created=NOON - 86400, user_id=1)
        booking(conn, "DESK01", start=NOON + hour, created=NOON + hour + 420,
                created_by=OPERATOR)  # the slot under way, at 7 past
        booking(conn, "DESK02", start=NOON + 2 * hour, created=NOON + 2 * hour - 1800,
                created_by=OPERATOR)  # half an hour ahead: still at the counter
        booking(conn, "PHONE1", start=NOON + 3 * hour, created=NOON + 3 * hour - 1801,
                created_by=OPERATOR)
        booking(conn, "PHONE2", start=NOON + 86400, created=NOON, created_by=OPERATOR)
        booking(conn, "WAIT01", start=NOON + 4 * hour, created=NOON, user_id=2)
        offer(conn, 2, start=NOON + 4 * hour, state="taken")
        booking(conn, "CHAT02", start=NOON + 5 * hour, created=NOON, user_id=2)
        offer(conn, 2, start=NOON + 5 * hour, state="expired")  # let go, then booked with /book
        booking(conn, "CHAT03", start=NOON + 6 * hour, created=NOON, user_id=1, desk="S02")
        offer(conn, 2, start=NOON + 6 * hour, state="taken", desk="S02")  # another citizen's
        booking(conn, "CHAT04", start=NOON + 7 * hour, created=NOON, user_id=2,
                service="cie_ritiro")
        offer(conn, 2, start=NOON + 7 * hour, state="taken")  # another service

        monkeypatch.setattr(storage.db, "migrations", lambda *_: shipped)
        assert CHANNEL in migrate(conn)
        assert {code: channel for code, channel in conn.execute(
            "SELECT code, channel FROM bookings")} == {
            "CHAT01": "chat", "DESK01": "desk", "DESK02": "desk", "PHONE1": "phone",
            "PHONE2": "phone", "WAIT01": "waitlist", "CHAT02": "chat", "CHAT03": "chat",
            "CHAT04": "chat"}
        with pytest.raises(sqlite3.IntegrityError, match="bookings_channel"):
            conn.execute("UPDATE bookings SET channel = 'fax' WHERE code = 'CHAT01'")
        booking(conn, "NEW001", start=NOON + 8 * hour, created=NOON)
        assert conn.execute("SELECT channel FROM bookings WHERE code = 'NEW001'").fetchone()[0] == (
            "chat")


def test_the_postgresql_twin_says_the_same() -> None:
    """Until PostgreSQL runs in the tests: the twin holds the same statements."""
    folder = Path(storage.db.__file__).parent / "migrations"
    sqlite = (folder / "0006_booking_channel.sql").read_text(encoding="utf-8")
    postgres = (folder / "postgres" / "0006_booking_channel.sql").read_text(encoding="utf-8")

    def statements(sql: str) -> list[str]:
        code = "\n".join(line for line in sql.splitlines() if not line.startswith("--"))
        return [" ".join(part.split()) for part in code.split(";") if part.strip()]

    assert statements(postgres) == statements(sqlite)
    assert len(statements(sqlite)) == 3
