"""Plain types shared by every layer. Imports nothing of ours and does no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LANGUAGES = ("it", "en")
DEFAULT_LANGUAGE = "it"


@dataclass(frozen=True, slots=True)
class Interval:
    """Opening time within one day, in minutes since local midnight; end excluded."""

    start: int
    end: int

    @property
    def minutes(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Text:
    """A string in each supported language."""

    it: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.it


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    name: Text


@dataclass(frozen=True, slots=True)
class Service:
    code: str
    category: str
    name: Text
    documents: Text
    duration: int
    """Minutes."""
    desks: tuple[str, ...]
    confirm_hours: int | None = None
    """Confirm-or-lose: hours before the start by which the citizen must confirm."""


@dataclass(frozen=True, slots=True)
class Desk:
    code: str
    name: str
    weekly: tuple[tuple[Interval, ...], ...]
    """Seven entries, Monday first."""
    exceptions: Mapping[date, tuple[Interval, ...]] = field(default_factory=dict)
    """Dates with other hours than usual; an empty tuple closes the desk that day."""

    def hours_on(self, day: date) -> tuple[Interval, ...]:
        if day in self.exceptions:
            return self.exceptions[day]
        return self.weekly[day.weekday()]


REASON_LIMIT = 200
"""Characters of an operator's reason for a closure or a cancellation, which citizens read."""


@dataclass(frozen=True, slots=True)
class Closure:
    """Days on which the office (desk None) or one desk takes no bookings."""

    first: date
    last: date
    desk: str | None = None
    reason: str = ""
    id: int | None = None
    """Set for closures made at run time, which can be lifted."""

    def covers(self, day: date, desk: str | None = None) -> bool:
        return self.first <= day <= self.last and (self.desk is None or self.desk == desk)


@dataclass(frozen=True, slots=True)
class Reminder:
    """When a reminder falls due: `days_before` at local time `at`, or `hours_before` the start."""

    days_before: int | None = None
    at: int | None = None
    """Minutes since local midnight."""
    hours_before: int | None = None

    def due(self, start: datetime, tz: ZoneInfo) -> datetime:
        if self.hours_before is not None:  # real hours, whatever the clock does meanwhile
            return (start.astimezone(UTC) - timedelta(hours=self.hours_before)).astimezone(tz)
        assert self.days_before is not None
        assert self.at is not None
        day = start.astimezone(tz).date() - timedelta(days=self.days_before)
        return local_datetime(day, self.at, tz)


@dataclass(frozen=True, slots=True)
class Rules:
    timezone: str = "Europe/Rome"
    horizon_days: int = 60
    min_notice_minutes: int = 60
    hold_minutes: int = 10
    slot_step_minutes: int = 10
    max_active_per_account: int = 4
    max_active_per_codice_fiscale: int = 2
    cancellation_cutoff_hours: int = 2
    retention_days: int = 365
    conversation_timeout_minutes: int = 30
    no_show_grace_minutes: int = 15
    """A citizen not arrived this long after the booked time may be marked as a no-show."""

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True, slots=True)
class Contacts:
    """How citizens reach the counter when the bot cannot help (all optional)."""

    phone: str | None = None
    email: str | None = None
    pec: str | None = None
    """Certified e-mail (posta elettronica certificata)."""
    dpo_email: str | None = None
    """The data protection officer, for the privacy notice."""

    @property
    def any(self) -> bool:
        return bool(self.phone or self.email or self.pec)


@dataclass(frozen=True, slots=True)
class Goals:
    """What the office's figures are held against (`[stats]` in the office file)."""

    zero_wait_minutes: int = 5
    """"Attesa zero": a visit started within this many minutes of its due moment waited none."""
    online_share_target: float | None = None
    """The share of visits booked online the office aims at (0.2 for 20 %), if any."""


@dataclass(frozen=True, slots=True)
class Office:
    name: str
    address: str
    data_controller: str
    categories: tuple[Category, ...]
    services: Mapping[str, Service]
    desks: Mapping[str, Desk]
    closures: tuple[Closure, ...]
    """Configured dates and ranges; public holidays come from `holidays`."""
    holidays: Mapping[date, str]
    rules: Rules = Rules()
    holiday_names: Mapping[str, Mapping[date, str]] = field(default_factory=dict)
    """The same holidays named in each language we speak."""
    reminders: tuple[Reminder, ...] = ()
    waitlist_offer_minutes: int = 30
    admins: tuple[int, ...] = ()
    contacts: Contacts = Contacts()
    goals: Goals = Goals()

    @property
    def tz(self) -> ZoneInfo:
        return self.rules.tz

    def holiday(self, day: date, lang: str | None = None) -> str | None:
        """The name of the public holiday on `day`, in `lang` where known; None if none."""
        if day not in self.holidays:
            return None
        return self.holiday_names.get(lang or DEFAULT_LANGUAGE, self.holidays).get(day)

    def services_in(self, category: str) -> list[Service]:
        return [s for s in self.services.values() if s.category == category]

    def service_name(self, code: str, lang: str) -> str:
        """The service's name in `lang`; its code, for one no longer configured."""
        found = self.services.get(code)
        return found.name.get(lang) if found else code


def local_datetime(day: date, minute: int, tz: ZoneInfo) -> datetime:
    """The instant at which the local clock in `tz` shows `minute` on `day`.

    A local time skipped by a daylight-saving change is moved forward by the gap,
    as a wall clock would be.
    """
    naive = datetime(day.year, day.month, day.day) + timedelta(minutes=minute)
    aware = naive.replace(tzinfo=tz)
    utc = aware.astimezone(ZoneInfo("UTC"))
    return utc.astimezone(tz)


def to_ts(moment: datetime) -> int:
    return int(moment.timestamp())


def from_ts(ts: int, tz: tzinfo) -> datetime:
    return datetime.fromtimestamp(ts, tz)
