"""Choosing the day in /book: the first free time, paging across the horizon, closed and full
days marked; and Back at every step."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from bot.testing.clock import FakeClock
from bot.testing.local_user import LocalUser
from storage.db import Database
from tests.conftest import NOW, ROME, UserFactory
from tests.handlers.conftest import CF, FRIDAY, Steps, fill, no_errors, time_arg
from tests.seed import rows

LATER, EARLIER = "Dopo ▶", "◀ Prima"


def day_buttons(user: LocalUser) -> dict[str, str]:
    """Label -> day (YYYYMMDD) of the day buttons on screen."""
    return {b["text"]: b["callback_data"].rsplit(":", 1)[1]
            for row in user.last_with_buttons().keyboard for b in row
            if ":day:" in b.get("callback_data", "")}


async def held(db: Database, user: LocalUser) -> list[tuple]:
    return await rows(db, "SELECT service, datetime(start_ts, 'unixepoch') FROM holds"
                          " WHERE owner = ?", user.id)


async def test_first_available_jumps_to_the_earliest_free_time(make_user: UserFactory,
                                                               steps: Steps,
                                                               db: Database) -> None:
    user = make_user()
    await steps.to_days(user)
    toast = await user.press("⏩")
    # now is 09:00, the minimum notice one hour
    assert toast == "Tenuto per lei: giovedì 26 novembre 2026, 10:00"
    assert "giovedì 26 novembre 2026, 10:00" in user.last.text
    assert "nome e cognome" in user.last.text
    assert await held(db, user) == [("cie", "2026-11-26 09:00:00")]


async def test_first_available_skips_full_and_closed_days(make_user: UserFactory, steps: Steps,
                                                          db: Database,
                                                          clock: FakeClock) -> None:
    clock.set(datetime(2026, 11, 27, 11, 0, tzinfo=ROME))  # Friday, late morning
    friday, monday = FRIDAY.replace(hour=12), datetime(2026, 11, 30, 8, 30, tzinfo=ROME)
    await fill(db, "S17", friday, friday.replace(hour=13))  # the rest of Friday is taken
    await fill(db, "S17", monday, monday.replace(hour=10, minute=0))  # and Monday until 10:00
    user = make_user()
    await steps.to_days(user, "matrimonio")
    assert await user.press("⏩") == "Tenuto per lei: lunedì 30 novembre 2026, 10:00"
    assert await held(db, user) == [("matrimonio", "2026-11-30 09:00:00")]
    no_errors(user)


async def test_every_day_of_the_horizon_is_on_a_page(make_user: UserFactory, steps: Steps) -> None:
    user = make_user()
    await steps.to_days(user)
    assert EARLIER not in user.last.buttons()
    pages = [day_buttons(user)]
    while LATER in user.last.buttons():
        await user.press(LATER)
        pages.append(day_buttons(user))
    assert len(pages) == 6
    days = [day for page in pages for day in page.values()]
    expected = [f"{NOW.date() + timedelta(days=n):%Y%m%d}" for n in range(61)]
    assert days == expected  # today to today + 60 days, each once, in order
    assert list(pages[-1]) == ["lun 25 gen"]
    await user.press(EARLIER)
    assert day_buttons(user) == pages[-2]
    no_errors(user)


async def test_closed_and_full_days_are_marked(make_user: UserFactory, steps: Steps,
                                               db: Database) -> None:
    await fill(db, "S17", FRIDAY.replace(hour=8, minute=30), FRIDAY.replace(hour=13))
    user = make_user()
    await steps.to_days(user, "matrimonio")
    assert "Scelga un giorno (✖ chiuso, ▪ completo):" in user.last.text
    first = day_buttons(user)
    assert "gio 26 nov" in first  # free: Sportello 18 marries on Thursdays
    assert "▪ ven 27 nov" in first  # full
    assert "✖ sab 28 nov" in first  # neither marrying desk opens on Saturdays
    assert "✖ dom 29 nov" in first
    await user.press(LATER)
    assert "✖ mar 8 dic" in day_buttons(user)  # a public holiday
    await user.press(LATER)
    assert "✖ gio 24 dic" in day_buttons(user)  # a closure in the configuration
    assert "✖ ven 25 dic" in day_buttons(user)
    assert "lun 21 dic" in day_buttons(user)
    no_errors(user)


async def draft(db: Database, user: LocalUser) -> dict:
    found = await rows(db, "SELECT data FROM drafts WHERE user_id = ?", user.id)
    return json.loads(found[0][0])


async def test_back_at_every_step(make_user: UserFactory, steps: Steps, db: Database) -> None:
    user = make_user()
    await steps.to_summary(user, note="Rinnovo")
    assert "Controlli e confermi" in user.last.text
    expected = [
        ("note", "C'è qualcosa che l'operatore deve sapere", {"note": None, "note_done": False}),
        ("codice_fiscale", "Ora scriva il codice fiscale di Mario Rossi.",
         {"codice_fiscale": None}),
        ("name", "Scriva il nome e cognome", {"name": None}),
        ("time", "Scelga un orario:", {}),
        ("day", "Scelga un giorno", {}),
        ("service", "Scelga il servizio:", {}),
        ("category", "Di che cosa si tratta?", {}),
    ]
    for step, text, cleared in expected:
        await user.press("« Indietro")
        assert text in user.last.text, step
        state = await draft(db, user)
        assert state["step"] == step
        assert {key: state[key] for key in cleared} == cleared
    assert "« Indietro" not in user.last.buttons()
    assert user.last.buttons()[-1] == "✖ Annulla"

    await steps.choose(user, "cat:anagrafe")
    await steps.choose(user, "svc:cie")
    await steps.choose(user, f"day:{FRIDAY:%Y%m%d}")
    await steps.choose(user, time_arg(FRIDAY))
    await user.send("Mario Rossi")
    await user.send(CF[0])
    await steps.choose(user, "skip")
    await steps.choose(user, "ok")
    assert await rows(db, "SELECT name, note, status FROM bookings") == [
        ("Mario Rossi", None, "booked")]
    no_errors(user)
