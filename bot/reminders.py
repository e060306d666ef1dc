"""What the bot will send on its own about a new booking, and when (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.model import Office, Scheduled, Service, to_ts

REMINDER = "reminder"
CONFIRM_DEADLINE = "confirm_deadline"


def schedule(office: Office, service: Service, start: datetime, now: datetime) -> list[Scheduled]:
    """Reminders at the configured offsets, and the confirm-or-lose deadline if the service
    has one; only those still in the future."""
    items = [Scheduled(REMINDER, to_ts(due), expires=to_ts(start))
             for due in sorted({r.due(start, office.tz) for r in office.reminders}) if due > now]
    if service.confirm_hours is not None:
        deadline = start.astimezone(UTC) - timedelta(hours=service.confirm_hours)
        if deadline > now:
            items.append(Scheduled(CONFIRM_DEADLINE, to_ts(deadline), expires=to_ts(start)))
    return items
