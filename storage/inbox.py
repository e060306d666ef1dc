"""The inbox: every update received through the webhook, until a worker has processed it.

The webhook only writes the update here and answers at once (`receive`). A worker's lane takes
a chat's lease and the oldest pending update of that chat in one transaction (`claim`), processes
it, then marks it done and takes the chat's next in another (`finish_and_next`), until the chat
has none left and its lease is let go. So a chat's updates are processed one at a time, in
update_id order, by whichever worker holds its lease; a lease whose worker died expires and is
taken over, and the update that worker had in hand is processed again (`attempts` counts the
tries). Only the lease's holder marks an update done: `finish_and_next` first renews the lease,
which fails once another worker has taken the chat over.

Every function here is safe at PostgreSQL's READ COMMITTED (`Database.queue`): each decision is
made under the lock of the lease row it is about (leases.take, leases.renew), and the statements
after it see what was committed before that lock was granted. Claiming lanes skip the inbox rows
other claiming lanes have locked (FOR UPDATE SKIP LOCKED), so that they spread over the waiting
chats instead of queueing for the same one.
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
"""Chats tried in one claim: on PostgreSQL another worker may take one a moment before."""


def claim(conn: Connection, holder: str, now: int, lease: int) -> Delivery | None:
    """Take the chat of the oldest pending update no one else is processing, and that update;
    None if there is none."""
    # Each statement of a READ COMMITTED transaction sees what was committed before it began:
    # a chat another lane took while this one waited for its lease is not a candidate again.
    # Only a chat's oldest pending update is a candidate, so that two lanes never lock two rows
    # of one chat, then each wait for the other's.
    skip = " FOR UPDATE OF i SKIP LOCKED" if conn.engine == "postgresql" else ""
    for _ in range(CANDIDATES):
        row = conn.execute(
            f"SELECT i.chat_id {_UNLEASED} AND NOT EXISTS (SELECT 1 FROM inbox o WHERE"
            " o.chat_id = i.chat_id AND o.state = 'pending' AND o.update_id < i.update_id)"
            f" ORDER BY i.update_id LIMIT 1{skip}", (now,)).fetchone()
        if row is None:
            return None
        if leases.take(conn, leases.chat(row[0]), holder, now, lease):
            found = _oldest(conn, row[0], holder, now)
            if found is not None:
                return found
    return None


def _oldest(conn: Connection, chat_id: int, holder: str, now: int) -> Delivery | None:
    """The chat's oldest pending update, counted as one more attempt, for `holder` who has just
    taken or renewed the chat's lease; with none left, the lease is let go."""
    while True:
        row = conn.execute(
            "UPDATE inbox SET attempts = attempts + 1 WHERE update_id = (SELECT update_id"
            " FROM inbox WHERE chat_id = ? AND state = 'pending' ORDER BY update_id LIMIT 1)"
            " RETURNING update_id, chat_id, payload, received_ms, attempts",
            (chat_id,),
        ).fetchone()
        if row is None:
            leases.release(conn, leases.chat(chat_id), holder)
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
    """Mark `delivery` done and hand over the chat's next update, if `holder` still holds the
    chat (else the one who took it over goes on, and marks it); with none left, the chat goes
    and another is claimed, in the same transaction."""
    name = leases.chat(delivery.chat_id)
    if leases.renew(conn, name, holder, now, lease):
        finish(conn, delivery.update_id, "done", now)
        found = _oldest(conn, delivery.chat_id, holder, now)
        if found is not None:
            return found
    return claim(conn, holder, now, lease)


def finish_and_let_go(conn: Connection, delivery: Delivery, holder: str, now: int) -> bool:
    """Mark `delivery` done and let its chat go (a clean stop), if `holder` still holds it;
    whether it did."""
    name = leases.chat(delivery.chat_id)
    if not leases.renew(conn, name, holder, now, 0):
        return False
    finish(conn, delivery.update_id, "done", now)
    leases.release(conn, name, holder)
    return True


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
