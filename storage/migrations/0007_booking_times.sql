-- The times a booking had before it was moved (issue 12): a move keeps the booking (its code,
-- its row) and records here the desk and time it leaves, when, for the audit and the statistics.
CREATE TABLE booking_times (
    id         INTEGER PRIMARY KEY,
    booking_id INTEGER NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
    desk       TEXT    NOT NULL,
    start_ts   INTEGER NOT NULL,
    end_ts     INTEGER NOT NULL,
    moved_ts   INTEGER NOT NULL
);
CREATE INDEX booking_times_booking ON booking_times (booking_id);
CREATE INDEX booking_times_moved ON booking_times (moved_ts);
