"""The outbox: every message the bot sends on its own initiative, as a row with a due time.

Kinds and their payloads are rendered by handlers/notices.py; the delivering job is bot/outbox.py.
A row goes pending -> sending -> sent, or ends dropped (pointless now), failed (given up) or
cancelled (its booking was). The rows 'sending' are those in flight: at most the dispatcher's
IN_FLIGHT.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from storage.engine import Connection


@dataclass(frozen=True, slots=True)
class Message:
    id: int
    chat_id: int
    kind: str
    booking_id: int | None
    payload: dict[str, Any]
    due: int
    expires: int | None
    attempts: int
    """How many times the row was taken to be sent, this time included."""


def enqueue(conn: Connection, chat_id: int, kind: str, due: int, now: int, *,
            booking_id: int | None = None, expires: int | None = None,
            payload: Mapping[str, object] | None = None) -> int:
    [message_id] = conn.execute(
        "INSERT INTO outbox (chat_id, kind, booking_id, payload, due_ts, expires_ts, created_ts)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (chat_id, kind, booking_id, json.dumps(dict(payload or {})), due, expires, now),
    ).fetchone()
    return int(message_id)


def recover(conn: Connection) -> int:
    """Put back what a crash left in flight: it may or may not have reached the citizen."""
    return conn.execute("UPDATE outbox SET state = 'pending' WHERE state = 'sending'").rowcount


def put_back(conn: Connection, message_ids: Collection[int]) -> None:
    """Back to pending (due already): claimed by a run that stopped before the outcome was
    known, so, as after a crash, it may or may not have reached the citizen."""
    conn.executemany("UPDATE outbox SET state = 'pending' WHERE id = ? AND state = 'sending'",
                     [(message_id,) for message_id in message_ids])


def drop_expired(conn: Connection, now: int) -> int:
    """Drop, all at once, what fell due but is pointless now (the appointment has begun)."""
    return conn.execute(
        "UPDATE outbox SET state = 'dropped', last_error = 'expired', finished_ts = ?"
        " WHERE state = 'pending' AND due_ts <= ? AND expires_ts <= ?",
        (now, now, now),
    ).rowcount


def any_due(conn: Connection, now: int) -> bool:
    return conn.execute("SELECT 1 FROM outbox WHERE state = 'pending' AND due_ts <= ? LIMIT 1",
                        (now,)).fetchone() is not None


def _next(conn: Connection, now: int, avoid: Collection[int]) -> int | None:
    besides = f" AND chat_id NOT IN ({', '.join('?' * len(avoid))})" if avoid else ""
    row = conn.execute(
        f"SELECT id FROM outbox WHERE state = 'pending' AND due_ts <= ?{besides}"
        " ORDER BY due_ts, id LIMIT 1",
        (now, *avoid),
    ).fetchone()
    return row[0] if row else None


def claim(conn: Connection, now: int, avoid: Collection[int] = (),
          exclude: Collection[int] = ()) -> Message | None:
    """The message due first, marked in flight, never to a chat in `exclude` (one of its
    messages is in flight); to a chat in `avoid` (written to a moment ago) only when nothing else
    is due."""
    found = _next(conn, now, {*avoid, *exclude})
    if found is None and set(avoid) - set(exclude):
        found = _next(conn, now, exclude)
    if found is None:
        return None
    row = conn.execute(
        "UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id = ?"
        " RETURNING id, chat_id, kind, booking_id, payload, due_ts, expires_ts, attempts",
        (found,),
    ).fetchone()
    return Message(row[0], row[1], row[2], row[3], json.loads(row[4]), row[5], row[6], row[7])


def finish(conn: Connection, message_id: int, state: str, now: int,
           error: str | None = None) -> None:
    """End a row: 'sent', 'dropped' or 'failed' (with why)."""
    conn.execute("UPDATE outbox SET state = ?, finished_ts = ?, last_error = ? WHERE id = ?",
                 (state, now, error, message_id))


def retry(conn: Connection, message_id: int, due: int, error: str | None) -> None:
    """Back to pending, due again at `due` (a failed attempt: with why; a deferred one: None)."""
    conn.execute(
        "UPDATE outbox SET state = 'pending', due_ts = ?, last_error = coalesce(?, last_error)"
        " WHERE id = ?",
        (due, error, message_id),
    )


def superseded(conn: Connection, message: Message, now: int) -> bool:
    """Whether a later message of the same kind about the same booking is due too (after some
    downtime): then only that later one is worth sending."""
    return message.booking_id is not None and conn.execute(
        "SELECT 1 FROM outbox WHERE booking_id = ? AND kind = ? AND state = 'pending'"
        " AND due_ts <= ? AND (due_ts, id) > (?, ?)",
        (message.booking_id, message.kind, now, message.due, message.id),
    ).fetchone() is not None
