"""Making a booking: by the citizen in the chat, or by an operator on a caller's behalf."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta

from bot.domain.availability import desks_free_at
from bot.domain.model import Office, Service, local_datetime, to_ts
from storage import audit, bookings, citizens, drafts, holds
from storage.bookings import Booked, Refusal, Request
from storage.free_time import taken


def _free_desks(conn: sqlite3.Connection, office: Office, service: Service, start: datetime,
                now: datetime, owner: int | None) -> list[str]:
    """The desks free at `start` for `service`, as the database says now (`owner`'s own hold
    does not count against them)."""
    day = start.astimezone(office.tz).date()
    busy, closed = taken(conn, service.desks, to_ts(local_datetime(day, 0, office.tz)),
                         to_ts(local_datetime(day + timedelta(days=1), 0, office.tz)),
                         to_ts(now), day, owner)
    return desks_free_at(office, service, start, busy, closed, now)


def hold_time(conn: sqlite3.Connection, office: Office, service: Service, owner: int,
              start: datetime, now: datetime) -> holds.Hold | None:
    """Keep `start` for `owner` for the office's hold minutes, at a desk found free in the same
    transaction; None when there is none."""
    desks = _free_desks(conn, office, service, start, now, owner)
    begins, held_from = to_ts(start), to_ts(now)
    return holds.place(conn, owner, service.code, desks, begins, begins + service.duration * 60,
                       held_from, held_from + office.rules.hold_minutes * 60) if desks else None


def book_for_citizen(conn: sqlite3.Connection, office: Office, service: Service,
                     request: Request, now: datetime) -> Booked | Refusal:
    """The citizen's own booking, at a desk found free at its start in the same transaction:
    their identity is remembered for the next one and their conversation ends."""
    start = datetime.fromtimestamp(request.start, office.tz)
    desks = _free_desks(conn, office, service, start, now, request.user_id)
    if not desks:
        return Refusal.TAKEN
    result = bookings.book(conn, replace(request, desks=tuple(desks)), to_ts(now))
    if isinstance(result, Booked) and request.user_id is not None:
        citizens.remember_identity(conn, request.user_id, request.name or "",
                                   request.codice_fiscale or "")
        drafts.delete(conn, request.user_id)
    return result


def book_on_behalf(conn: sqlite3.Connection, request: Request, now: int) -> Booked | Refusal:
    """A booking by an operator (`request.created_by`) for a citizen on the phone or present."""
    assert request.created_by is not None
    booked = bookings.book(conn, request, now)
    if isinstance(booked, Booked):
        audit.record(conn, now, request.created_by, "add", booked.id)
    return booked
