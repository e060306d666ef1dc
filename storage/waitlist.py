"""The waiting list: citizens waiting for a time of a service to free up, and the times offered
to them, each held for them meanwhile (`holds`, purpose 'offer').

A citizen has at most one place per service and at most one offer open at a time (a hold is
unique per owner and purpose).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from typing import Any

from storage import holds
from storage.engine import Connection
from storage.occupancy import is_free


@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    user_id: int
    service: str
    first: date
    last: date
    """The days the citizen can come, office time, both included."""


@dataclass(frozen=True, slots=True)
class Offer:
    id: int
    entry_id: int
    user_id: int
    service: str
    desk: str
    start: int
    end: int
    expires: int
    state: str
    """open, taken, expired or declined."""


@dataclass(frozen=True, slots=True)
class Place:
    entry: Entry
    position: int
    """1 for the first in the queue of that service."""
    offer: Offer | None
    """The time offered to this place now, if any."""


class OfferRefusal(enum.StrEnum):
    INVALID = "invalid"
    """No such offer, or someone else's: the same answer, so nothing is revealed."""
    TAKEN = "taken"
    DECLINED = "declined"
    EXPIRED = "expired"
    UNAVAILABLE = "unavailable"
    """The time is taken after all: by the citizen's own booking, made meanwhile with /book."""


_ENTRY = "SELECT w.id, w.user_id, w.service, w.first_day, w.last_day FROM waitlist w"
_OFFER = ("SELECT o.id, o.entry_id, w.user_id, w.service, o.desk, o.start_ts, o.end_ts,"
          " o.expires_ts, o.state FROM waitlist_offers o JOIN waitlist w ON w.id = o.entry_id")


def _entry(row: Any) -> Entry:
    return Entry(row[0], row[1], row[2], date.fromisoformat(row[3]), date.fromisoformat(row[4]))


def join(conn: Connection, user_id: int, service: str, first: date, last: date,
         now: int) -> tuple[Entry, bool]:
    """Wait for `service` on the days from `first` to `last`; True if the place is new, False if
    the citizen was already waiting (the place is kept, the days are changed)."""
    row = conn.execute(
        "UPDATE waitlist SET first_day = ?, last_day = ?"
        " WHERE user_id = ? AND service = ? AND state = 'waiting' RETURNING id",
        (first.isoformat(), last.isoformat(), user_id, service),
    ).fetchone()
    if row:
        return Entry(row[0], user_id, service, first, last), False
    [entry_id] = conn.execute(
        "INSERT INTO waitlist (user_id, service, first_day, last_day, created_ts)"
        " VALUES (?, ?, ?, ?, ?) RETURNING id",
        (user_id, service, first.isoformat(), last.isoformat(), now),
    ).fetchone()
    return Entry(entry_id, user_id, service, first, last), True


def places(conn: Connection, user_id: int) -> list[Place]:
    """Where the citizen waits, oldest place first, with the position in each queue."""
    rows = conn.execute(
        f"{_ENTRY} WHERE user_id = ? AND state = 'waiting' ORDER BY created_ts, id", (user_id,)
    ).fetchall()
    out = []
    for row in rows:
        ahead = conn.execute(
            "SELECT count(*) FROM waitlist AS other, waitlist AS mine WHERE mine.id = ?"
            " AND other.service = mine.service AND other.state = 'waiting'"
            " AND (other.created_ts, other.id) < (mine.created_ts, mine.id)",
            (row[0],),
        ).fetchone()[0]
        offer = conn.execute(f"{_OFFER} WHERE o.entry_id = ? AND o.state = 'open'",
                             (row[0],)).fetchone()
        out.append(Place(_entry(row), ahead + 1, Offer(*offer) if offer else None))
    return out


def leave(conn: Connection, entry_id: int, user_id: int, now: int) -> Entry | None:
    """Give up a place (and the time offered to it, if any); None if it was not theirs or gone."""
    row = conn.execute(
        "UPDATE waitlist SET state = 'left', ended_ts = ?"
        " WHERE id = ? AND user_id = ? AND state = 'waiting'"
        " RETURNING id, user_id, service, first_day, last_day",
        (now, entry_id, user_id),
    ).fetchone()
    if row is None:
        return None
    if conn.execute("UPDATE waitlist_offers SET state = 'declined'"
                    " WHERE entry_id = ? AND state = 'open'", (entry_id,)).rowcount:
        holds.release(conn, user_id, "offer")
    return _entry(row)


def waiting(conn: Connection, now: int) -> list[Entry]:
    """Everyone who can be offered a time now, first come first: waiting, reachable, with no
    other offer open, and not booking a time offered to them (held for that booking)."""
    rows = conn.execute(
        f"{_ENTRY} JOIN citizens c ON c.user_id = w.user_id"
        " WHERE w.state = 'waiting' AND c.unreachable_ts IS NULL AND NOT EXISTS ("
        "  SELECT 1 FROM waitlist_offers o JOIN waitlist mine ON mine.id = o.entry_id"
        "  WHERE mine.user_id = w.user_id AND o.state = 'open') AND NOT EXISTS ("
        "  SELECT 1 FROM waitlist_offers o JOIN holds h ON h.owner = w.user_id"
        "   AND h.purpose = 'booking' AND h.start_ts = o.start_ts AND h.expires_ts > ?"
        "  WHERE o.entry_id = w.id AND o.state = 'taken')"
        " ORDER BY w.created_ts, w.id",
        (now,),
    ).fetchall()
    return [_entry(row) for row in rows]


