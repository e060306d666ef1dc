"""Erasing personal data: on a citizen's request, and after the retention period."""

from __future__ import annotations

import sqlite3


def future_bookings(conn: sqlite3.Connection, user_id: int, now: int) -> list[int]:
    return [row[0] for row in conn.execute(
        "SELECT id FROM bookings WHERE user_id = ? AND status = 'booked' AND start_ts > ?",
        (user_id, now))]


def erase_identity(conn: sqlite3.Connection, user_id: int, now: int) -> None:
    """Everything that identifies the citizen: their bookings stay, anonymous, for the counts;
    what they were sent and what they were doing is gone."""
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


def purge_older_than(conn: sqlite3.Connection, before: int, now: int) -> int:
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
