"""Operators: who they are, the invitations that register them, the desk each works at today.

Administrators are not stored here: they come from the configuration.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from bot.domain.model import DEFAULT_LANGUAGE
from storage import audit, citizens
from storage.engine import Connection


@dataclass(frozen=True, slots=True)
class Operator:
    user_id: int
    name: str
    added: int


class Redeemed(enum.StrEnum):
    REGISTERED = "registered"
    USED = "used"
    INVALID = "invalid"
    """Unknown, or expired."""


def is_active(conn: Connection, user_id: int) -> bool:
    return conn.execute(
        "SELECT 1 FROM operators WHERE user_id = ? AND removed_ts IS NULL", (user_id,)
    ).fetchone() is not None


def active(conn: Connection) -> list[Operator]:
    rows = conn.execute(
        "SELECT user_id, name, added_ts FROM operators WHERE removed_ts IS NULL"
        " ORDER BY lower(name), user_id"
    ).fetchall()
    return [Operator(*row) for row in rows]


def remove(conn: Connection, user_id: int, by: int, now: int) -> Operator | None:
    row = conn.execute(
        "UPDATE operators SET removed_ts = ? WHERE user_id = ? AND removed_ts IS NULL"
        " RETURNING user_id, name, added_ts",
        (now, user_id),
    ).fetchone()
    if row is None:
        return None
    audit.record(conn, now, by, "remove_operator", detail=str(user_id))
    return Operator(*row)


def invite(conn: Connection, token_hash: str, by: int, now: int, expires: int) -> None:
    """Store a single-use invitation (only the hash of its token) and audit it."""
    conn.execute(
        "INSERT INTO invites (token_hash, created_by, created_ts, expires_ts) VALUES (?, ?, ?, ?)",
        (token_hash, by or None, now, expires),
    )
    audit.record(conn, now, by, "invite", detail=f"expires {expires}")


def redeem(conn: Connection, token_hash: str, user_id: int, name: str,
           now: int) -> Redeemed:
    """Use the invitation to register `user_id` (again, if they had been removed)."""
    row = conn.execute(
        "SELECT created_by, expires_ts, used_ts FROM invites WHERE token_hash = ?", (token_hash,)
    ).fetchone()
    if row is None or (row["used_ts"] is None and row["expires_ts"] <= now):
        return Redeemed.INVALID
    if row["used_ts"] is not None:
        return Redeemed.USED
    conn.execute("UPDATE invites SET used_by = ?, used_ts = ? WHERE token_hash = ?",
                 (user_id, now, token_hash))
    conn.execute(
        "INSERT INTO operators (user_id, name, added_by, added_ts) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET name = excluded.name, added_by = excluded.added_by,"
        " added_ts = excluded.added_ts, removed_ts = NULL",
        (user_id, name, row["created_by"], now),
    )
    audit.record(conn, now, user_id, "register")
    return Redeemed.REGISTERED


def set_desk(conn: Connection, user_id: int, day: date, desk: str, now: int) -> None:
    conn.execute(
        "INSERT INTO operator_desks (user_id, day, desk) VALUES (?, ?, ?)"
        " ON CONFLICT (user_id, day) DO UPDATE SET desk = excluded.desk",
        (user_id, day.isoformat(), desk),
    )
    audit.record(conn, now, user_id, "desk", detail=f"{day.isoformat()} {desk}")


def desk_on(conn: Connection, user_id: int, day: date) -> str | None:
    row = conn.execute("SELECT desk FROM operator_desks WHERE user_id = ? AND day = ?",
                       (user_id, day.isoformat())).fetchone()
    return row[0] if row else None


def name_of(conn: Connection, user_id: int) -> str | None:
    """The operator's name, even once removed (it still labels what they did)."""
    row = conn.execute("SELECT name FROM operators WHERE user_id = ?", (user_id,)).fetchone()
    return row[0] if row else None


def staff_languages(conn: Connection,
                    admins: Iterable[int]) -> dict[int, tuple[str, bool]]:
    """Each administrator's and active operator's language, and whether an administrator."""
    roles = {operator.user_id: False for operator in active(conn)}
    roles.update(dict.fromkeys(admins, True))
    languages = {}
    for user_id, admin in roles.items():
        found = citizens.get(conn, user_id)
        languages[user_id] = (found.lang if found else DEFAULT_LANGUAGE, admin)
    return languages
