"""The kinds of message the bot sends on its own (rows of the outbox), and what each carries.

- `reminder` (booking_id): the appointment, what to bring, and "I'll be there", "Cancel", "Move".
- `confirm_deadline` (booking_id): not a message; the outbox's triage acts on it (confirm-or-lose).
- `booking_cancelled` (booking_id, payload {"reason": str, "by": "operator" | "closure" |
  "unconfirmed"}): why the office cancelled it, and "Book another time".
- `calendar_cancel` (booking_id, payload {"sequence": int, "stamp": Unix seconds}): queued with
  every `booking_cancelled`, the cancelling .ics of the booking (METHOD:CANCEL, its UID, the
  SEQUENCE after its moves), sent as a document of its own: one row, one message, so the
  outbox's guarantees hold for it as for any other.
- `waitlist_offer` (payload {"offer": id}): a freed time held for a citizen on the waiting list.
"""

from __future__ import annotations

from bot.domain.schedules import CONFIRM_DEADLINE, REMINDER

BOOKING_CANCELLED = "booking_cancelled"
CALENDAR_CANCEL = "calendar_cancel"
WAITLIST_OFFER = "waitlist_offer"
KINDS = (REMINDER, CONFIRM_DEADLINE, BOOKING_CANCELLED, CALENDAR_CANCEL, WAITLIST_OFFER)
