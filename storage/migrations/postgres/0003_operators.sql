-- PostgreSQL twin of ../0003_operators.sql (the user id is BIGINT, as everywhere).
-- What an operator is typing in the middle of a command (a reason, a citizen's name, a closure
-- to confirm); kept apart from the citizens' drafts, since an operator may be booking as a
-- citizen at the same time. Survives restarts.
CREATE TABLE operator_drafts (
    user_id    BIGINT  PRIMARY KEY,
    action     TEXT    NOT NULL,
    data       TEXT    NOT NULL DEFAULT '{}',    -- JSON
    updated_ts BIGINT  NOT NULL
);

-- /stats counts bookings made and cancelled in a period.
CREATE INDEX bookings_created ON bookings (created_ts);
CREATE INDEX bookings_cancelled ON bookings (cancelled_ts) WHERE cancelled_ts IS NOT NULL;
