"""Erasing personal data: on a citizen's request, and after the retention period."""

from __future__ import annotations

from dataclasses import dataclass

from storage import audit, bookings
from storage.engine import Connection


@dataclass(frozen=True, slots=True)
class Erased:
    bookings: int
    """Bookings whose name, codice fiscale, note and phone were erased."""
    cancelled: int
    """Of them, those still to come, cancelled."""


def _the_person(conn: Connection, booking_id: int) -> list[int] | None:
    """The bookings of the person booking `booking_id` is for: every one with its codice
    fiscale, or just it, without one; None if there is no such booking."""
    row = conn.execute("SELECT codice_fiscale FROM bookings WHERE id = ?",
                       (booking_id,)).fetchone()
    if row is None:
        return None
    if row[0] is None:
        return [booking_id]
    return [found[0] for found in conn.execute(
        "SELECT id FROM bookings WHERE codice_fiscale = ? ORDER BY id", (row[0],))]


def person_bookings(conn: Connection, booking_id: int, now: int) -> Erased | None:
    """What erase_person would do now."""
    ids = _the_person(conn, booking_id)
    if ids is None:
        return None
    marks = ", ".join("?" * len(ids))
    upcoming = conn.execute(f"SELECT count(*) FROM bookings WHERE id IN ({marks})"
                            " AND status = 'booked' AND start_ts > ?", (*ids, now)).fetchone()[0]
    return Erased(len(ids), upcoming)


def erase_person(conn: Connection, booking_id: int, actor: int,
                 now: int) -> Erased | None:
    """Erase the name, codice fiscale, note and phone of the person booking `booking_id` is for,
    from every booking with that codice fiscale and from the identity accounts remember; cancel
    those still to come (without a notice: the person asked for it). Audited without personal
    data."""
    ids = _the_person(conn, booking_id)
    if ids is None:
        return None
    marks = ", ".join("?" * len(ids))
    codes = {row[0] for row in conn.execute(
        f"SELECT codice_fiscale FROM bookings WHERE id IN ({marks})", ids) if row[0]}
    upcoming = [row[0] for row in conn.execute(
        f"SELECT id FROM bookings WHERE id IN ({marks}) AND status = 'booked' AND start_ts > ?",
        (*ids, now))]
    for found in upcoming:
        bookings.cancel(conn, found, now, by="erasure")
    conn.execute(f"UPDATE bookings SET name = NULL, codice_fiscale = NULL, note = NULL,"
                 f" phone = NULL, purged_ts = ? WHERE id IN ({marks})", (now, *ids))
    for code in codes:
        conn.execute("UPDATE citizens SET last_name = NULL, last_cf = NULL WHERE last_cf = ?",
                     (code,))
    audit.record(conn, now, actor, "erase", booking_id,
                 f"{len(ids)} bookings, {len(upcoming)} cancelled")
    return Erased(len(ids), len(upcoming))

def future_bookings(conn: Connection, user_id: int, now: int) -> list[int]:
    return [row[0] for row in conn.execute(
        "SELECT id FROM bookings WHERE user_id = ? AND status = 'booked' AND start_ts > ?",
        (user_id, now))]


def erase_identity(conn: Connection, user_id: int, now: int) -> None:
    """Everything that identifies the citizen: their bookings stay, anonymous, for the counts;
    what they were sent and what they were doing is gone."""
    conn.execute(
        "UPDATE bookings SET name = NULL, codice_fiscale = NULL, note = NULL, phone = NULL,"
        " user_id = NULL, purged_ts = ? WHERE user_id = ?",
        (now, user_id),
    )
    conn.execute("UPDATE outbox SET state = 'cancelled', finished_ts = ?"
                 " WHERE chat_id = ? AND state = 'pending'", (now, user_id))
    for table, column in (("drafts", "user_id"), ("holds", "owner"), ("waitlist", "user_id"),
                          ("citizens", "user_id")):
        conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (user_id,))


def purge_older_than(conn: Connection, before: int, now: int) -> int:
    """Erase names, codici fiscali, notes and phones of bookings that ended before `before`, and
    the identity remembered for citizens who have booked nothing since. Return bookings purged."""
    purged = conn.execute(
        "UPDATE bookings SET name = NULL, codice_fiscale = NULL, note = NULL, phone = NULL,"
        " purged_ts = ?"
        " WHERE end_ts < ? AND purged_ts IS NULL",
        (now, before),
    ).rowcount
    conn.execute(
        "UPDATE citizens SET last_name = NULL, last_cf = NULL WHERE last_cf IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.user_id = citizens.user_id"
        " AND b.end_ts >= ?)",
        (before,),
    )
    return purged
