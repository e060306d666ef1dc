-- Issue 10, PostgreSQL twin of ../0004_one_person.sql (best effort: written before the
-- PostgreSQL backend of issue 13 landed; needs a UTF-8 database and PostgreSQL 13+).

-- Codici fiscali in the canonical form of bot/identity.py: NFKC, without spaces, invisible
-- characters, dashes and dots, upper case. (SQLite calls bot.domain.identity itself; here the same
-- rule is spelled in SQL. A value still not 16 letters and digits is left as it was.)
CREATE FUNCTION pg_temp.canonical_codice_fiscale(value text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN cleaned ~ '^[A-Z0-9]{16}$' THEN cleaned ELSE value END
    FROM (SELECT upper(regexp_replace(normalize(value, NFKC),
                 '[[:space:]\u00ad\u200b-\u200f\u2060\ufeff\u2010-\u2015\u2212.-]', '', 'g'))
          AS cleaned) AS c
$$;

UPDATE bookings SET codice_fiscale = pg_temp.canonical_codice_fiscale(codice_fiscale)
 WHERE codice_fiscale IS NOT NULL;
UPDATE citizens SET last_cf = pg_temp.canonical_codice_fiscale(last_cf) WHERE last_cf IS NOT NULL;
UPDATE drafts
   SET data = jsonb_set(data::jsonb, '{codice_fiscale}',
                        to_jsonb(pg_temp.canonical_codice_fiscale(data::jsonb ->> 'codice_fiscale'))
                        )::text
 WHERE data::jsonb ->> 'codice_fiscale' IS NOT NULL;
UPDATE operator_drafts
   SET data = jsonb_set(data::jsonb, '{cf}',
                        to_jsonb(pg_temp.canonical_codice_fiscale(data::jsonb ->> 'cf')))::text
 WHERE data::jsonb ->> 'cf' IS NOT NULL;

ALTER TABLE bookings ADD COLUMN person_overlap_by BIGINT;

-- One person, one place at a time: the twin of SQLite's bookings_one_person_* triggers.
-- Deferred to the commit, so that a move (new booking inserted, then the old one cancelled in
-- the same transaction) does not collide with itself; storage/bookings.py checks first and
-- names the booking in the way, this refuses what a concurrent transaction slipped in.
-- Fails to be created if the data already holds such overlaps (none before this release).
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE bookings ADD CONSTRAINT bookings_one_person
    EXCLUDE USING gist (codice_fiscale WITH =, int8range(start_ts, end_ts) WITH &&)
    WHERE (codice_fiscale IS NOT NULL AND person_overlap_by IS NULL
           AND status IN ('booked', 'checked_in', 'in_service'))
    DEFERRABLE INITIALLY DEFERRED;
