-- How each booking was made (issue 14): 'chat' (the citizen, in the bot), 'phone' (an operator,
-- for a caller), 'desk' (an operator, for a walk-in at the counter), 'waitlist' (the citizen,
-- taking up a time offered from the waiting list). Written by storage/bookings.py at every insert.
ALTER TABLE bookings ADD COLUMN channel TEXT NOT NULL DEFAULT 'chat'
    CONSTRAINT bookings_channel CHECK (channel IN ('chat', 'phone', 'desk', 'waitlist'));

-- Bookings made before this migration recorded no channel; the best the data allows:
-- 1. A booking without an operator (created_by NULL) was made in the chat: 'chat', the default.
-- 2. An operator's booking (created_by set) is 'desk' when its appointment began no later than
--    30 minutes after it was booked (the citizen was at the counter: /add offers the slot under
--    way), and 'phone' otherwise. ASSUMED: nobody on the phone was booked for the next half
--    hour, and no walk-in was sent away to come back later than that.
UPDATE bookings SET channel = CASE WHEN start_ts - created_ts <= 1800 THEN 'desk' ELSE 'phone' END
WHERE created_by IS NOT NULL;
-- 3. A citizen's booking of the service, desk and time of a waiting-list offer they took:
--    'waitlist'. ASSUMED: such a booking came from the offer (the citizen did not book the same
--    time with /book meanwhile). Citizens whose data was erased left no waiting-list rows: their
--    bookings stay 'chat'.
UPDATE bookings SET channel = 'waitlist'
WHERE created_by IS NULL AND user_id IS NOT NULL AND EXISTS (
    SELECT 1 FROM waitlist_offers AS o JOIN waitlist AS w ON w.id = o.entry_id
    WHERE o.state = 'taken' AND w.user_id = bookings.user_id AND w.service = bookings.service
      AND o.desk = bookings.desk AND o.start_ts = bookings.start_ts);
