"""Every conversation that takes more than one update, as plain data: a citizen's booking (or
move), and an operator's /add, cancellation reason and closure to confirm.

A flow is a dataclass with its steps as an enum, saved as JSON in one drafts table between
updates (storage/drafts.py), so that a restart loses nothing and no conversation lives in
process memory. A user has at most one draft per party: an operator can be in the middle of
an operator's flow and of a booking of their own at the same time.
"""

from __future__ import annotations

import enum
import hashlib
import json
import secrets
import string
from dataclasses import dataclass, fields
from typing import Any, ClassVar, Self

from bot.domain.identity import Detail, name_agrees_with_codice_fiscale

NONCE_ALPHABET = string.ascii_lowercase + string.digits
NONCE_LENGTH = 4
MARK_BYTES = 4


class Party(enum.StrEnum):
    CITIZEN = "citizen"
    STAFF = "staff"


class Flow(enum.StrEnum):
    BOOK = "book"
    ADD = "add"
    CANCEL = "cancel"
    CLOSE = "close"


@dataclass(kw_only=True)
class Saved:
    """What every flow has: a nonce, which changes with every new conversation, so that a
    button from an older one is recognised as such; and a step."""

    FLOW: ClassVar[Flow]
    PARTY: ClassVar[Party] = Party.STAFF
    STEPS: ClassVar[type[enum.StrEnum]]
    nonce: str
    step: enum.StrEnum
    typed: int = 0
    """The id of the last message the person typed into this conversation: an update processed
    a second time (a worker stopped after saving the draft, before the inbox marked the update
    done) is recognised, and its text not taken again as the next step's answer."""

    @classmethod
    def new(cls, **values: Any) -> Self:
        nonce = "".join(secrets.choice(NONCE_ALPHABET) for _ in range(NONCE_LENGTH))
        return cls(nonce=nonce, **values)

    def to_json(self) -> str:
        # every field is a plain value: no need of asdict's deep copy (four times the time)
        return json.dumps({field.name: getattr(self, field.name) for field in fields(self)})

    @classmethod
    def from_json(cls, text: str) -> Self:
        data = json.loads(text)
        known = {f.name for f in fields(cls)}
        draft = cls(**{k: v for k, v in data.items() if k in known})
        draft.step = cls.STEPS(draft.step)
        return draft


@dataclass(kw_only=True)
class Person(Saved):
    """A flow that asks who the booking is for: name, codice fiscale, note, in this order."""

    DETAILS: ClassVar[dict[Any, Detail]]
    """The flow's step of each detail."""
    name: str | None = None
    codice_fiscale: str | None = None
    note: str | None = None
    note_done: bool = False
    doubted_cf: str | None = None
    """A valid codice fiscale whose letters are not those of the name: kept aside, and asked
    about, until the person booking says both are right (foreign-born citizens and
    transliterated names exist), types it again, or corrects the name to one it matches."""

    @property
    def detail(self) -> Detail | None:
        """The detail the current step asks for, if any."""
        return self.DETAILS.get(self.step)

    def next_detail(self) -> enum.StrEnum:
        """The step of the first detail still missing, or the summary."""
        missing = (Detail.NAME if self.name is None else
                   Detail.CODICE_FISCALE if self.codice_fiscale is None else
                   Detail.NOTE if not self.note_done else None)
        steps = {detail: step for step, detail in self.DETAILS.items()}
        return steps[missing] if missing else self.STEPS("summary")

    def take(self, detail: Detail, value: str | None) -> None:
        """The detail given (checked by bot/domain/identity.py; a note may be None): on to the
        next one still missing. A name corrected while a codice fiscale was in doubt takes that
        code too, when it matches the new name."""
        if detail is Detail.NAME:
            self.name = value
            if (self.codice_fiscale is None and self.doubted_cf is not None
                    and value is not None and name_agrees_with_codice_fiscale(
                        value, self.doubted_cf)):
                self.codice_fiscale, self.doubted_cf = self.doubted_cf, None
        elif detail is Detail.CODICE_FISCALE:
            self.codice_fiscale, self.doubted_cf = value, None
        else:
            self.note, self.note_done = value, True
        self.step = self.next_detail()

    def offer_codice_fiscale(self, code: str) -> bool:
        """A valid codice fiscale given for the name: taken if its letters are the name's, or
        if it is the one in doubt given again (the person booking has checked it); otherwise
        kept in doubt, to be asked about. Whether it was taken."""
        assert self.name is not None
        if code == self.doubted_cf or name_agrees_with_codice_fiscale(self.name, code):
            self.take(Detail.CODICE_FISCALE, code)
            return True
        self.doubted_cf = code
        return False

    @property
    def in_doubt(self) -> str | None:
        """The codice fiscale asked about at the codice fiscale step, if any: "Both are right"
        takes it (after checking it again as if typed)."""
        return self.doubted_cf if self.detail is Detail.CODICE_FISCALE else None

    @property
    def doubt_mark(self) -> str | None:
        """What "Both are right" carries: a digest of the name and the code it was shown with
        (never the code itself), so that a press for another pair, older or forged, takes
        nothing."""
        if self.in_doubt is None:
            return None
        pair = f"{self.name}\n{self.in_doubt}".encode()
        return hashlib.blake2s(pair, digest_size=MARK_BYTES).hexdigest()


