-- Issue 9: every job on a timer reads through an index, whatever the history holds
-- (tests/storage/test_timer_plans.py checks the plans).
-- The daily retention purge: bookings whose personal data is still there, by end.
CREATE INDEX bookings_unpurged ON bookings (end_ts) WHERE purged_ts IS NULL;
-- ... and the citizens who still have an identity remembered.
CREATE INDEX citizens_identity ON citizens (user_id) WHERE last_cf IS NOT NULL;
-- The minutely tidy: expired holds, abandoned drafts (per party).
CREATE INDEX holds_expiry ON holds (expires_ts);
CREATE INDEX drafts_age ON drafts (party, updated_ts);
-- The closures still to come, read by every look for free time.
CREATE INDEX closures_active ON closures (last_day) WHERE lifted_ts IS NULL;
