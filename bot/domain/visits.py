"""A booking as the counter sees it, and the steps of the visit: arrived, started, ended, no-show.

Pure: which step is allowed from which status, and when. Storage re-checks the status in the
same statement that changes it, so two operators pressing at once cannot both succeed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.messages import N_
from bot.domain.model import Status, from_ts, to_ts


@dataclass(frozen=True, slots=True)
class Visit:
    """A booking with every timestamp the counter records (Unix seconds)."""

    id: int
    code: str
    user_id: int | None
    service: str
    desk: str
    start: int
    end: int
    status: Status
    name: str | None
    codice_fiscale: str | None
    note: str | None
    created: int
    created_by: int | None = None
    """The operator who booked on the citizen's behalf (phone or walk-in)."""
    confirmed: int | None = None
    checked_in: int | None = None
    started: int | None = None
    served: int | None = None
    no_show: int | None = None

    @property
    def minutes_at_desk(self) -> int | None:
        if self.started is None or self.served is None:
            return None
        return round((self.served - self.started) / 60)


class Action(enum.StrEnum):
    """The steps an operator takes; the values travel in callback data."""

    ARRIVED = "in"
    START = "go"
    END = "end"
    NO_SHOW = "ns"


@dataclass(frozen=True, slots=True)
class Step:
    sources: tuple[Status, ...]
    target: Status
    column: str
    """The timestamp column set when the step is taken."""
    label: str
    done: str


STEPS = {
    Action.ARRIVED: Step((Status.BOOKED,), Status.CHECKED_IN, "checked_in_ts",
                         N_("Arrived"), N_("Marked as arrived.")),
    Action.START: Step((Status.BOOKED, Status.CHECKED_IN), Status.IN_SERVICE, "started_ts",
                       N_("Start"), N_("Service started.")),
    Action.END: Step((Status.IN_SERVICE,), Status.SERVED, "served_ts",
                     N_("End"), N_("Served.")),
    Action.NO_SHOW: Step((Status.BOOKED,), Status.NO_SHOW, "no_show_ts",
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


def status_label(visit: Visit) -> str:
    """The untranslated label: a booking confirmed from a reminder reads "confirmed"."""
    if visit.status == Status.BOOKED and visit.confirmed is not None:
        return CONFIRMED_LABEL
    return STATUS_LABELS[visit.status]


def allowed(visit: Visit, action: Action, now: datetime, tz: ZoneInfo,
            no_show_grace: int = 0) -> bool:
    """Whether `action` may be taken now: from the right status, arrivals and starts on the
    day of the appointment (office time), a no-show only `no_show_grace` minutes after the
    appointment's start."""
    if visit.status not in STEPS[action].sources:
        return False
    if action in (Action.ARRIVED, Action.START):
        return from_ts(visit.start, tz).date() == now.astimezone(tz).date()
    if action == Action.NO_SHOW:
        return to_ts(now) >= visit.start + no_show_grace * 60
    return True


def actions(visit: Visit, now: datetime, tz: ZoneInfo, no_show_grace: int = 0) -> list[Action]:
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
    taken_at: int | None


def undo(visit: Visit) -> Undo | None:
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


def undoable(visit: Visit, taken_by: int | None, actor: int, now: datetime) -> Undo | None:
    """The undo `actor` may do now: of a step they took themselves, less than UNDO_MINUTES ago
    (`taken_by`: who took the visit's last step, from the audit)."""
    found = undo(visit)
    if found is None or taken_by != actor or found.taken_at is None:
        return None
    return found if to_ts(now) - found.taken_at <= UNDO_MINUTES * 60 else None
