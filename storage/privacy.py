"""Erasing personal data: on a citizen's request, and after the retention period."""

from __future__ import annotations

from storage import bookings
from storage.engine import Connection


def erase_citizen(conn: Connection, user_id: int, now: int) -> int:
    """Cancel the citizen's future bookings and erase everything that identifies them; the
    bookings stay, anonymous, for the counts. Return how many bookings were cancelled."""
    future = [row[0] for row in conn.execute(
        "SELECT id FROM bookings WHERE user_id = ? AND status = 'booked' AND start_ts > ?",
        (user_id, now))]
    for booking_id in future:
        bookings.cancel(conn, booking_id, now, by="erasure")
    conn.execute(
        "UPDATE bookings SET name = NULL, codice_fiscale = NULL, note = NULL, user_id = NULL,"
        " purged_ts = ? WHERE user_id = ?",
        (now, user_id),
    )
    conn.execute("UPDATE outbox SET state = 'cancelled', finished_ts = ?"
                 " WHERE chat_id = ? AND state = 'pending'", (now, user_id))
    for table, column in (("drafts", "user_id"), ("holds", "owner"), ("waitlist", "user_id"),
                          ("citizens", "user_id")):
        conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (user_id,))
    return len(future)


def purge_older_than(conn: Connection, before: int, now: int) -> int:
    """Erase names, codici fiscali and notes of bookings that ended before `before`, and the
    identity remembered for citizens who have booked nothing since. Return bookings purged."""
    purged = conn.execute(
        "UPDATE bookings SET name = NULL, codice_fiscale = NULL, note = NULL, purged_ts = ?"
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
