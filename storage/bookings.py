"""Bookings: the race-free insert, reads, and status changes."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from bot.domain.booking import Booking, Channel, Scheduled, Status
from bot.domain.booking_code import new_code
from bot.domain.model import from_ts
from storage import closures, holds, outbox
from storage.engine import OVERLAP, Connection, IntegrityError, savepoint
from storage.occupancy import LONGEST, OCCUPYING_SQL, is_free

ACTIVE_SQL = "('booked', 'checked_in', 'in_service')"
"""Bookings not yet over: a person who has one is expected somewhere (migration 0004)."""


class Refusal(enum.StrEnum):
    TAKEN = "taken"
    CLOSED = "closed"
    LIMIT_ACCOUNT = "limit_account"
    LIMIT_CODICE_FISCALE = "limit_codice_fiscale"
    UNCHANGEABLE = "unchangeable"
    """The booking to replace is no longer 'booked', or starts before `replaceable_until`."""


@dataclass(frozen=True, slots=True)
class Request:
    user_id: int | None
    service: str
    desks: Sequence[str]
    """In preference order; a desk held for the citizen comes first whatever its place here."""
    start: int
    end: int
    day: date
    """The day of `start` in office time, to check run-time closures."""
    name: str | None
    codice_fiscale: str | None
    note: str | None
    max_per_account: int | None = None
    max_per_codice_fiscale: int | None = None
    created_by: int | None = None
    replaces: int | None = None
    """A booking being moved: updated in place (its code kept), not counted in limits."""
    replaceable_until: int = 0
    """`replaces` must start after this instant (the cancellation cutoff), Unix seconds."""
    scheduled: Sequence[Scheduled] = ()
    person_overlap_by: int | None = None
    """The operator who books this on purpose over another booking of the same person."""
    channel: Channel = Channel.CHAT
    """How it is made: an operator's booking says PHONE or DESK (bot/services/booking.py)."""
    phone: str | None = None
    """A caller's number, given to an operator (bot/domain/phone.py)."""


@dataclass(frozen=True, slots=True)
class Booked:
    id: int
    code: str
    desk: str
    moved_from: int | None = None
    """A move: the start the booking had, Unix seconds."""
    sequence: int = 0
    """How many times the booking has been moved: its calendar event's SEQUENCE."""


@dataclass(frozen=True, slots=True)
class InTheWay:
    """The person (codice fiscale) already has this active booking at an overlapping time."""

    booking: Booking


def _active_count(conn: Connection, column: str, value: object, now: int,
                  replaces: int | None) -> int:
    count: int = conn.execute(
        f"SELECT count(*) FROM bookings WHERE {column} = ? AND status = 'booked'"
        " AND start_ts > ? AND id IS NOT ?",
        (value, now, replaces),
    ).fetchone()[0]
    return count


def active_for_user(conn: Connection, user_id: int, now: int) -> int:
    """Bookings of the account still to begin: what the account limit counts."""
    return _active_count(conn, "user_id", user_id, now, None)


def active_for_codice_fiscale(conn: Connection, codice_fiscale: str, now: int,
                              excluding: int | None = None) -> int:
    return _active_count(conn, "codice_fiscale", codice_fiscale, now, excluding)


def overlapping_for_person(conn: Connection, codice_fiscale: str, start: int, end: int,
                           excluding: int | None = None) -> Booking | None:
    """An active booking of `codice_fiscale` overlapping [start, end), other than `excluding`
    (the booking being moved), as the database's rule sees it."""
    row = conn.execute(
        f"SELECT * FROM bookings WHERE codice_fiscale = ? AND status IN {ACTIVE_SQL}"
        " AND person_overlap_by IS NULL AND start_ts > ? AND start_ts < ? AND end_ts > ?"
        " AND id IS NOT ? ORDER BY start_ts LIMIT 1",
        (codice_fiscale, start - LONGEST, end, start, excluding),
    ).fetchone()
    return from_row(row) if row else None


