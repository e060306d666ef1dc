"""The kinds of message the bot sends on its own (rows of the outbox), and what each carries.

- `reminder` (booking_id): the appointment, what to bring, and "I'll be there", "Cancel", "Move".
- `confirm_deadline` (booking_id): not a message; the outbox's triage acts on it (confirm-or-lose).
- `booking_cancelled` (booking_id, payload {"reason": str, "by": "operator" | "closure" |
  "unconfirmed"}): why the office cancelled it, and "Book another time".
- `waitlist_offer` (payload {"offer": id}): a freed time held for a citizen on the waiting list.
"""

from __future__ import annotations

from bot.domain.schedules import CONFIRM_DEADLINE, REMINDER

BOOKING_CANCELLED = "booking_cancelled"
WAITLIST_OFFER = "waitlist_offer"
KINDS = (REMINDER, CONFIRM_DEADLINE, BOOKING_CANCELLED, WAITLIST_OFFER)
