"""A restart in the middle of a booking: the Application and the database are closed and opened
again on the same SQLite file; Telegram (the same LocalBotAPI) keeps the chats."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from telegram.ext import Application

from bot.app import build_application, prepare
from bot.domain.model import Office
from bot.testing.clock import FakeClock
from bot.testing.local_api import LocalBotAPI
from bot.testing.local_user import LocalUser
from storage.db import Database
from tests.handlers.conftest import CF, FRIDAY, Steps, data_ending, no_errors, time_arg
from tests.seed import rows


@asynccontextmanager
async def running(office: Office, path: Path, api: LocalBotAPI,
                  clock: FakeClock) -> AsyncIterator[tuple[Application, Database]]:
    db = await Database.open(path)
    try:
        application = build_application(office, db, request=api, clock=clock)
        async with application:
            await prepare(application)
            yield application, db
    finally:
        await db.close()


async def test_a_booking_goes_on_after_a_restart(office: Office, tmp_path: Path,
                                                 clock: FakeClock) -> None:
    api, path, steps = LocalBotAPI(), tmp_path / "restart.db", Steps(office)
    async with running(office, path, api, clock) as (application, _):
        before = LocalUser(api, application, 1001)
        await steps.to_days(before)
        days = before.last_with_buttons()
        saturday = data_ending(days, "day:20261128")
        await steps.choose(before, f"day:{FRIDAY:%Y%m%d}")
        await steps.choose(before, time_arg(FRIDAY))
        assert "nome e cognome" in before.last.text

    clock.advance(minutes=3)  # the bot was down for a while
    async with running(office, path, api, clock) as (application, db):
        user = LocalUser(api, application, 1001)
        reply = await user.send("Mario Rossi")
        assert "Ora scriva il codice fiscale di Mario Rossi." in reply.text
        toast = await user.press_data(saturday, days)  # a button from before the restart
        assert toast == "Questo pulsante non è più valido."
        assert "Ora scriva il codice fiscale di Mario Rossi." in user.last.text
        await user.send(CF[0])
        await steps.choose(user, "skip")
        await steps.choose(user, "ok")
        assert "Prenotato" in user.messages[-2].text
        assert await rows(db, "SELECT name, codice_fiscale, datetime(start_ts, 'unixepoch')"
                              " FROM bookings") == [
            ("Mario Rossi", CF[0], "2026-11-27 08:00:00")]
        assert await rows(db, "SELECT count(*) FROM holds") == [(0,)]
        no_errors(user)


async def test_old_buttons_after_a_restart_never_crash(office: Office, tmp_path: Path,
                                                       clock: FakeClock) -> None:
    api, path, steps = LocalBotAPI(), tmp_path / "restart.db", Steps(office)
    async with running(office, path, api, clock) as (application, _):
        before = LocalUser(api, application, 1001)
        await steps.to_summary(before)
        summary = before.last_with_buttons()
        pressed = [(data_ending(summary, suffix), summary) for suffix in (":ok", ":back")]
        await steps.choose(before, "ok")
        await before.send("/mybookings")
        listing = before.last_with_buttons()
        pressed += [(b["callback_data"], listing) for row in listing.keyboard for b in row]

    async with running(office, path, api, clock) as (application, db):
        user = LocalUser(api, application, 1001)
        answers = []
        for data, message in pressed:
            await user.press_data(data, message)
            answers.append(user.last.text)
        over = "Quella conversazione è conclusa. /prenota"
        assert [text.startswith(over) for text in answers[:2]] == [True, True]  # ok, back
        assert "Sposta la prenotazione" in answers[2]  # the move starts afresh
        assert answers[3].startswith("Annullare questa prenotazione?")
        assert await rows(db, "SELECT count(*) FROM bookings WHERE status = 'booked'") == [(1,)]
        no_errors(user)


async def test_a_text_processed_again_is_not_taken_twice(office: Office, tmp_path: Path,
                                                         clock: FakeClock) -> None:
    """A worker that stopped after saving the draft, before the inbox marked the update done:
    another worker processes the same message again (bot/inbox.py). Taken twice, the name would
    have been read as the codice fiscale, and a codice fiscale as the note."""
    api, path, steps = LocalBotAPI(), tmp_path / "again.db", Steps(office)
    async with running(office, path, api, clock) as (application, db):
        user = LocalUser(api, application, 1001)
        await steps.to_days(user)
        await steps.choose(user, f"day:{FRIDAY:%Y%m%d}")
        await steps.choose(user, time_arg(FRIDAY))
        await user.write("Mario Rossi")
        await user.write(CF[0])
        answered = len(user.messages)
        await user.write_again(CF[0])
        assert len(user.messages) == answered  # answered the first time: nothing more
        [(step, data)] = await rows(db, "SELECT step, data FROM drafts")
        assert (step, json.loads(data)["note"]) == ("note", None)  # the code not taken as one
        reply = await user.send("Prima carta d'identità")
        assert "Prima carta d'identità" in reply.text  # the summary
        await steps.choose(user, "ok")
        assert await rows(db, "SELECT name, codice_fiscale, note FROM bookings") == [
            ("Mario Rossi", CF[0], "Prima carta d'identità")]
        no_errors(user)
