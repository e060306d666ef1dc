-- Issue 10: one canonical codice fiscale, and one person in one place at a time.

-- Codici fiscali were stored as typed (a zero-width space, a trailing dot, fullwidth letters
-- made "another" person): each is rewritten in the canonical form of bot/identity.py.
-- canonical_codice_fiscale() is bot.domain.identity.canonical_or_as_stored, which storage/db.py
-- registers on the connection before migrating; a value it cannot read is left as it is.
UPDATE bookings SET codice_fiscale = canonical_codice_fiscale(codice_fiscale)
 WHERE codice_fiscale IS NOT NULL;
UPDATE citizens SET last_cf = canonical_codice_fiscale(last_cf) WHERE last_cf IS NOT NULL;
UPDATE drafts
   SET data = json_set(data, '$.codice_fiscale',
                       canonical_codice_fiscale(json_extract(data, '$.codice_fiscale')))
 WHERE json_extract(data, '$.codice_fiscale') IS NOT NULL;
UPDATE operator_drafts
   SET data = json_set(data, '$.cf', canonical_codice_fiscale(json_extract(data, '$.cf')))
 WHERE json_extract(data, '$.cf') IS NOT NULL;

-- The operator who booked this on purpose over another booking of the same person (/add's
-- "Book anyway"); such a booking is outside the rule below, both ways.
ALTER TABLE bookings ADD COLUMN person_overlap_by INTEGER;

-- The database itself refuses two active bookings of one codice fiscale at overlapping times,
-- as it refuses two at one desk. Active: not yet over (served, no-show and cancelled are).
-- A booking that replaces another (a move) does not collide with the one it replaces, which is
-- cancelled in the same transaction. Existing overlaps are left alone: only new rows and
-- changes are checked. No booking lasts more than 12 hours: bookings_cf bounds the scan.
CREATE TRIGGER bookings_one_person_insert
BEFORE INSERT ON bookings
WHEN NEW.codice_fiscale IS NOT NULL AND NEW.person_overlap_by IS NULL
 AND NEW.status IN ('booked', 'checked_in', 'in_service')
 AND EXISTS (
    SELECT 1 FROM bookings AS b
    WHERE b.codice_fiscale = NEW.codice_fiscale
      AND b.status IN ('booked', 'checked_in', 'in_service')
      AND b.person_overlap_by IS NULL
      AND b.id IS NOT NEW.rescheduled_from
      AND b.start_ts > NEW.start_ts - 43200
      AND b.start_ts < NEW.end_ts
      AND b.end_ts > NEW.start_ts)
BEGIN
    SELECT RAISE(ABORT, 'overlapping booking of the same person');
END;

CREATE TRIGGER bookings_one_person_update
BEFORE UPDATE OF codice_fiscale, start_ts, end_ts, status, person_overlap_by ON bookings
WHEN NEW.codice_fiscale IS NOT NULL AND NEW.person_overlap_by IS NULL
 AND NEW.status IN ('booked', 'checked_in', 'in_service')
 AND (OLD.status NOT IN ('booked', 'checked_in', 'in_service')
      OR OLD.codice_fiscale IS NOT NEW.codice_fiscale OR OLD.start_ts <> NEW.start_ts
      OR OLD.end_ts <> NEW.end_ts OR OLD.person_overlap_by IS NOT NULL)
 AND EXISTS (
    SELECT 1 FROM bookings AS b
    WHERE b.codice_fiscale = NEW.codice_fiscale
      AND b.id <> NEW.id
      AND b.status IN ('booked', 'checked_in', 'in_service')
      AND b.person_overlap_by IS NULL
      AND b.start_ts > NEW.start_ts - 43200
      AND b.start_ts < NEW.end_ts
      AND b.end_ts > NEW.start_ts)
BEGIN
    SELECT RAISE(ABORT, 'overlapping booking of the same person');
END;
