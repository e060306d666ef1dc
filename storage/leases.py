"""Leases: one holder at a time for a name ('jobs', 'chat:ID'), until an expiry it renews.

Times are milliseconds since the epoch, on the workers' clocks (kept by NTP: a skew between
machines eats into the margin a holder keeps before its lease runs out, see bot/leadership.py).
Taking is one statement, an upsert whose condition is checked under the row's lock, so two
workers asking at once cannot both get it, on SQLite as on PostgreSQL (even at READ COMMITTED:
the loser waits for the winner's row, then finds it taken). Renewing is an UPDATE of the row only
while its holder is still the one renewing: how a holder checks, under the same lock, that no one
took over before it acts on what it holds (the fence); a lease that ran out but that nobody took
is still its holder's to renew.
"""

from __future__ import annotations

from collections.abc import Iterable

from storage.engine import Connection

JOBS = "jobs"


def chat(chat_id: int) -> str:
    """The lease on a chat's updates; the same text as `'chat:' || inbox.chat_id` in SQL."""
    return f"chat:{chat_id}"


def take(conn: Connection, name: str, holder: str, now: int, lease: int) -> bool:
    """Take `name` for `lease` ms if it is free, expired or already `holder`'s (a renewal)."""
    return conn.execute(
        "INSERT INTO leases (name, holder, expires_ms) VALUES (?, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,"
        " expires_ms = excluded.expires_ms"
        " WHERE leases.holder = excluded.holder OR leases.expires_ms <= ?"
        " RETURNING holder",
        (name, holder, now + lease, now),
    ).fetchone() is not None


def renew(conn: Connection, name: str, holder: str, now: int, lease: int) -> bool:
    """Extend `holder`'s lease on `name` to `now + lease`; False if it is no longer `holder`'s
    (another took it over, or it was let go)."""
    return conn.execute("UPDATE leases SET expires_ms = ? WHERE name = ? AND holder = ?",
                        (now + lease, name, holder)).rowcount == 1


def renew_all(conn: Connection, held: Iterable[tuple[str, str]], now: int,
              lease: int) -> set[tuple[str, str]]:
    """`renew` each (name, holder); those still held."""
    return {(name, holder) for name, holder in held if renew(conn, name, holder, now, lease)}


def release(conn: Connection, name: str, holder: str) -> None:
    """Let `name` go at once (a clean stop), if `holder` still has it."""
    conn.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder))


def holder(conn: Connection, name: str, now: int) -> str | None:
    """Who holds `name` now; None if nobody does."""
    row = conn.execute("SELECT holder FROM leases WHERE name = ? AND expires_ms > ?",
                       (name, now)).fetchone()
    return row[0] if row else None


def purge_expired(conn: Connection, before: int) -> int:
    """Forget leases expired before `before` (chats whose worker died, or long released)."""
    return conn.execute("DELETE FROM leases WHERE expires_ms < ?", (before,)).rowcount
