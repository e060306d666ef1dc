-- Instants are Unix seconds (UTC); days are ISO dates in the office's time zone.

CREATE TABLE citizens (
    user_id        INTEGER PRIMARY KEY,          -- Telegram user id
    lang           TEXT    NOT NULL DEFAULT 'it',
    last_name      TEXT,                         -- offered again at the next booking
    last_cf        TEXT,
    unreachable_ts INTEGER,                      -- set when Telegram answers Forbidden
    created_ts     INTEGER NOT NULL
);

CREATE TABLE bookings (
    id               INTEGER PRIMARY KEY,
    code             TEXT    NOT NULL UNIQUE,
    user_id          INTEGER REFERENCES citizens(user_id) ON DELETE SET NULL,
    service          TEXT    NOT NULL,
    desk             TEXT    NOT NULL,
    start_ts         INTEGER NOT NULL,
    end_ts           INTEGER NOT NULL,
    status           TEXT    NOT NULL DEFAULT 'booked'
                     CHECK (status IN ('booked', 'checked_in', 'in_service', 'served',
                                       'no_show', 'cancelled')),
    name             TEXT,
    codice_fiscale   TEXT,
    note             TEXT,
    created_ts       INTEGER NOT NULL,
    created_by       INTEGER,                    -- the operator who booked on the citizen's behalf
    confirmed_ts     INTEGER,                    -- "I'll be there" from a reminder
    checked_in_ts    INTEGER,
    started_ts       INTEGER,
    served_ts        INTEGER,
    no_show_ts       INTEGER,
    cancelled_ts     INTEGER,
    cancelled_by     TEXT,                       -- citizen, operator, closure, unconfirmed, erasure
    cancel_reason    TEXT,
    rescheduled_from INTEGER REFERENCES bookings(id),
    purged_ts        INTEGER,                    -- personal data erased
    CHECK (end_ts > start_ts AND end_ts - start_ts <= 43200)
);

-- Bookings that hold their desk's time. The same list is spelled out in the triggers below
-- and in storage/bookings.py (OCCUPYING), so that SQLite can use this partial index.
CREATE INDEX bookings_desk_time ON bookings (desk, start_ts, end_ts)
    WHERE status IN ('booked', 'checked_in', 'in_service', 'served');
CREATE INDEX bookings_start ON bookings (start_ts);
CREATE INDEX bookings_user ON bookings (user_id, start_ts);
CREATE INDEX bookings_cf ON bookings (codice_fiscale, start_ts) WHERE codice_fiscale IS NOT NULL;

-- The database itself refuses two bookings at the same desk at the same time.
-- No booking lasts more than 12 hours (CHECK above), which bounds the index range scanned.
CREATE TRIGGER bookings_no_overlap_insert
BEFORE INSERT ON bookings
WHEN NEW.status IN ('booked', 'checked_in', 'in_service', 'served')
 AND EXISTS (
    SELECT 1 FROM bookings AS b
    WHERE b.desk = NEW.desk
      AND b.status IN ('booked', 'checked_in', 'in_service', 'served')
      AND b.start_ts > NEW.start_ts - 43200
      AND b.start_ts < NEW.end_ts
      AND b.end_ts > NEW.start_ts)
BEGIN
    SELECT RAISE(ABORT, 'overlapping booking at the same desk');
END;

CREATE TRIGGER bookings_no_overlap_update
BEFORE UPDATE OF desk, start_ts, end_ts, status ON bookings
WHEN NEW.status IN ('booked', 'checked_in', 'in_service', 'served')
 AND EXISTS (
    SELECT 1 FROM bookings AS b
    WHERE b.desk = NEW.desk
      AND b.id <> NEW.id
      AND b.status IN ('booked', 'checked_in', 'in_service', 'served')
      AND b.start_ts > NEW.start_ts - 43200
      AND b.start_ts < NEW.end_ts
      AND b.end_ts > NEW.start_ts)
BEGIN
    SELECT RAISE(ABORT, 'overlapping booking at the same desk');
END;

-- A time kept for one citizen while they finish booking, or offered from the waitlist.
CREATE TABLE holds (
    id         INTEGER PRIMARY KEY,
    owner      INTEGER NOT NULL,                 -- Telegram user id
    purpose    TEXT    NOT NULL DEFAULT 'booking' CHECK (purpose IN ('booking', 'offer')),
    service    TEXT    NOT NULL,
    desk       TEXT    NOT NULL,
    start_ts   INTEGER NOT NULL,
    end_ts     INTEGER NOT NULL,
    expires_ts INTEGER NOT NULL,
    UNIQUE (owner, purpose)
);
CREATE INDEX holds_desk_time ON holds (desk, start_ts);

