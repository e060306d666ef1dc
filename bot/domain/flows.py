"""Where a citizen is in the /book conversation: plain data, kept in SQLite between updates so
that a restart loses nothing."""

from __future__ import annotations

import enum
import json
import secrets
import string
from dataclasses import asdict, dataclass, fields
from typing import Any

NONCE_ALPHABET = string.ascii_lowercase + string.digits
NONCE_LENGTH = 4


class Step(enum.StrEnum):
    CATEGORY = "category"
    SERVICE = "service"
    DAY = "day"
    TIME = "time"
    NAME = "name"
    CODICE_FISCALE = "codice_fiscale"
    NOTE = "note"
    SUMMARY = "summary"


TEXT_STEPS = (Step.NAME, Step.CODICE_FISCALE, Step.NOTE)


@dataclass
class Draft:
    nonce: str
    """Changes with every new conversation: a button from an older one is recognised as such."""
    step: Step = Step.CATEGORY
    message_id: int | None = None
    """The message whose buttons drive the current step."""
    category: str | None = None
    service: str | None = None
    page: int = 0
    day: str | None = None
    start: int | None = None
    name: str | None = None
    codice_fiscale: str | None = None
    note: str | None = None
    note_done: bool = False
    replaces: int | None = None
    """The booking being moved: it stays until the new time is confirmed."""
    fixed: bool = False
    """Service and person come from an earlier booking (moving one, or rebooking one the
    office cancelled): the conversation starts at the day and skips the details."""
    offered: int | None = None
    """The start of a waiting-list offer taken up: booked at that time, the booking's channel
    is the waiting list."""

    @classmethod
    def new(cls, **values: Any) -> Draft:
        nonce = "".join(secrets.choice(NONCE_ALPHABET) for _ in range(NONCE_LENGTH))
        return cls(nonce=nonce, **values)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Draft:
        data = json.loads(text)
        known = {f.name for f in fields(cls)}
        draft = cls(**{k: v for k, v in data.items() if k in known})
        draft.step = Step(draft.step)
        return draft

    def next_detail(self) -> Step:
        """The first detail still missing once a time is held."""
        if self.name is None:
            return Step.NAME
        if self.codice_fiscale is None:
            return Step.CODICE_FISCALE
        if not self.note_done:
            return Step.NOTE
        return Step.SUMMARY
