"""The operators' flows: /add (a booking for a citizen on the phone or at the counter), the
reason of a cancellation, a closure waiting for confirmation. See bot/domain/flows.py."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, ClassVar

from bot.domain.flows import Draft, Flow, Person, Saved
from bot.domain.identity import Detail

REASON_LIMIT = 200


class AddStep(enum.StrEnum):
    NAME = "name"
    CODICE_FISCALE = "codice_fiscale"
    NOTE = "note"
    PHONE = "phone"
    SUMMARY = "summary"


@dataclass(kw_only=True)
class AddDraft(Person):
    """Service and time are chosen by buttons first; then the person, an optional phone
    number (for a caller the bot cannot notify), then the summary."""

    FLOW = Flow.ADD
    STEPS = AddStep
    DETAILS: ClassVar[dict[Any, Detail]] = {
        AddStep.NAME: Detail.NAME, AddStep.CODICE_FISCALE: Detail.CODICE_FISCALE,
        AddStep.NOTE: Detail.NOTE}
    step: AddStep = AddStep.NAME
    service: str
    start: int
    phone: str | None = None
    phone_done: bool = False

    def next_detail(self) -> AddStep:
        step = AddStep(super().next_detail())
        return AddStep.PHONE if step is AddStep.SUMMARY and not self.phone_done else step

    def give_phone(self, phone: str | None) -> None:
        """The phone number (read by bot/domain/phone.py), or None: skipped."""
        self.phone, self.phone_done = phone, True
        self.step = self.next_detail()

    def back(self) -> None:
        """One step back among the details, forgetting the detail of the step returned to
        (back from the name is back to the times, which the draft does not hold)."""
        if self.step is AddStep.SUMMARY:
            self.step, self.phone, self.phone_done = AddStep.PHONE, None, False
        elif self.step is AddStep.PHONE:
            self.step, self.note, self.note_done = AddStep.NOTE, None, False
        elif self.step is AddStep.NOTE:
            self.step, self.codice_fiscale = AddStep.CODICE_FISCALE, None
        elif self.step is AddStep.CODICE_FISCALE:
            self.step, self.name = AddStep.NAME, None


def add_at(previous: AddDraft | None, service: str, start: int) -> AddDraft:
    """A time chosen: a new /add draft; or, when only the time of the same service changed (it
    was taken at the last moment), the same one with its details kept."""
    if previous is None or previous.service != service:
        return AddDraft.new(service=service, start=start)
    previous.start = start
    if previous.step is not AddStep.SUMMARY:
        previous.step = AddStep.NAME
    return previous


class CancelStep(enum.StrEnum):
    REASON = "reason"
    CONFIRM = "confirm"


@dataclass(kw_only=True)
class CancelDraft(Saved):
    """The cancellation of a booking by an operator: the reason the citizen will read, then
    a confirmation."""

    FLOW = Flow.CANCEL
    STEPS = CancelStep
    step: CancelStep = CancelStep.REASON
    booking: int
    reason: str | None = None

    def give_reason(self, text: str) -> bool:
        """Take `text` as the reason (spacing tidied); False if empty or too long."""
        reason = " ".join(text.split())
        if not reason or len(reason) > REASON_LIMIT:
            return False
        self.reason, self.step = reason, CancelStep.CONFIRM
        return True


class CloseStep(enum.StrEnum):
    CONFIRM = "confirm"


@dataclass(kw_only=True)
class ClosureDraft(Saved):
    """A closure previewed by /close: only the latest preview's button confirms it."""

    FLOW = Flow.CLOSE
    STEPS = CloseStep
    step: CloseStep = CloseStep.CONFIRM
    first: str
    last: str
    desk: str | None
    reason: str


FLOWS: dict[Flow, type[Saved]] = {kind.FLOW: kind
                                  for kind in (Draft, AddDraft, CancelDraft, ClosureDraft)}