-- Closures made at run time by operators; configured ones live in the office TOML.
CREATE TABLE closures (
    id         INTEGER PRIMARY KEY,
    first_day  TEXT    NOT NULL,
    last_day   TEXT    NOT NULL,
    desk       TEXT,                             -- NULL: the whole office
    reason     TEXT    NOT NULL DEFAULT '',
    created_by INTEGER,
    created_ts INTEGER NOT NULL,
    lifted_by  INTEGER,
    lifted_ts  INTEGER,
    CHECK (last_day >= first_day)
);

-- Everything the bot sends on its own initiative, delivered by one job (bot/outbox.py).
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    chat_id     INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    booking_id  INTEGER REFERENCES bookings(id),
    payload     TEXT    NOT NULL DEFAULT '{}',   -- JSON
    due_ts      INTEGER NOT NULL,
    expires_ts  INTEGER,                         -- pointless after this instant: dropped
    state       TEXT    NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'sending', 'sent', 'dropped', 'failed', 'cancelled')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_ts  INTEGER NOT NULL,
    finished_ts INTEGER
);
CREATE INDEX outbox_due ON outbox (due_ts) WHERE state = 'pending';
CREATE INDEX outbox_booking ON outbox (booking_id) WHERE state = 'pending';

CREATE TABLE waitlist (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES citizens(user_id) ON DELETE CASCADE,
    service    TEXT    NOT NULL,
    first_day  TEXT    NOT NULL,
    last_day   TEXT    NOT NULL,
    state      TEXT    NOT NULL DEFAULT 'waiting'
               CHECK (state IN ('waiting', 'booked', 'left', 'expired')),
    created_ts INTEGER NOT NULL,
    ended_ts   INTEGER
);
CREATE INDEX waitlist_waiting ON waitlist (service, created_ts) WHERE state = 'waiting';

CREATE TABLE waitlist_offers (
    id         INTEGER PRIMARY KEY,
    entry_id   INTEGER NOT NULL REFERENCES waitlist(id) ON DELETE CASCADE,
    desk       TEXT    NOT NULL,
    start_ts   INTEGER NOT NULL,
    end_ts     INTEGER NOT NULL,
    offered_ts INTEGER NOT NULL,
    expires_ts INTEGER NOT NULL,
    state      TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'taken', 'expired', 'declined'))
);
CREATE INDEX waitlist_offers_entry ON waitlist_offers (entry_id, start_ts);

-- Where a citizen is in the /book conversation; survives restarts.
CREATE TABLE drafts (
    user_id    INTEGER PRIMARY KEY,
    nonce      TEXT    NOT NULL,
    step       TEXT    NOT NULL,
    data       TEXT    NOT NULL DEFAULT '{}',    -- JSON
    updated_ts INTEGER NOT NULL
);

CREATE TABLE operators (
    user_id    INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    added_by   INTEGER,
    added_ts   INTEGER NOT NULL,
    removed_ts INTEGER
);

CREATE TABLE invites (
    token_hash TEXT    PRIMARY KEY,              -- sha256 of the token in the link
    created_by INTEGER,
    created_ts INTEGER NOT NULL,
    expires_ts INTEGER NOT NULL,
    used_by    INTEGER,
    used_ts    INTEGER
);

CREATE TABLE operator_desks (
    user_id INTEGER NOT NULL,
    day     TEXT    NOT NULL,
    desk    TEXT    NOT NULL,
    PRIMARY KEY (user_id, day)
);

CREATE TABLE audit (
    id         INTEGER PRIMARY KEY,
    ts         INTEGER NOT NULL,
    actor      INTEGER NOT NULL,
    action     TEXT    NOT NULL,
    booking_id INTEGER,
    detail     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_ts ON audit (ts);

-- /calibrate: a service's duration measured and applied by an administrator.
CREATE TABLE service_durations (
    service TEXT    PRIMARY KEY,
    minutes INTEGER NOT NULL CHECK (minutes > 0),
    set_by  INTEGER,
    set_ts  INTEGER NOT NULL
);
