"""What the bot will send on its own about a new booking, and when (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.booking import Scheduled
from bot.domain.model import Office, Service, to_ts

REMINDER = "reminder"
CONFIRM_DEADLINE = "confirm_deadline"


def confirm_deadline(service: Service, start: datetime) -> datetime | None:
    """Confirm-or-lose: by when a booking of `service` at `start` must be confirmed (real hours
    before, whatever the clock does meanwhile); None for a service without it."""
    if service.confirm_hours is None:
        return None
    return start.astimezone(UTC) - timedelta(hours=service.confirm_hours)


def schedule(office: Office, service: Service, start: datetime, now: datetime) -> list[Scheduled]:
    """Reminders at the configured offsets, and the confirm-or-lose deadline if the service has
    one; only those still in the future.

    For a confirm-or-lose service the offsets count from the deadline, not from the start, so
    that the reminders (which ask to confirm) arrive while there is time to; if none of them
    would come before the deadline any more, one goes at once.
    """
    deadline = confirm_deadline(service, start)
    if deadline and deadline <= now:
        deadline = None  # booked after the deadline: nothing to confirm
    anchor = deadline or start
    dues = sorted(due for due in {r.due(anchor, office.tz) for r in office.reminders} if due > now)
    if deadline and not dues:
        dues = [now]
    items = [Scheduled(REMINDER, to_ts(due), expires=to_ts(start)) for due in dues]
    if deadline:
        items.append(Scheduled(CONFIRM_DEADLINE, to_ts(deadline), expires=to_ts(start)))
    return items
