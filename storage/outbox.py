"""The outbox: every message the bot sends on its own initiative, as a row with a due time.

Kinds and their payloads are rendered by bot/notices.py; the delivering job is bot/outbox.py.
"""

from __future__ import annotations

import json
import sqlite3


def enqueue(conn: sqlite3.Connection, chat_id: int, kind: str, due: int, now: int, *,
            booking_id: int | None = None, expires: int | None = None,
            payload: dict[str, object] | None = None) -> int:
    cursor = conn.execute(
        "INSERT INTO outbox (chat_id, kind, booking_id, payload, due_ts, expires_ts, created_ts)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (chat_id, kind, booking_id, json.dumps(payload or {}), due, expires, now),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid
