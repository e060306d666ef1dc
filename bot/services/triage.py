"""What to do with the outbox message due next, decided in the transaction that claims it: send
it, drop it (pointless now), give it up (the citizen blocked the bot), or act on it (the
confirm-or-lose deadline, which cancels an unconfirmed booking and queues the notice).

Runs in the database thread (`Database.write`); no Telegram here.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from bot.domain.booking import Booking, Status
from bot.domain.model import DEFAULT_LANGUAGE
from bot.domain.notices import BOOKING_CANCELLED, CALENDAR_CANCEL, KINDS, WAITLIST_OFFER
from bot.domain.schedules import CONFIRM_DEADLINE, REMINDER
from bot.services.counter import tell_cancelled
from storage import bookings, citizens, outbox, waitlist
from storage.engine import Connection
from storage.waitlist import Offer

SENT, DROPPED, FAILED = "sent", "dropped", "failed"
ABOUT_A_BOOKING = (REMINDER, CONFIRM_DEADLINE)
"""Kinds pointless once their booking is no longer 'booked'."""


@dataclass(frozen=True, slots=True)
class Notice:
    """A due outbox row with what it speaks of, read when it is sent."""

    kind: str
    payload: Mapping[str, Any]
    booking: Booking | None
    offer: Offer | None


@dataclass(frozen=True, slots=True)
class Outgoing:
    message: outbox.Message
    lang: str
    """The citizen's language now, not when the row was queued."""
    notice: Notice


@dataclass(frozen=True, slots=True)
class Settled:
    """A row ended without sending anything."""

    state: str
    freed: bool = False
    """A booking was cancelled: its time is free for the waiting list."""


def _notice(conn: Connection, message: outbox.Message) -> Notice:
    booking = bookings.get(conn, message.booking_id) if message.booking_id is not None else None
    offer_id = message.payload.get("offer")
    offer = waitlist.get_offer(conn, offer_id) if isinstance(offer_id, int) else None
    return Notice(message.kind, message.payload, booking, offer)


def _pointless(message: outbox.Message, notice: Notice, now: int,
               superseded: bool) -> str | None:
    """Why the message is not worth sending any more, if it is not."""
    booking, offer = notice.booking, notice.offer
    if message.expires is not None and message.expires <= now:
        return "expired"
    if message.kind in (*ABOUT_A_BOOKING, BOOKING_CANCELLED, CALENDAR_CANCEL) and booking is None:
        return "no such booking"
    if message.kind in ABOUT_A_BOOKING and booking and booking.status != Status.BOOKED:
        return f"booking {booking.status}"
    if message.kind == REMINDER and superseded:
        return "superseded"
    if message.kind == CONFIRM_DEADLINE and booking and booking.confirmed:
        return "confirmed"
    if message.kind == WAITLIST_OFFER and (offer is None or offer.state != "open"
                                           or offer.expires <= now):
        return "offer closed"
    return None


def _settle(conn: Connection, message: outbox.Message, state: str, now: int,
            why: str | None = None, *, freed: bool = False) -> Settled:
    outbox.finish(conn, message.id, state, now, why)
    return Settled(state, freed)


def give_up(conn: Connection, message: outbox.Message, now: int, why: str) -> Settled:
    """The message will not reach the citizen: failed; an offer in it passes to the next."""
    offer_id = message.payload.get("offer")
    freed = (message.kind == WAITLIST_OFFER and isinstance(offer_id, int)
             and waitlist.withdraw(conn, offer_id))
    return _settle(conn, message, FAILED, now, why, freed=freed)


def _confirm_or_lose(conn: Connection, message: outbox.Message,
                     booking_id: int, now: int) -> Settled:
    """The deadline passed unconfirmed: cancel (its other messages with it), queue the notice
    and the cancelling .ics."""
    cancelled = bookings.cancel(conn, booking_id, now, by="unconfirmed",
                                reason="not confirmed in time")
    if cancelled is not None:
        tell_cancelled(conn, cancelled, now, reason="", by="unconfirmed")
    return _settle(conn, message, SENT, now, freed=True)


def next_due(conn: Connection, now: int, avoid: Collection[int] = (),
             exclude: Collection[int] = ()) -> Outgoing | Settled | None:
    """Claim the message due next (never to a chat in `exclude`, preferring chats not in
    `avoid`) and decide; None when nothing is due."""
    message = outbox.claim(conn, now, avoid, exclude)
    if message is None:
        return None
    if message.kind not in KINDS:
        return _settle(conn, message, FAILED, now, f"unknown kind {message.kind!r}")
    notice = _notice(conn, message)
    why = _pointless(message, notice, now, outbox.superseded(conn, message, now))
    if why:
        return _settle(conn, message, DROPPED, now, why)
    if message.kind == CONFIRM_DEADLINE:
        assert notice.booking is not None
        return _confirm_or_lose(conn, message, notice.booking.id, now)
    citizen = citizens.get(conn, message.chat_id)
    if citizen and citizen.unreachable:
        return give_up(conn, message, now, "unreachable")
    return Outgoing(message, citizen.lang if citizen else DEFAULT_LANGUAGE, notice)