def served(conn: Connection, user_id: int, service: str, now: int) -> None:
    """The citizen booked the time offered to their place for `service`: the place ends."""
    conn.execute("UPDATE waitlist SET state = 'booked', ended_ts = ?"
                 " WHERE user_id = ? AND service = ? AND state = 'waiting'",
                 (now, user_id, service))


def expire(conn: Connection, today: date, now: int) -> None:
    """Close the places whose days are over, and the offers not taken in time (their holds
    with them)."""
    conn.execute("UPDATE waitlist SET state = 'expired', ended_ts = ?"
                 " WHERE state = 'waiting' AND last_day < ?", (now, today.isoformat()))
    owners = conn.execute(
        "UPDATE waitlist_offers SET state = 'expired' WHERE state = 'open' AND expires_ts <= ?"
        " RETURNING (SELECT user_id FROM waitlist WHERE id = entry_id)",
        (now,),
    ).fetchall()
    for (owner,) in owners:
        holds.release(conn, owner, "offer")


def offered_before(conn: Connection, entry_id: int, start: int) -> bool:
    """Whether this place was offered this time already (and let it go)."""
    return conn.execute("SELECT 1 FROM waitlist_offers WHERE entry_id = ? AND start_ts = ?",
                        (entry_id, start)).fetchone() is not None


def offer(conn: Connection, entry: Entry, hold: holds.Hold, now: int) -> Offer:
    """Offer to `entry` the time `hold` keeps for its citizen, until the hold expires."""
    [offer_id] = conn.execute(
        "INSERT INTO waitlist_offers (entry_id, desk, start_ts, end_ts, offered_ts, expires_ts)"
        " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        (entry.id, hold.desk, hold.start, hold.end, now, hold.expires),
    ).fetchone()
    return Offer(offer_id, entry.id, entry.user_id, entry.service, hold.desk,
                 hold.start, hold.end, hold.expires, "open")


def get_offer(conn: Connection, offer_id: int) -> Offer | None:
    row = conn.execute(f"{_OFFER} WHERE o.id = ?", (offer_id,)).fetchone()
    return Offer(*row) if row else None


def _open_offer(conn: Connection, offer_id: int, user_id: int,
                now: int) -> Offer | OfferRefusal:
    found = get_offer(conn, offer_id)
    if found is None or found.user_id != user_id:
        return OfferRefusal.INVALID
    if found.state in (OfferRefusal.TAKEN, OfferRefusal.DECLINED):
        return OfferRefusal(found.state)
    held = holds.live(conn, user_id, now, "offer")
    if found.state != "open" or held is None or (held.desk, held.start) != (found.desk,
                                                                             found.start):
        return OfferRefusal.EXPIRED
    return found


def _close(conn: Connection, found: Offer, state: str) -> None:
    conn.execute("UPDATE waitlist_offers SET state = ? WHERE id = ?", (state, found.id))
    holds.release(conn, found.user_id, "offer")


def withdraw(conn: Connection, offer_id: int) -> bool:
    """Close an offer that could not reach its citizen, letting its time go; True if it was
    open."""
    found = get_offer(conn, offer_id)
    if found is None or found.state != "open":
        return False
    _close(conn, found, "expired")
    return True


def take(conn: Connection, offer_id: int, user_id: int, now: int) -> Offer | OfferRefusal:
    """Accept an offer: the time stays held (purpose 'offer') until `hold_for_booking`. The
    place stays in the queue, passed over while the citizen books that time, and ends when
    they have (`served`): leaving the booking keeps it."""
    found = _open_offer(conn, offer_id, user_id, now)
    if isinstance(found, OfferRefusal):
        return found
    if not is_free(conn, found.desk, found.start, found.end, now, user_id):
        _close(conn, found, "expired")
        return OfferRefusal.UNAVAILABLE
    conn.execute("UPDATE waitlist_offers SET state = 'taken' WHERE id = ?", (found.id,))
    return found


def hold_for_booking(conn: Connection, taken: Offer, now: int, until: int) -> None:
    """Hold the time of an offer taken for the booking in progress (purpose 'booking')."""
    holds.release(conn, taken.user_id, "offer")
    held = holds.place(conn, taken.user_id, taken.service, (taken.desk,), taken.start,
                       taken.end, now, until)
    assert held is not None, "the offer's own hold kept the time free"


def decline(conn: Connection, offer_id: int, user_id: int,
            now: int) -> Offer | OfferRefusal:
    """Let the offered time go; the place in the queue is kept."""
    found = _open_offer(conn, offer_id, user_id, now)
    if isinstance(found, OfferRefusal):
        return found
    _close(conn, found, "declined")
    return found
