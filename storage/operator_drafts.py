"""What an operator is in the middle of typing: one pending action each, with its data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from storage.engine import Connection


@dataclass(frozen=True, slots=True)
class Draft:
    action: str
    data: dict[str, Any]


def put(conn: Connection, user_id: int, action: str, data: dict[str, Any],
        now: int) -> None:
    conn.execute(
        "INSERT INTO operator_drafts (user_id, action, data, updated_ts) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET action = excluded.action, data = excluded.data,"
        " updated_ts = excluded.updated_ts",
        (user_id, action, json.dumps(data), now),
    )


def get(conn: Connection, user_id: int, since: int) -> Draft | None:
    """The draft, unless untouched since before `since` (then it is as good as abandoned)."""
    row = conn.execute(
        "SELECT action, data FROM operator_drafts WHERE user_id = ? AND updated_ts >= ?",
        (user_id, since),
    ).fetchone()
    return Draft(row[0], json.loads(row[1])) if row else None


def clear(conn: Connection, user_id: int) -> None:
    conn.execute("DELETE FROM operator_drafts WHERE user_id = ?", (user_id,))


def purge_stale(conn: Connection, older_than: int) -> int:
    """Forget drafts untouched since before `older_than`: abandoned, and they may hold a
    citizen's name and codice fiscale."""
    return conn.execute("DELETE FROM operator_drafts WHERE updated_ts < ?",
                        (older_than,)).rowcount
