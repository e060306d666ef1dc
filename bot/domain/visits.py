"""The steps of a visit to the counter: arrived, started, ended, no-show.

Pure: which step is allowed from which status, and when. Storage re-checks the status in the
same statement that changes it, so two operators pressing at once cannot both succeed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.messages import N_
from bot.domain.model import Booking, Status


class Action(enum.StrEnum):
    """The steps an operator takes; the values travel in callback data."""

    ARRIVED = "in"
    START = "go"
    END = "end"
    NO_SHOW = "ns"


@dataclass(frozen=True, slots=True)
class VisitStep:
    """What a step needs of the booking's status, the status it leaves, and what it records."""

    sources: tuple[Status, ...]
    target: Status
    column: str
    """The timestamp column set when the step is taken."""
    label: str
    done: str


STEPS = {
    Action.ARRIVED: VisitStep((Status.BOOKED,), Status.CHECKED_IN, "checked_in_ts",
                              N_("Arrived"), N_("Marked as arrived.")),
    Action.START: VisitStep((Status.BOOKED, Status.CHECKED_IN), Status.IN_SERVICE, "started_ts",
                            N_("Start"), N_("Service started.")),
    Action.END: VisitStep((Status.IN_SERVICE,), Status.SERVED, "served_ts",
                          N_("End"), N_("Served.")),
    Action.NO_SHOW: VisitStep((Status.BOOKED,), Status.NO_SHOW, "no_show_ts",
                              N_("No-show"), N_("Marked as no-show.")),
}

STATUS_LABELS = {
    Status.BOOKED: N_("booked"),
    Status.CHECKED_IN: N_("arrived"),
    Status.IN_SERVICE: N_("at the desk"),
    Status.SERVED: N_("served"),
    Status.NO_SHOW: N_("no-show"),
    Status.CANCELLED: N_("cancelled"),
}
CONFIRMED_LABEL = N_("confirmed")


def status_label(visit: Booking) -> str:
    """The untranslated label: a booking confirmed from a reminder reads "confirmed"."""
    if visit.status == Status.BOOKED and visit.confirmed is not None:
        return CONFIRMED_LABEL
    return STATUS_LABELS[visit.status]


def allowed(visit: Booking, action: Action, now: datetime, tz: ZoneInfo) -> bool:
    """Whether `action` may be taken now: from the right status, arrivals and starts on the
    day of the appointment (office time), a no-show only once the appointment has begun."""
    if visit.status not in STEPS[action].sources:
        return False
    if action in (Action.ARRIVED, Action.START):
        return visit.start.astimezone(tz).date() == now.astimezone(tz).date()
    if action == Action.NO_SHOW:
        return now >= visit.start
    return True


def actions(visit: Booking, now: datetime, tz: ZoneInfo) -> list[Action]:
    return [action for action in Action if allowed(visit, action, now, tz)]
