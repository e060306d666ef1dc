"""The citizen's "I'll be there", recorded on the booking for the operators to see."""

from __future__ import annotations

from bot.domain.booking import Booking
from storage import bookings
from storage.engine import Connection


def confirm(conn: Connection, booking_id: int, user_id: int,
            now: int) -> tuple[Booking, bool] | None:
    """Record that the citizen will come; True if recorded now, False if it was already, or the
    booking is no longer one to come to. None when the booking is not this citizen's."""
    recorded = conn.execute(
        "UPDATE bookings SET confirmed_ts = ? WHERE id = ? AND user_id = ? AND status = 'booked'"
        " AND confirmed_ts IS NULL AND start_ts > ?",
        (now, booking_id, user_id, now),
    ).rowcount
    found = bookings.get(conn, booking_id)
    if found is None or found.user_id != user_id:
        return None
    return found, bool(recorded)
