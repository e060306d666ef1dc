"""Citizens: the Telegram account, its language, the identity last used to book."""

from __future__ import annotations

from dataclasses import dataclass

from storage.engine import Connection


@dataclass(frozen=True, slots=True)
class Citizen:
    user_id: int
    lang: str
    last_name: str | None
    last_cf: str | None
    unreachable: bool


def ensure(conn: Connection, user_id: int, lang: str, now: int) -> Citizen:
    """The citizen, created with `lang` on first contact."""
    conn.execute(
        "INSERT INTO citizens (user_id, lang, created_ts) VALUES (?, ?, ?)"
        " ON CONFLICT (user_id) DO NOTHING",
        (user_id, lang, now),
    )
    citizen = get(conn, user_id)
    assert citizen is not None
    return citizen


def get(conn: Connection, user_id: int) -> Citizen | None:
    row = conn.execute(
        "SELECT user_id, lang, last_name, last_cf, unreachable_ts IS NOT NULL FROM citizens"
        " WHERE user_id = ?",
        (user_id,),
    ).fetchone()
    return Citizen(row[0], row[1], row[2], row[3], bool(row[4])) if row else None


def set_lang(conn: Connection, user_id: int, lang: str) -> None:
    conn.execute("UPDATE citizens SET lang = ? WHERE user_id = ?", (lang, user_id))


def remember_identity(conn: Connection, user_id: int, name: str, cf: str) -> None:
    conn.execute("UPDATE citizens SET last_name = ?, last_cf = ? WHERE user_id = ?",
                 (name, cf, user_id))


def mark_unreachable(conn: Connection, user_id: int, now: int) -> None:
    conn.execute("UPDATE citizens SET unreachable_ts = ? WHERE user_id = ?", (now, user_id))


def mark_reachable(conn: Connection, user_id: int) -> None:
    conn.execute("UPDATE citizens SET unreachable_ts = NULL WHERE user_id = ?", (user_id,))