def _refusal_for_limits(conn: Connection, request: Request, now: int) -> Refusal | None:
    if request.user_id is not None and request.max_per_account is not None and _active_count(
        conn, "user_id", request.user_id, now, request.replaces
    ) >= request.max_per_account:
        return Refusal.LIMIT_ACCOUNT
    if request.codice_fiscale and request.max_per_codice_fiscale is not None and _active_count(
        conn, "codice_fiscale", request.codice_fiscale, now, request.replaces
    ) >= request.max_per_codice_fiscale:
        return Refusal.LIMIT_CODICE_FISCALE
    return None


def _insert(conn: Connection, request: Request, desk: str, now: int) -> Booked | None:
    """Insert at `desk`; None when the database refuses it as overlapping at the desk. (The
    same person's overlap was checked just before, in this transaction: the trigger cannot
    refuse that here.)"""
    while True:
        code = new_code()
        try:
            with savepoint(conn):
                row = conn.execute(
                    "INSERT INTO bookings (code, user_id, service, desk, start_ts, end_ts, name,"
                    " codice_fiscale, note, created_ts, created_by, rescheduled_from,"
                    " person_overlap_by, channel, phone)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (code) DO NOTHING RETURNING id",
                    (code, request.user_id, request.service, desk, request.start, request.end,
                     request.name, request.codice_fiscale, request.note, now,
                     request.created_by, request.replaces, request.person_overlap_by,
                     request.channel, request.phone),
                ).fetchone()
        except IntegrityError as error:
            if error.constraint == OVERLAP:
                return None
            raise
        if row is not None:  # else the code was taken, one chance in a billion: draw another
            return Booked(row[0], code, desk)


def _move(conn: Connection, request: Request, booking_id: int, desk: str,
          now: int) -> Booked | None:
    """Move `booking_id` to `desk` and the request's time, keeping its code: the time it leaves
    goes to `booking_times`, its pending messages make way for the request's. None when the
    database refuses it as overlapping at the desk."""
    old = conn.execute("SELECT code, desk, start_ts, end_ts FROM bookings WHERE id = ?",
                       (booking_id,)).fetchone()
    try:
        with savepoint(conn):
            conn.execute(
                "UPDATE bookings SET desk = ?, start_ts = ?, end_ts = ?, name = ?,"
                " codice_fiscale = ?, note = ?, confirmed_ts = NULL WHERE id = ?",
                (desk, request.start, request.end, request.name, request.codice_fiscale,
                 request.note, booking_id))
    except IntegrityError as error:
        if error.constraint == OVERLAP:
            return None
        raise
    conn.execute("INSERT INTO booking_times (booking_id, desk, start_ts, end_ts, moved_ts)"
                 " VALUES (?, ?, ?, ?, ?)",
                 (booking_id, old["desk"], old["start_ts"], old["end_ts"], now))
    conn.execute("UPDATE outbox SET state = 'cancelled', finished_ts = ?"
                 " WHERE booking_id = ? AND state = 'pending'", (now, booking_id))
    return Booked(booking_id, old["code"], desk, moved_from=old["start_ts"],
                  sequence=moves(conn, booking_id))


def moves(conn: Connection, booking_id: int) -> int:
    """How many times the booking has been moved."""
    count: int = conn.execute("SELECT count(*) FROM booking_times WHERE booking_id = ?",
                              (booking_id,)).fetchone()[0]
    return count


