-- PostgreSQL twin of ../0002_waitlist_outbox.sql: the same statements.
-- Reminders, notices and the waiting list (bot/outbox.py, bot/waitlist.py).

-- One place per citizen and service: joining again changes the days, not the place.
CREATE UNIQUE INDEX waitlist_one_place ON waitlist (user_id, service) WHERE state = 'waiting';

-- At start-up the message a crash left in flight is put back (at most one row).
CREATE INDEX outbox_sending ON outbox (id) WHERE state = 'sending';

CREATE INDEX waitlist_offers_open ON waitlist_offers (expires_ts) WHERE state = 'open';
