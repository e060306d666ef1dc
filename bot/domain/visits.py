"""The steps of a visit to the counter: arrived, started, ended, no-show.

Pure: which step is allowed from which status, and when. Storage re-checks the status in the
same statement that changes it, so two operators pressing at once cannot both succeed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.booking import Booking, Channel, Status
from bot.domain.messages import N_


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
CHANNEL_LABELS = {
    Channel.CHAT: N_("chat"),
    Channel.PHONE: N_("phone"),
    Channel.DESK: N_("walk-in"),
    Channel.WAITLIST: N_("waiting list"),
}
"""How each booking was made, as the CSV export names it."""


def status_label(visit: Booking) -> str:
    """The untranslated label: a booking confirmed from a reminder reads "confirmed"."""
    if visit.status == Status.BOOKED and visit.confirmed is not None:
        return CONFIRMED_LABEL
    return STATUS_LABELS[visit.status]


def allowed(visit: Booking, action: Action, now: datetime, tz: ZoneInfo,
            no_show_grace: int = 0) -> bool:
    """Whether `action` may be taken now: from the right status, arrivals and starts on the
    day of the appointment (office time), a no-show only `no_show_grace` minutes after the
    appointment's start."""
    if visit.status not in STEPS[action].sources:
        return False
    if action in (Action.ARRIVED, Action.START):
        return visit.start.astimezone(tz).date() == now.astimezone(tz).date()
    if action == Action.NO_SHOW:
        return now >= visit.start + timedelta(minutes=no_show_grace)
    return True


def actions(visit: Booking, now: datetime, tz: ZoneInfo, no_show_grace: int = 0) -> list[Action]:
    return [action for action in Action if allowed(visit, action, now, tz, no_show_grace)]


UNDO_MINUTES = 5
"""How long the operator who took a step can take it back (a slip of the finger)."""


@dataclass(frozen=True, slots=True)
class Undo:
    """Taking the visit's last step back: from `source` to `target`, clearing `column`."""

    source: Status
    target: Status
    column: str
    label: str
    """The step taken back, as its button read."""
    taken_at: datetime | None


def undo(visit: Booking) -> Undo | None:
    """How the visit's last step is taken back; None if it has no step to take back."""
    match visit.status:
        case Status.CHECKED_IN:
            action, back, at = Action.ARRIVED, Status.BOOKED, visit.checked_in
        case Status.IN_SERVICE:
            action, at = Action.START, visit.started
            back = Status.CHECKED_IN if visit.checked_in is not None else Status.BOOKED
        case Status.SERVED:
            action, back, at = Action.END, Status.IN_SERVICE, visit.served
        case Status.NO_SHOW:
            action, back, at = Action.NO_SHOW, Status.BOOKED, visit.no_show
        case _:
            return None
    step = STEPS[action]
    return Undo(visit.status, back, step.column, step.label, at)


def undoable(visit: Booking, taken_by: int | None, actor: int, now: datetime) -> Undo | None:
    """The undo `actor` may do now: of a step they took themselves, less than UNDO_MINUTES ago
    (`taken_by`: who took the step that led to the visit's status, from the audit)."""
    found = undo(visit)
    if found is None or taken_by != actor or found.taken_at is None:
        return None
    return found if now - found.taken_at <= timedelta(minutes=UNDO_MINUTES) else None
