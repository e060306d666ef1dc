"""Conversations in progress (bot/domain/flows.py): one table, one draft per user and party."""

from __future__ import annotations

from bot.domain.flows import Party, Saved
from bot.domain.staff_flows import FLOWS
from storage import holds
from storage.engine import Connection


def get(conn: Connection, user_id: int, party: Party) -> tuple[Saved, int] | None:
    """The user's draft as `party` and when it last changed (Unix seconds)."""
    row = conn.execute("SELECT flow, data, updated_ts FROM drafts WHERE user_id = ? AND party = ?",
                       (user_id, party)).fetchone()
    return (FLOWS[row[0]].from_json(row[1]), row[2]) if row else None


def save(conn: Connection, user_id: int, draft: Saved, now: int) -> None:
    """Save `draft`, replacing whatever else the user was doing as the same party."""
    conn.execute(
        "INSERT INTO drafts (user_id, party, flow, nonce, step, data, updated_ts)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (user_id, party) DO UPDATE SET flow = excluded.flow,"
        " nonce = excluded.nonce, step = excluded.step, data = excluded.data,"
        " updated_ts = excluded.updated_ts",
        (user_id, draft.PARTY, draft.FLOW, draft.nonce, draft.step, draft.to_json(), now),
    )


def start(conn: Connection, user_id: int, draft: Saved, now: int) -> None:
    """Save `draft` in place of whatever the user was doing as the same party; a citizen's held
    time goes with what it replaces."""
    if draft.PARTY is Party.CITIZEN:
        holds.release(conn, user_id)
    save(conn, user_id, draft, now)


def delete(conn: Connection, user_id: int, party: Party = Party.CITIZEN) -> None:
    """Forget the user's draft as `party`; a citizen's held time goes with it."""
    conn.execute("DELETE FROM drafts WHERE user_id = ? AND party = ?", (user_id, party))
    if party is Party.CITIZEN:
        holds.release(conn, user_id)


def purge_stale(conn: Connection, abandoned_before: int, forgotten_before: int) -> int:
    """Drafts left since before `abandoned_before` are abandoned: a citizen's held time is
    released (their next message is told the booking expired, until `forgotten_before`); an
    operator's is forgotten at once, since it may hold a citizen's name and codice fiscale.
    Return how many were forgotten."""
    for (user_id,) in conn.execute(
            "SELECT user_id FROM drafts WHERE party = ? AND updated_ts < ?",
            (Party.CITIZEN, abandoned_before)).fetchall():
        holds.release(conn, user_id)
    forgotten = 0
    for party, before in ((Party.CITIZEN, forgotten_before), (Party.STAFF, abandoned_before)):
        forgotten += conn.execute("DELETE FROM drafts WHERE party = ? AND updated_ts < ?",
                                  (party, before)).rowcount
    return forgotten
