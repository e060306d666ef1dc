"""Erasing a citizen's personal data at their request (/deletemydata)."""

from __future__ import annotations

import sqlite3

from storage import bookings, privacy


def erase_citizen(conn: sqlite3.Connection, user_id: int, now: int) -> int:
    """Cancel the citizen's future bookings and erase everything that identifies them; the
    bookings stay, anonymous, for the counts. Return how many bookings were cancelled."""
    future = privacy.future_bookings(conn, user_id, now)
    for booking_id in future:
        bookings.cancel(conn, booking_id, now, by="erasure")
    privacy.erase_identity(conn, user_id, now)
    return len(future)
