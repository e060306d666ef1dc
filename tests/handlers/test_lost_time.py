"""A time lost at the last moment says why (a closure is not "someone else"); a button of an
older summary is refused without taking the current summary's buttons away."""

from __future__ import annotations

from bot.domain.model import to_ts
from storage import closures
from storage.db import Database
from tests.conftest import UserFactory
from tests.handlers.conftest import FRIDAY, Steps, data_ending, no_errors, time_arg
from tests.handlers.test_bad_input import INVALID_BUTTON, draft_step
from tests.seed import rows

CLOSED = ("Ci scusi, l'ufficio è appena stato chiuso venerdì 27 novembre 2026: Sciopero. "
          "Scelga un altro giorno.")


async def close_friday(db: Database, reason: str = "Sciopero") -> None:
    await db.write(closures.add, FRIDAY.date(), FRIDAY.date(), None, reason, 500, to_ts(FRIDAY))


async def test_a_time_lost_to_a_closure_at_confirmation_says_so(
        make_user: UserFactory, steps: Steps, db: Database) -> None:
    user = make_user()
    await steps.to_summary(user)
    await close_friday(db)
    await steps.choose(user, "ok")
    assert user.last.text.startswith(CLOSED)
    assert "qualcun altro" not in user.last.text
    assert "Scelga un giorno" in user.last.text
    assert await draft_step(db, user) == "day"
    assert await rows(db, "SELECT count(*) FROM bookings") == [(0,)]
    no_errors(user)


async def test_a_time_lost_to_a_closure_when_pressed_says_so(
        make_user: UserFactory, steps: Steps, db: Database) -> None:
    user = make_user()
    await steps.to_days(user)
    await steps.choose(user, f"day:{FRIDAY:%Y%m%d}")
    await close_friday(db, "")
    toast = await steps.choose(user, time_arg(FRIDAY))
    assert toast == ("Ci scusi, l'ufficio è appena stato chiuso venerdì 27 novembre 2026. "
                     "Scelga un altro giorno.")
    assert await draft_step(db, user) == "day"
    no_errors(user)


async def test_an_older_summary_is_refused_and_the_current_one_still_books(
        make_user: UserFactory, steps: Steps, db: Database) -> None:
    user = make_user()
    await steps.to_summary(user)
    older = user.last_with_buttons()
    old_confirm = data_ending(older, ":ok")
    await steps.choose(user, "back")  # to the note, on the same message
    current = await user.send("Porto anche il passaporto")  # a new summary
    assert "Porto anche il passaporto" in current.text
    assert await user.press_data(old_confirm, older) == INVALID_BUTTON
    assert user.last is current
    assert "✅ Conferma" in current.buttons()
    assert await rows(db, "SELECT count(*) FROM bookings") == [(0,)]
    await user.press("✅ Conferma", current)
    assert "Prenotato" in user.messages[-2].text
    assert await rows(db, "SELECT note FROM bookings") == [("Porto anche il passaporto",)]
    no_errors(user)
