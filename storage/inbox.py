"""The inbox: every update received through the webhook, until a worker has processed it.

The webhook only writes the update here and answers at once (`receive`). A worker's lane takes
a chat's lease and the oldest pending update of that chat in one transaction (`claim`), processes
it, then marks it done and takes the chat's next in another (`next_of_chat`), until the chat has
none left and its lease is let go. So a chat's updates are processed one at a time, in update_id
order, by whichever worker holds its lease; a lease whose worker died expires and is taken over,
and the update that worker had in hand is processed again (`attempts` counts the tries).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from storage import leases
from storage.engine import Connection

MAX_ATTEMPTS = 3
"""An update whose processing took down its worker this many times is given up ('failed'; the
workers log each attempt after the first)."""


@dataclass(frozen=True, slots=True)
class Delivery:
    update_id: int
    chat_id: int
    payload: str
    received_ms: int
    attempts: int
    """This one included."""


def receive(conn: Connection, update_id: int, chat_id: int, payload: str,
            now: int) -> bool:
    """Keep an update; False if it was received before (a second delivery, ignored)."""
    return conn.execute(
        "INSERT INTO inbox (update_id, chat_id, payload, received_ms) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (update_id) DO NOTHING",
        (update_id, chat_id, payload, now),
    ).rowcount == 1


_UNLEASED = (
    " FROM inbox i WHERE i.state = 'pending' AND NOT EXISTS (SELECT 1 FROM leases l"
    " WHERE l.name = 'chat:' || i.chat_id AND l.expires_ms > ?)"
)


CANDIDATES = 8
"""Chats tried in one claim: on PostgreSQL another worker may take the first a moment before."""


def claim(conn: Connection, holder: str, now: int, lease: int) -> Delivery | None:
    """Take the chat of the oldest pending update no one else is processing, and that update;
    None if there is none."""
    rows = conn.execute(f"SELECT i.chat_id {_UNLEASED} ORDER BY i.update_id LIMIT ?",
                        (now, CANDIDATES)).fetchall()
    for chat_id in dict.fromkeys(row[0] for row in rows):
        found = next_of_chat(conn, chat_id, holder, now, lease)
        if found is not None:
            return found
    return None


def next_of_chat(conn: Connection, chat_id: int, holder: str, now: int,
                 lease: int) -> Delivery | None:
    """Renew `holder`'s lease on the chat and hand over its oldest pending update; with none
    left, let the lease go. None also when the lease is someone else's now (this worker
    stalled past its expiry): that one goes on with the chat."""
    name = leases.chat(chat_id)
    if not leases.take(conn, name, holder, now, lease):
        return None
    while True:
        row = conn.execute(
            "UPDATE inbox SET attempts = attempts + 1 WHERE update_id = (SELECT update_id"
            " FROM inbox WHERE chat_id = ? AND state = 'pending' ORDER BY update_id LIMIT 1)"
            " RETURNING update_id, chat_id, payload, received_ms, attempts",
            (chat_id,),
        ).fetchone()
        if row is None:
            leases.release(conn, name, holder)
            return None
        delivery = Delivery(*row)
        if delivery.attempts <= MAX_ATTEMPTS:
            return delivery
        finish(conn, delivery.update_id, "failed", now)


def finish(conn: Connection, update_id: int, state: str, now: int) -> None:
    """'done', or 'failed' (given up)."""
    conn.execute(
        "UPDATE inbox SET state = ?, finished_ms = ? WHERE update_id = ? AND state = 'pending'",
        (state, now, update_id),
    )


def finish_and_next(conn: Connection, delivery: Delivery, holder: str, now: int,
                    lease: int) -> Delivery | None:
    """Mark `delivery` done and hand over the chat's next update; with none left, the chat goes
    and another is claimed, in the same transaction."""
    finish(conn, delivery.update_id, "done", now)
    return (next_of_chat(conn, delivery.chat_id, holder, now, lease)
            or claim(conn, holder, now, lease))


def claimable(conn: Connection, now: int) -> int:
    """Chats with pending updates that no one is processing."""
    return int(conn.execute(f"SELECT count(DISTINCT i.chat_id) {_UNLEASED}",
                            (now,)).fetchone()[0])


def processed(conn: Connection, update_ids: Collection[int]) -> set[int]:
    """Those of `update_ids` no longer pending."""
    if not update_ids:
        return set()
    marks = ", ".join("?" * len(update_ids))
    return {row[0] for row in conn.execute(
        f"SELECT update_id FROM inbox WHERE state <> 'pending' AND update_id IN ({marks})",
        tuple(update_ids))}


def purge_finished(conn: Connection, before: int) -> int:
    """Forget updates finished before `before`. Telegram gives up redelivering an update after
    a day, so a day of them is enough to recognise every second delivery."""
    return conn.execute("DELETE FROM inbox WHERE state <> 'pending' AND finished_ms < ?",
                        (before,)).rowcount
