"""Booking conversations in progress (bot/domain/flows.py), one per citizen."""

from __future__ import annotations

import sqlite3

from bot.domain.flows import Draft
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


def purge_stale(conn: sqlite3.Connection, abandoned_before: int, forgotten_before: int) -> int:
    """Release the held times of conversations left since before `abandoned_before` (the
    citizen's next message is told the booking expired), and forget the conversations left
    since before `forgotten_before`; return how many were forgotten."""
    for (user_id,) in conn.execute("SELECT user_id FROM drafts WHERE updated_ts < ?",
                                   (abandoned_before,)).fetchall():
        holds.release(conn, user_id)
    return conn.execute("DELETE FROM drafts WHERE updated_ts < ?", (forgotten_before,)).rowcount
