"""The time a citizen chose is held while they type: others cannot take it until it expires;
a time lost anyway is told at confirmation; /cancel and abandoned conversations release it."""

from __future__ import annotations

from telegram.ext import Application

from bot.context import Deps
from bot.services import housekeeping
from bot.testing.clock import FakeClock
from bot.testing.local_user import LocalUser
from storage.db import Database
from tests.conftest import UserFactory
from tests.handlers.conftest import CF, FRIDAY, Steps, data_ending, fill, no_errors, time_arg
from tests.seed import rows

ON_FRIDAY = f"day:{FRIDAY:%Y%m%d}"
"""Marriages on Friday: one desk (Sportello 17), so a hold takes the time for everyone else."""


async def holds(db: Database) -> list[tuple]:
    return await rows(db, "SELECT owner, datetime(start_ts, 'unixepoch') FROM holds")


async def friday_times(steps: Steps, user: LocalUser) -> list[str]:
    await steps.to_days(user, "matrimonio")
    await steps.choose(user, ON_FRIDAY)
    return user.last.buttons()


async def test_a_held_time_is_neither_shown_to_others_nor_theirs_to_take(
        make_user: UserFactory, steps: Steps, db: Database) -> None:
    typing, other = make_user(1001), make_user(1002)
    assert "09:00" in await friday_times(steps, other)
    await steps.to_name(typing, "matrimonio")
    assert await holds(db) == [(1001, "2026-11-27 08:00:00")]

    times = await friday_times(steps, other)
    assert "09:00" not in times
    assert "08:30" not in times  # 08:30-09:10 would overlap it too
    assert "09:40" in times
    forged = await other.press_data(times_data(other, "09:00"), other.last_with_buttons())
    assert forged == "Ci dispiace, quell'orario non è più disponibile."
    assert await holds(db) == [(1001, "2026-11-27 08:00:00")]
    no_errors(typing, other)


def times_data(user: LocalUser, at: str) -> str:
    """The callback data a client would forge for the time `at` on Friday."""
    nonce = data_ending(user.last_with_buttons(), ":quit").split(":")[1]
    hour, minute = map(int, at.split(":"))
    return f"b:{nonce}:{time_arg(FRIDAY.replace(hour=hour, minute=minute))}"


async def test_an_expired_hold_frees_the_time_and_a_lost_time_offers_the_nearest(
        make_user: UserFactory, steps: Steps, db: Database, clock: FakeClock) -> None:
    await fill(db, "S17", FRIDAY.replace(hour=8, minute=30), FRIDAY)
    await fill(db, "S17", FRIDAY.replace(minute=40), FRIDAY.replace(hour=13))  # 09:00 only left
    slow, quick = make_user(1001), make_user(1002, language_code="en")
    await steps.to_name(slow, "matrimonio")
    await slow.send("Mario Rossi")
    await slow.send(CF[0])
    await steps.choose(slow, "skip")

    clock.advance(minutes=10)  # hold_minutes: the hold is worth nothing now
    await steps.to_days(quick, "matrimonio")
    await steps.choose(quick, ON_FRIDAY)
    assert quick.last.buttons()[0] == "09:00"
    assert await quick.press("09:00") == "Kept for you: Friday 27 November 2026, 09:00"
    assert (1002, "2026-11-27 08:00:00") in await holds(db)  # beside 1001's, expired

    await steps.choose(slow, "ok")
    lost = slow.last
    assert lost.text.startswith("Ci dispiace, quell'orario è appena stato preso da qualcun "
                                "altro. Ne scelga un altro, per favore.")
    assert "Non restano orari liberi per venerdì 27 novembre 2026." in lost.text
    assert "Gli orari liberi più vicini:" in lost.text
    assert lost.buttons()[:3] == ["lun 30 nov 08:30", "lun 30 nov 08:40", "lun 30 nov 08:50"]
    assert await rows(db, "SELECT count(*) FROM bookings WHERE user_id IS NOT NULL") == [(0,)]

    await slow.press("lun 30 nov 08:30")  # name, codice fiscale and note are kept
    assert "Controlli e confermi" in slow.last.text
    assert "lunedì 30 novembre 2026, 08:30" in slow.last.text
    await steps.choose(slow, "ok")
    assert await rows(db, "SELECT user_id, datetime(start_ts, 'unixepoch') FROM bookings"
                          " WHERE user_id IS NOT NULL") == [(1001, "2026-11-30 07:30:00")]
    no_errors(slow, quick)


async def test_an_expired_hold_nobody_took_is_still_booked(make_user: UserFactory, steps: Steps,
                                                           db: Database,
                                                           clock: FakeClock) -> None:
    user = make_user()
    await steps.to_name(user, "matrimonio")
    clock.advance(minutes=12)
    await user.send("Mario Rossi")
    clock.advance(minutes=12)
    await user.send(CF[0])
    await steps.choose(user, "skip")
    await steps.choose(user, "ok")
    assert "Prenotato" in user.messages[-2].text
    assert await rows(db, "SELECT datetime(start_ts, 'unixepoch'), status FROM bookings") == [
        ("2026-11-27 08:00:00", "booked")]
    assert await holds(db) == []


