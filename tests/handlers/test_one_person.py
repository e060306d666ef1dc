"""One person is one codice fiscale, however it is typed, and is in one place at a time: the
per-codice-fiscale limit holds against every spelling, and the database refuses a booking that
overlaps another active booking of the same person (operators may override, saying so)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.booking_code import new_code
from bot.domain.model import Office, to_ts
from bot.testing.clock import FakeClock
from storage.db import Database
from storage.engine import PERSON_OVERLAP, Connection, IntegrityError
from tests.conftest import UserFactory
from tests.handlers.conftest import CF, FRIDAY, Steps, book_directly, no_errors
from tests.handlers.test_booking_limits import CF_LIMIT
from tests.seed import codice_fiscale_of, rows

VARIANTS = (CF[0], f"{CF[0]}\u200b", f"{CF[0]}.", "-".join(CF[0]),
            CF[0].translate({ord(c): ord(c) + 0xFEE0 for c in CF[0]}), CF[0].lower())
"""One codice fiscale as six accounts typed it: plain, with a zero-width space, a trailing dot,
hyphenated, in fullwidth letters, in lower case."""


async def test_every_spelling_of_a_codice_fiscale_counts_against_the_same_limit(
        make_user: UserFactory, steps: Steps, db: Database) -> None:
    users = [make_user(2001 + n) for n in range(len(VARIANTS))]
    for n, (user, typed) in enumerate(zip(users[:2], VARIANTS[:2], strict=True)):
        await steps.book(user, start=FRIDAY + timedelta(minutes=30 * n), name="Mario Rossi",
                         cf=typed)
    for n, (user, typed) in enumerate(zip(users[2:], VARIANTS[2:], strict=True), start=2):
        await steps.to_name(user, start=FRIDAY + timedelta(minutes=30 * n))
        await user.send("Mario Rossi")
        reply = await user.send(typed)
        assert reply.text.startswith(CF_LIMIT), typed
    assert await rows(db, "SELECT DISTINCT codice_fiscale FROM bookings") == [(CF[0],)]
    assert await rows(db, "SELECT count(*) FROM bookings") == [(2,)]
    assert await rows(db, "SELECT DISTINCT last_cf FROM citizens WHERE last_cf IS NOT NULL"
                      ) == [(CF[0],)]
    no_errors(*users)


async def test_the_summary_shows_the_canonical_code_masked(make_user: UserFactory,
                                                           steps: Steps) -> None:
    user = make_user()
    await steps.to_summary(user, name="Mario Rossi", cf=VARIANTS[4])
    assert "Codice fiscale: RSSMRA*******90L" in user.last.text


async def test_a_person_cannot_be_booked_twice_at_the_same_time_from_another_account(
        make_user: UserFactory, steps: Steps, db: Database) -> None:
    mother, son = make_user(2001), make_user(2002)
    code = await steps.book(mother, "cie", FRIDAY, cf=CF[0])
    await steps.to_name(son, "certificati", FRIDAY)  # another service, another desk
    await son.send("Mario Rossi")
    reply = await son.send(CF[0])
    assert reply.text.startswith("Questo codice fiscale ha già una prenotazione in un orario "
                                 "che si sovrappone, fatta da un altro account")
    assert "Ora scriva il codice fiscale di Mario Rossi." in reply.text
    assert code not in reply.text  # nothing of another account's booking
    assert "Carta d'identità" not in reply.text
    namesake = codice_fiscale_of("Mario", "Rossi", born="01/02/1990")
    await son.send(namesake)  # someone else: fine
    await steps.choose(son, "skip")
    await steps.choose(son, "ok")
    assert "Prenotato" in son.messages[-2].text
    assert await rows(db, "SELECT codice_fiscale FROM bookings ORDER BY id") == [(CF[0],),
                                                                                 (namesake,)]
    no_errors(mother, son)


async def test_the_citizen_is_told_which_of_their_bookings_is_in_the_way(
        make_user: UserFactory, steps: Steps, db: Database, office: Office,
        clock: FakeClock) -> None:
    user = make_user()
    first = await steps.book(user, "cie", FRIDAY, cf=CF[0])
    await steps.to_name(user, "certificati", FRIDAY + timedelta(minutes=10))
    await user.send("Mario Rossi")
    reply = await user.send(CF[0])
    assert reply.text.startswith(
        f"Mario Rossi ha già una prenotazione in un orario che si sovrappone: Carta d'identità "
        f"elettronica — richiesta, venerdì 27 novembre 2026, 09:00, codice {first}.")
    assert await rows(db, "SELECT count(*) FROM bookings") == [(1,)]
    no_errors(user)


async def test_a_booking_made_meanwhile_is_named_at_confirmation(
        make_user: UserFactory, steps: Steps, db: Database, office: Office,
        clock: FakeClock) -> None:
    user = make_user()
    await steps.to_summary(user, "certificati", FRIDAY, cf=CF[0])
    other = await book_directly(db, office, clock, user.id, FRIDAY, "cie", name="Mario Rossi",
                                cf=CF[0])  # from the same account, in another chat window
    await steps.choose(user, "ok")
    assert f"codice {other.code}" in user.last.text
    assert "Ora scriva il codice fiscale di Mario Rossi." in user.last.text
    assert await rows(db, "SELECT count(*) FROM bookings") == [(1,)]
    no_errors(user)


async def test_moving_a_booking_may_overlap_its_own_old_time(
        make_user: UserFactory, steps: Steps, db: Database) -> None:
    user = make_user()
    await steps.book(user, "cie", FRIDAY, cf=CF[0])
    await user.send("/appuntamenti")
    await user.press("Sposta")
    await steps.choose(user, f"day:{FRIDAY:%Y%m%d}")
    await steps.choose(user, f"t:{to_ts(FRIDAY + timedelta(minutes=10))}")
    await steps.choose(user, "ok")
    assert "Spostata da venerdì 27 novembre 2026, 09:00 a" in user.messages[-2].text
    assert await rows(db, "SELECT status, start_ts FROM bookings") == [
        ("booked", to_ts(FRIDAY + timedelta(minutes=10)))]
    assert await rows(db, "SELECT start_ts FROM booking_times") == [(to_ts(FRIDAY),)]
    no_errors(user)


async def test_the_database_refuses_an_overlap_of_one_person_whatever_the_code_does(
        db: Database) -> None:
    def insert(conn: Connection, desk: str, start: int, **extra: object) -> None:
        columns = {"code": new_code(), "service": "cie", "desk": desk, "start_ts": start,
                   "end_ts": start + 1800, "codice_fiscale": CF[0], "created_ts": 0, **extra}
        conn.execute(f"INSERT INTO bookings ({', '.join(columns)})"
                     f" VALUES ({', '.join('?' * len(columns))})", tuple(columns.values()))

    start = to_ts(FRIDAY)
    await db.write(insert, "S01", start)
    with pytest.raises(IntegrityError) as refused:
        await db.write(insert, "S02", start + 600)
    assert refused.value.constraint == PERSON_OVERLAP
    await db.write(insert, "S02", start + 1800)  # right after: fine
    await db.write(insert, "S03", start + 600, person_overlap_by=600)  # an operator's "anyway"
    await db.write(insert, "S04", start + 600, status="served")  # over: not in the way
    with pytest.raises(IntegrityError) as refused:
        await db.write(lambda conn: conn.execute(
            "UPDATE bookings SET start_ts = start_ts - 1200, end_ts = end_ts - 1200"
            " WHERE desk = 'S02'"))
    assert refused.value.constraint == PERSON_OVERLAP
    with pytest.raises(IntegrityError) as refused:
        await db.write(lambda conn: conn.execute(
            "UPDATE bookings SET status = 'booked' WHERE desk = 'S04'"))
    assert refused.value.constraint == PERSON_OVERLAP
    await db.write(lambda conn: conn.execute(  # moving on through the visit steps is fine
        "UPDATE bookings SET status = 'checked_in' WHERE desk = 'S01'"))
    assert await rows(db, "SELECT desk FROM bookings ORDER BY id") == [
        ("S01",), ("S02",), ("S03",), ("S04",)]
