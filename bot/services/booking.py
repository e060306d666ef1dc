"""Making a booking: by the citizen in the chat, or by an operator on a caller's behalf."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.domain.booking import Channel
from bot.domain.model import Office, Service, to_ts
from bot.services.free_time import on_the_day
from storage import audit, bookings, citizens, drafts, waitlist
from storage.bookings import Booked, InTheWay, Refusal, Request
from storage.engine import Connection


def book_for_citizen(conn: Connection, request: Request,
                     now: int) -> Booked | Refusal | InTheWay:
    """The citizen's own booking: their identity is remembered for the next one, their
    conversation ends and, for a time offered from the waiting list, their place there, in the
    same transaction."""
    result = bookings.book(conn, request, now)
    if isinstance(result, Booked) and request.user_id is not None:
        citizens.remember_identity(conn, request.user_id, request.name or "",
                                   request.codice_fiscale or "")
        drafts.delete(conn, request.user_id)
        if request.channel == Channel.WAITLIST:
            waitlist.served(conn, request.user_id, request.service, now)
    return result


def book_at_a_free_desk(conn: Connection, office: Office, service: Service, request: Request,
                        now: datetime) -> Booked | Refusal | InTheWay:
    """`book_for_citizen`, at a desk found free at the start in the same transaction (the
    request's own desks are not looked at)."""
    cal = on_the_day(conn, office, service, datetime.fromtimestamp(request.start, office.tz),
                     now, request.user_id)
    desks = cal.desks_at(datetime.fromtimestamp(request.start, office.tz))
    if not desks:
        return Refusal.CLOSED if cal.closure(request.day) is not None else Refusal.TAKEN
    return book_for_citizen(conn, replace(request, desks=desks), to_ts(now))


def book_on_behalf(conn: Connection, request: Request,
                   now: int) -> Booked | Refusal | InTheWay:
    """A booking by an operator (`request.created_by`) for a citizen on the phone or present;
    one made over another booking of the same person says so in the audit."""
    assert request.created_by is not None
    assert request.channel in (Channel.PHONE, Channel.DESK), request.channel
    booked = bookings.book(conn, request, now)
    if isinstance(booked, Booked):
        audit.record(conn, now, request.created_by, "add", booked.id,
                     "same person overlap allowed" if request.person_overlap_by else "")
    return booked