class Step(enum.StrEnum):
    CATEGORY = "category"
    SERVICE = "service"
    DAY = "day"
    TIME = "time"
    NAME = "name"
    CODICE_FISCALE = "codice_fiscale"
    NOTE = "note"
    SUMMARY = "summary"
    WAITLIST = "waitlist"
    """Which days the citizen can come, to wait for a time (then, if some are free on those
    days after all, those times)."""


TEXT_STEPS = (Step.NAME, Step.CODICE_FISCALE, Step.NOTE)
BACK = {Step.SERVICE: Step.CATEGORY, Step.DAY: Step.SERVICE, Step.TIME: Step.DAY,
        Step.NAME: Step.TIME, Step.CODICE_FISCALE: Step.NAME, Step.NOTE: Step.CODICE_FISCALE}


@dataclass(kw_only=True)
class Draft(Person):
    """A citizen's /book, or the move of a booking."""

    FLOW = Flow.BOOK
    PARTY = Party.CITIZEN
    STEPS = Step
    DETAILS: ClassVar[dict[Any, Detail]] = {
        Step.NAME: Detail.NAME, Step.CODICE_FISCALE: Detail.CODICE_FISCALE, Step.NOTE: Detail.NOTE}
    step: Step = Step.CATEGORY
    message_id: int | None = None
    """The message whose buttons drive the current step."""
    category: str | None = None
    service: str | None = None
    page: int = 0
    day: str | None = None
    start: int | None = None
    replaces: int | None = None
    """The booking being moved: it stays until the new time is confirmed."""
    fixed: bool = False
    """Service and person come from an earlier booking (moving one, or rebooking one the
    office cancelled): the conversation starts at the day and skips the details."""
    offered: int | None = None
    """The start of a waiting-list offer taken up: booked at that time, the booking's channel
    is the waiting list."""
    held_until: int | None = None
    """When the time chosen stops being kept for the citizen (the hold's own expiry)."""
    part: int = 0
    """Which group of the day's times is shown (a long day is shown a part at a time)."""
    waiting_from: str | None = None
    """The step the waiting list was asked for from (day or time): where « Back leads."""
    wait_days: int | None = None
    """The days the citizen can come, chosen for the waiting list (see Step.WAITLIST)."""

    def wait(self) -> None:
        """On to the waiting list, from the step shown now."""
        self.waiting_from, self.wait_days, self.step = self.step, None, Step.WAITLIST

    def back(self) -> None:
        """One step back, forgetting the detail of the step returned to."""
        if self.step is Step.SUMMARY:
            self.step = Step.TIME if self.fixed else Step.NOTE
            self.note_done = self.fixed
        elif self.step is Step.DAY and self.fixed:
            return  # moving a booking: its service cannot change; "Cancel" leaves
        elif self.step is Step.WAITLIST:
            if self.wait_days is not None:
                self.wait_days = None  # the times free on those days: back to the days
            else:
                self.step = Step(self.waiting_from or Step.DAY)
            return
        elif self.step in BACK:
            self.step = BACK[self.step]
        if self.step is Step.TIME:
            self.doubted_cf = None  # kept only while the name is corrected
        if self.step is Step.NAME:
            self.name = None
        elif self.step is Step.CODICE_FISCALE:
            self.codice_fiscale = None
        elif self.step is Step.NOTE:
            self.note, self.note_done = None, False
