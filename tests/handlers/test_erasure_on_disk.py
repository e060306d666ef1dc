"""Erased personal data is gone from the files on disk, not only from what queries return: the
database file and its WAL are read byte by byte after /deletemydata and after the retention
purge (an administrator's erasure: tests/handlers/operators/test_erasure.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.services import erasure
from bot.testing.clock import FakeClock
from storage.db import Database
from tests.conftest import NOW, UserFactory
from tests.handlers.conftest import FRIDAY, Steps, no_errors

NAME = "Zefirìna Quaglierini"
CF = "QGLZRN80A41A390Z"
NOTE = "Porto il modulo 7-Q verde"
"""Values found nowhere else in a fresh database."""


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """SQLite only: the bytes on the disk read here are its file and WAL. (On PostgreSQL,
    erasure ends with a VACUUM of the tables that hold personal data: storage/postgres.py.)"""
    database = await Database.open(tmp_path / "sportello.db")
    yield database
    await database.close()


def on_disk(db: Database) -> bytes:
    """The database file and its WAL, as a thief with the disk would read them."""
    path = Path(db.target)
    files = [path, path.with_name(path.name + "-wal")]
    return b"".join(Path(file).read_bytes() for file in files if Path(file).exists())


def found_on_disk(db: Database, *values: str) -> list[str]:
    raw = on_disk(db)
    return [value for value in values if value.encode() in raw]


async def test_delete_my_data_leaves_nothing_in_the_files(
        make_user: UserFactory, steps: Steps, db: Database) -> None:
    user = make_user()
    await steps.book(user, name=NAME, cf=CF, note=NOTE)
    await steps.book(user, start=FRIDAY + timedelta(hours=1), name=NAME, cf=CF, note=NOTE)
    await steps.to_name(user, start=FRIDAY + timedelta(hours=2))  # one more in progress
    await user.send(NAME)
    await user.send(CF)
    assert found_on_disk(db, NAME, CF, NOTE) == [NAME, CF, NOTE]

    await user.send("/cancelladati")
    await user.press("Sì, cancella i miei dati")
    assert "dati personali cancellati" in user.last.text
    assert found_on_disk(db, NAME, CF, NOTE) == []
    assert db.path.with_name(db.path.name + "-wal").stat().st_size == 0
    no_errors(user)


async def test_the_retention_purge_leaves_nothing_in_the_files(
        make_user: UserFactory, steps: Steps, db: Database, clock: FakeClock,
        app: Application) -> None:
    year_ago = NOW - timedelta(days=371)
    clock.set(year_ago)
    await steps.book(make_user(), start=year_ago + timedelta(days=1), name=NAME, cf=CF, note=NOTE)
    clock.set(NOW)
    assert found_on_disk(db, NAME, CF, NOTE) == [NAME, CF, NOTE]
    assert await erasure.purge_expired(app.bot_data["deps"]) == 1
    assert found_on_disk(db, NAME, CF, NOTE) == []
