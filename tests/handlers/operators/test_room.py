"""/sala: who is at the desk, who waits and for how long, who is late; it fits one message on a
full day of the whole office, and the button refreshes it."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.model import Office, to_ts
from bot.testing.clock import FakeClock
from bot.testing.local_user import LocalUser
from storage.db import Database
from tests.conftest import NOW
from tests.seed import book, codice_fiscale, fill_day

START = NOW.replace(hour=9, minute=30)


async def stamp(db: Database, booking: int, **columns: int) -> None:
    """Set the visit's status and step timestamps as the counter would have."""
    sets = ", ".join(f"{column} = ?" for column in columns)
    await db.write(lambda conn: conn.execute(
        f"UPDATE bookings SET {sets} WHERE id = ?", (*columns.values(), booking)))


async def seed_room(db: Database, office: Office) -> None:
    served = await book(db, office, "cie", START - timedelta(minutes=30), NOW, desk="S01",
                        cf=codice_fiscale(1))
    at_desk = await book(db, office, "cie", START, NOW, desk="S01",
                         cf=codice_fiscale(2))
    waiting = await book(db, office, "cie", START, NOW, desk="S02",
                         cf=codice_fiscale(3))
    await book(db, office, "cie", START, NOW, desk="S03",  # not arrived yet: late at 09:40
               cf=codice_fiscale(4))
    s, a = to_ts(START), to_ts(START - timedelta(minutes=30))
    # came 5 minutes early, started 10 minutes after the booked time, served in 25 minutes
    await stamp(db, served, status="served", checked_in_ts=a - 300, started_ts=a + 600,
                served_ts=a + 2100)
    await stamp(db, at_desk, status="in_service", checked_in_ts=s - 60, started_ts=s + 120)
    await stamp(db, waiting, status="checked_in", checked_in_ts=s + 60)


async def test_the_waiting_room_in_italian(operator: LocalUser, db: Database, office: Office,
                                           clock: FakeClock) -> None:
    await seed_room(db, office)
    clock.set(START + timedelta(minutes=10))
    shown = await operator.send("/sala")
    assert "<b>Sala d'attesa</b>, 09:40" in shown.markup
    assert "Allo sportello: 1 · in attesa: 1 · in ritardo: 1" in shown.text
    # the waits of the two started visits: 10 min (from the booked time, having come early)
    # and 2 min (from the booked time): 6 min on average
    assert "Attesa media oggi: 6 min" in shown.text
    assert "Tempo medio allo sportello oggi: 25 min (prenotati: 30)" in shown.text
    lines = shown.text.splitlines()
    s01 = next(line for line in lines if line.startswith("Sportello 1 (S01)"))
    assert "dalle 09:32 (8 min)" in s01
    s02 = next(line for line in lines if line.startswith("Sportello 2 (S02)"))
    assert "1 in attesa, da 9 min" in s02
    s03 = next(line for line in lines if line.startswith("Sportello 3 (S03)"))
    assert "1 in ritardo" in s03
    s04 = next(line for line in lines if line.startswith("Sportello 4 (S04)"))
    assert s04.endswith("nessuno")

    clock.advance(minutes=5)
    await operator.press("🔄 Aggiorna", shown)
    refreshed = operator.api.messages[operator.chat_id][shown.message_id]
    assert "<b>Sala d'attesa</b>, 09:45" in refreshed.markup
    assert "1 in attesa, da 14 min" in refreshed.text


async def test_the_waiting_room_in_english(operator: LocalUser, db: Database, office: Office,
                                           clock: FakeClock) -> None:
    await seed_room(db, office)
    clock.set(START + timedelta(minutes=10))
    await operator.send("/lingua")
    await operator.press("English")
    shown = await operator.send("/room")
    assert "At the desk: 1 · waiting: 1 · late: 1" in shown.text
    assert "Average wait today: 6 min" in shown.text
    assert "1 waiting, the longest for 9 min" in shown.text


async def test_a_full_day_of_the_whole_office_fits_one_message(
        operator: LocalUser, db: Database, office: Office, clock: FakeClock) -> None:
    await fill_day(db, office, NOW.date(), 450, NOW - timedelta(days=3))
    await db.write(lambda conn: conn.execute(
        "UPDATE bookings SET status = 'checked_in', checked_in_ts = start_ts WHERE start_ts < ?",
        (to_ts(NOW.replace(hour=12)),)))
    clock.set(NOW.replace(hour=12))
    shown = await operator.send("/sala")
    assert len(shown.text) < 4096
    assert sum(line.startswith("Sportello ") for line in shown.text.splitlines()) == len(
        office.desks)


async def test_citizens_cannot_see_the_room(make_user, db: Database) -> None:
    citizen = make_user(4242)
    answer = await citizen.send("/sala")
    assert "Sala d'attesa" not in answer.text
