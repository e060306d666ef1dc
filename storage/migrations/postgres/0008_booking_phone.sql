-- PostgreSQL twin of ../0008_booking_phone.sql (the same statement).
-- A phone number for a booking made by an operator for a caller (issue 11): the bot cannot tell
-- such a citizen of a closure or a cancellation, the operator can call them. Optional; kept in
-- the international form ("+39 333 123 4567", bot/domain/phone.py); erased with the name, the
-- codice fiscale and the note (storage/privacy.py).
ALTER TABLE bookings ADD COLUMN phone TEXT;
