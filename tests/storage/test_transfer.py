"""`sportello migrate-to-postgres`: an office's SQLite file copied into PostgreSQL, row for row."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.domain.flows import Draft
from bot.domain.model import Office, to_ts
from bot.domain.staff_flows import ClosureDraft
from bot.testing.postgres import Cluster
from storage import (
    bookings,
    closures,
    drafts,
    holds,
    inbox,
    leases,
    operators,
    outbox,
    service_durations,
    waitlist,
)
from storage.bookings import Booked
from storage.db import Database
from storage.engine import Connection
from tests.conftest import NOW, ROME
from tests.seed import fill_day, request, rows

pytestmark = pytest.mark.postgres
FRIDAY = date(2026, 11, 27)
NOW_TS = to_ts(NOW)


def a_bit_of_everything(conn: Connection, office: Office) -> None:
    """A citizen who books, moves the booking, waits for another service and is offered a
    time; an operator invited and at a desk; a closure; a calibrated service."""
    start = datetime(2026, 11, 30, 9, 0, tzinfo=ROME)
    first = bookings.book(conn, request(office, "cie", start, user_id=7), NOW_TS)
    assert isinstance(first, Booked)
    moved = bookings.book(conn, replace(request(office, "cie", start + timedelta(hours=1),
                                                user_id=7), replaces=first.id), NOW_TS)
    assert isinstance(moved, Booked)
    outbox.enqueue(conn, 7, "reminder", NOW_TS + 3600, NOW_TS, booking_id=moved.id,
                   payload={"n": 1})
    entry, _ = waitlist.join(conn, 7, "certificati", FRIDAY, FRIDAY + timedelta(days=7), NOW_TS)
    held = holds.place(conn, 7, "certificati", office.services["certificati"].desks,
                       to_ts(start), to_ts(start) + 1800, NOW_TS, NOW_TS + 1800, "offer")
    assert held is not None
    waitlist.offer(conn, entry, held, NOW_TS)
    drafts.save(conn, 7, Draft.new(service="cie", name="Mario <b>Rossi</b>"), NOW_TS)
    operators.invite(conn, "hash", 1, NOW_TS, NOW_TS + 86400)
    operators.redeem(conn, "hash", 42, "Anna Bianchi", NOW_TS)
    operators.set_desk(conn, 42, FRIDAY, "S01", NOW_TS)
    drafts.save(conn, 42, ClosureDraft.new(first="2026-11-27", last="2026-11-27",
                                           desk=None, reason="sciopero"), NOW_TS)
    closures.add(conn, FRIDAY, FRIDAY, "S02", "formazione", 42, NOW_TS)
    service_durations.set_duration(conn, "cie", 25, 42, NOW_TS)
    inbox.receive(conn, 1001, 7, '{"update_id": 1001}', NOW_TS * 1000)
    leases.take(conn, "jobs", "worker-1", NOW_TS * 1000, 10_000)


async def contents(db: Database) -> dict[str, list[tuple]]:
    names = [name for (name,) in await rows(db, "SELECT name FROM sqlite_master WHERE type ="
                                                " 'table' AND name NOT LIKE 'sqlite_%'")]
    return {name: await rows(db, f"SELECT * FROM {name} ORDER BY 1, 2")
            for name in names if name != "schema_migrations"}


async def test_an_office_moves_to_postgresql_row_for_row(
        tmp_path: Path, postgres: Cluster, office: Office,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "office.db"
    source = await Database.open(path)
    await source.write(lambda conn: conn.execute(
        "INSERT INTO citizens (user_id, created_ts) VALUES (7, 0), (3000000000, 0)"))
    await fill_day(source, office, FRIDAY, 60, NOW)
    await source.write(a_bit_of_everything, office)
    before = await contents(source)
    await source.close()
    assert all(before.values()), [table for table, found in before.items() if not found]
    url = postgres.create_database("moved")

    assert main(["migrate-to-postgres", str(path), url]) == 0
    out = capsys.readouterr().out
    assert "bookings                    61 rows" in out  # 60 of the day, one moved once
    assert f"in {len(before)} tables" in out

    target = await Database.open(url)
    try:
        for table, found in before.items():
            assert await rows(target, f"SELECT * FROM {table} ORDER BY 1, 2") == found, table
        booked = await target.write(bookings.book, request(
            office, "cie", datetime(2026, 12, 1, 9, 0, tzinfo=ROME), user_id=7), NOW_TS)
        assert isinstance(booked, Booked)
        assert booked.id == max(row[0] for row in before["bookings"]) + 1
    finally:
        await target.close()

    assert main(["migrate-to-postgres", str(path), url]) == 1
    assert "Nothing copied: the PostgreSQL database already holds data (in citizens, " in (
        capsys.readouterr().err)


def test_a_missing_file_or_a_url_that_is_not_postgresql_is_refused(
        tmp_path: Path, postgres: Cluster, capsys: pytest.CaptureFixture[str]) -> None:
    url = postgres.create_database("unused")
    assert main(["migrate-to-postgres", str(tmp_path / "typo.db"), url]) == 1
    assert capsys.readouterr().err == (
        f"Nothing copied: {tmp_path / 'typo.db'}: no such SQLite file\n")
    assert not (tmp_path / "typo.db").exists()
    assert main(["migrate-to-postgres", str(tmp_path / "typo.db"), str(tmp_path)]) == 2
    assert "is no PostgreSQL URL" in capsys.readouterr().err
