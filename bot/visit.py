"""A booking as the counter sees it, and the steps of the visit: arrived, started, ended, no-show.

Pure: which step is allowed from which status, and when. Storage re-checks the status in the
same statement that changes it, so two operators pressing at once cannot both succeed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.waiting import minutes, waited
from bot.i18n import N_
from bot.model import Channel, Status, from_ts, to_ts


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
    channel: Channel = Channel.CHAT

    @property
    def minutes_at_desk(self) -> int | None:
        if self.started is None or self.served is None:
            return None
        return round((self.served - self.started) / 60)

    @property
    def minutes_waited(self) -> int | None:
        """From the moment due to the start (bot/domain/waiting.py); None until started."""
        wait = waited(self.channel, self.start, self.created, self.checked_in, self.started)
        return None if wait is None else minutes(wait)


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
CHANNEL_LABELS = {
    Channel.CHAT: N_("chat"),
    Channel.PHONE: N_("phone"),
    Channel.DESK: N_("walk-in"),
    Channel.WAITLIST: N_("waiting list"),
}


def status_label(visit: Visit) -> str:
    """The untranslated label: a booking confirmed from a reminder reads "confirmed"."""
    if visit.status == Status.BOOKED and visit.confirmed is not None:
        return CONFIRMED_LABEL
    return STATUS_LABELS[visit.status]


def allowed(visit: Visit, action: Action, now: datetime, tz: ZoneInfo) -> bool:
    """Whether `action` may be taken now: from the right status, arrivals and starts on the
    day of the appointment (office time), a no-show only once the appointment has begun."""
    if visit.status not in STEPS[action].sources:
        return False
    if action in (Action.ARRIVED, Action.START):
        return from_ts(visit.start, tz).date() == now.astimezone(tz).date()
    if action == Action.NO_SHOW:
        return to_ts(now) >= visit.start
    return True


def actions(visit: Visit, now: datetime, tz: ZoneInfo) -> list[Action]:
    return [action for action in Action if allowed(visit, action, now, tz)]