async def test_cancel_releases_the_held_time(make_user: UserFactory, steps: Steps,
                                             db: Database) -> None:
    user, other = make_user(1001), make_user(1002)
    await steps.to_name(user, "matrimonio")
    name_step = user.last
    reply = await user.send("/annulla")
    assert reply.text == ("Prenotazione interrotta: non è stato salvato nulla e l'orario scelto "
                          "è di nuovo libero. /prenota per ricominciare.")
    assert name_step.keyboard == []
    assert await holds(db) == []
    assert await rows(db, "SELECT count(*) FROM drafts") == [(0,)]
    assert "09:00" in await friday_times(steps, other)

    reply = await user.send("/cancel")
    assert reply.text.startswith("Non c'è niente da annullare.")
    assert "/prenota" in reply.text
    no_errors(user, other)


async def test_the_cancel_button_releases_the_held_time(make_user: UserFactory, steps: Steps,
                                                        db: Database) -> None:
    user = make_user()
    await steps.to_name(user, "matrimonio")
    await user.press("✖ Annulla")
    assert user.last.text == ("Prenotazione interrotta: non è stato salvato nulla. /prenota per "
                              "ricominciare.")
    assert user.last.keyboard == []
    assert await holds(db) == []
    assert await rows(db, "SELECT count(*) FROM drafts") == [(0,)]


async def test_an_abandoned_conversation_is_tidied_away(make_user: UserFactory, steps: Steps,
                                                        db: Database, clock: FakeClock,
                                                        app: Application) -> None:
    user = make_user()
    await steps.to_name(user, "matrimonio")
    name_step = user.last_with_buttons()
    deps: Deps = app.bot_data["deps"]

    clock.advance(minutes=29)
    await housekeeping.tidy(deps)
    assert await rows(db, "SELECT step FROM drafts") == [("name",)]  # not yet abandoned
    clock.advance(minutes=2)
    await housekeeping.tidy(deps)
    assert await holds(db) == []  # the time is free again
    assert await rows(db, "SELECT count(*) FROM drafts") == [(1,)]  # kept to say it expired

    await user.press("Indietro", name_step)
    assert user.last.text.startswith("La prenotazione che aveva iniziato è rimasta in sospeso "
                                     "per più di 30 minuti")
    assert await rows(db, "SELECT count(*) FROM drafts") == [(0,)]
    reply = await user.send("Mario Rossi")
    assert reply.text.startswith("Per prenotare un appuntamento invii /prenota.")
    assert await rows(db, "SELECT count(*) FROM bookings") == [(0,)]
    no_errors(user)


async def test_an_abandoned_conversation_ends_at_the_next_press(make_user: UserFactory,
                                                                steps: Steps, db: Database,
                                                                clock: FakeClock) -> None:
    user = make_user()
    await steps.to_name(user, "matrimonio")
    clock.advance(minutes=31)  # no tidying job ran meanwhile
    assert await holds(db) == [(1001, "2026-11-27 08:00:00")]
    name_step = user.last
    await user.press("Indietro")
    assert user.last.text.startswith("La prenotazione che aveva iniziato è rimasta in sospeso "
                                     "per più di 30 minuti")
    assert name_step.keyboard == []
    assert await rows(db, "SELECT count(*) FROM drafts") == [(0,)]
    assert await holds(db) == []
    no_errors(user)


async def test_an_abandoned_conversation_is_forgotten_a_day_later(
        make_user: UserFactory, steps: Steps, db: Database, clock: FakeClock,
        app: Application) -> None:
    user = make_user()
    await steps.to_name(user, "matrimonio")
    clock.advance(days=1, minutes=29)
    await housekeeping.tidy(deps=app.bot_data["deps"])
    assert await rows(db, "SELECT count(*) FROM drafts") == [(1,)]
    clock.advance(minutes=2)
    await housekeeping.tidy(deps=app.bot_data["deps"])
    assert await rows(db, "SELECT count(*) FROM drafts") == [(0,)]


async def test_a_name_typed_after_the_timeout_is_told_the_booking_expired(
        make_user: UserFactory, steps: Steps, db: Database, clock: FakeClock) -> None:
    user = make_user(language_code="en")
    await steps.to_name(user, "matrimonio")
    clock.advance(minutes=45)
    reply = await user.send("Mario Rossi")
    assert reply.text == ("The booking you started was left unfinished for more than 30 minutes, "
                          "so it was discarded and its time is free again. /book to start over.")
    assert await holds(db) == []
    assert await rows(db, "SELECT count(*) FROM bookings") == [(0,)]
    no_errors(user)
