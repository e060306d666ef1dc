"""Booking conversations in progress (bot/draft.py), one per citizen."""

from __future__ import annotations

import sqlite3

from bot.draft import Draft
from storage import holds


def get(conn: sqlite3.Connection, user_id: int) -> tuple[Draft, int] | None:
    """The citizen's draft and when it last changed (Unix seconds)."""
    row = conn.execute("SELECT data, updated_ts FROM drafts WHERE user_id = ?",
                       (user_id,)).fetchone()
    return (Draft.from_json(row[0]), row[1]) if row else None


def save(conn: sqlite3.Connection, user_id: int, draft: Draft, now: int) -> None:
    conn.execute(
        "INSERT INTO drafts (user_id, nonce, step, data, updated_ts) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET nonce = excluded.nonce, step = excluded.step,"
        " data = excluded.data, updated_ts = excluded.updated_ts",
        (user_id, draft.nonce, draft.step, draft.to_json(), now),
    )


def delete(conn: sqlite3.Connection, user_id: int) -> None:
    conn.execute("DELETE FROM drafts WHERE user_id = ?", (user_id,))
    holds.release(conn, user_id)


def purge_stale(conn: sqlite3.Connection, older_than: int) -> int:
    """Forget conversations abandoned before `older_than`, and release their holds."""
    stale = [row[0] for row in conn.execute(
        "SELECT user_id FROM drafts WHERE updated_ts < ?", (older_than,))]
    for user_id in stale:
        delete(conn, user_id)
    return len(stale)
