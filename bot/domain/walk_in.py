"""Booking on a citizen's behalf at the counter or by phone (pure): the rules the counter books
by. What the operator types is checked by bot/domain/identity.py, as for citizens."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.domain.model import Office, from_ts, to_ts


def counter_office(office: Office) -> Office:
    """The office as the counter books it: no minimum notice, so a walk-in can be served now."""
    return replace(office, rules=replace(office.rules, min_notice_minutes=0))


def counter_now(office: Office, now: datetime) -> datetime:
    """`now` moved back to the start of the current slot step: the slot under way can be given."""
    step = office.rules.slot_step_minutes * 60
    ts = to_ts(now)
    return from_ts(ts - ts % step, office.tz)