def book(conn: Connection, request: Request,
         now: int) -> Booked | Refusal | InTheWay:
    """Book the first desk free for the whole time, or say why not.

    Runs inside one write transaction (`Database.write`), so the checks and the insert see the
    same state; the overlap rules (storage.engine.OVERLAP, PERSON_OVERLAP) refuse what a
    concurrent transaction slipped in anyway.
    """
    if request.replaces is not None and conn.execute(
        "SELECT 1 FROM bookings WHERE id = ? AND user_id IS ? AND status = 'booked'"
        " AND start_ts > ?", (request.replaces, request.user_id, request.replaceable_until),
    ).fetchone() is None:
        return Refusal.UNCHANGEABLE
    refusal = _refusal_for_limits(conn, request, now)
    if refusal:
        return refusal
    if request.codice_fiscale and request.person_overlap_by is None:
        other = overlapping_for_person(conn, request.codice_fiscale, request.start, request.end,
                                       request.replaces)
        if other is not None:
            return InTheWay(other)
    hold = holds.live(conn, request.user_id, now) if request.user_id is not None else None
    desks = list(request.desks)
    if hold and (hold.start, hold.end) == (request.start, request.end) and hold.desk in desks:
        desks.remove(hold.desk)
        desks.insert(0, hold.desk)
    booked = None
    open_desks = [d for d in desks if not closures.covering(conn, request.day, d)]
    if not open_desks:
        return Refusal.CLOSED
    for desk in open_desks:
        if is_free(conn, desk, request.start, request.end, now, request.user_id,
                   request.replaces):
            booked = (_insert(conn, request, desk, now) if request.replaces is None
                      else _move(conn, request, request.replaces, desk, now))
            if booked:
                break
    if booked is None:
        return Refusal.TAKEN
    if request.user_id is not None:
        holds.release(conn, request.user_id)
    if request.user_id is not None:
        for item in request.scheduled:
            outbox.enqueue(conn, request.user_id, item.kind, item.due, now, booking_id=booked.id,
                           expires=item.expires, payload=item.payload)
    return booked


def from_row(row: Any) -> Booking:
    """The one mapper from a `SELECT *` of the bookings table to a `Booking`."""
    def at(column: str) -> datetime | None:
        return from_ts(row[column], UTC) if row[column] is not None else None

    return Booking(
        id=row["id"], code=row["code"], user_id=row["user_id"], service=row["service"],
        desk=row["desk"], start=from_ts(row["start_ts"], UTC), end=from_ts(row["end_ts"], UTC),
        status=Status(row["status"]), name=row["name"], codice_fiscale=row["codice_fiscale"],
        note=row["note"], created=from_ts(row["created_ts"], UTC), created_by=row["created_by"],
        confirmed=at("confirmed_ts"), checked_in=at("checked_in_ts"), started=at("started_ts"),
        served=at("served_ts"), no_show=at("no_show_ts"), cancelled=at("cancelled_ts"),
        cancelled_by=row["cancelled_by"], cancel_reason=row["cancel_reason"],
        channel=Channel(row["channel"]), phone=row["phone"],
    )


def get(conn: Connection, booking_id: int) -> Booking | None:
    row = conn.execute("SELECT * FROM bookings WHERE id = ?", (booking_id,)).fetchone()
    return from_row(row) if row else None


def upcoming_for_user(conn: Connection, user_id: int, now: int) -> list[Booking]:
    rows = conn.execute(
        f"SELECT * FROM bookings WHERE user_id = ? AND status IN {OCCUPYING_SQL}"
        " AND end_ts > ? ORDER BY start_ts",
        (user_id, now),
    ).fetchall()
    return [from_row(row) for row in rows]


def cancel(conn: Connection, booking_id: int, now: int, *, by: str,
           reason: str = "", owner: int | None = None) -> Booking | None:
    """Cancel a booking that is still 'booked' (and `owner`'s, if given), and drop its pending
    messages; None if there was no such booking."""
    row = conn.execute(
        "UPDATE bookings SET status = 'cancelled', cancelled_ts = ?, cancelled_by = ?,"
        " cancel_reason = ? WHERE id = ? AND status = 'booked'"
        " AND (CAST(? AS BIGINT) IS NULL OR user_id = ?) RETURNING *",
        (now, by, reason, booking_id, owner, owner),
    ).fetchone()
    if row is None:
        return None
    conn.execute(
        "UPDATE outbox SET state = 'cancelled', finished_ts = ?"
        " WHERE booking_id = ? AND state = 'pending'",
        (now, booking_id),
    )
    return from_row(row)
