"""Privacy: the notice, erasure on request, the retention job, and the codice fiscale never
shown whole once typed."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.app import build_application, prepare
from bot.context import Deps
from bot.domain.model import Office
from bot.services import erasure
from bot.testing.clock import FakeClock
from bot.testing.local_api import LocalBotAPI
from bot.testing.local_user import LocalUser
from storage.db import Database
from tests.conftest import NOW, ROME, UserFactory
from tests.handlers.conftest import CF, FRIDAY, Steps, book_directly, no_errors, time_arg
from tests.seed import rows


@pytest.mark.parametrize(("lang", "controller", "days", "basis"), [
    ("it", "<b>Titolare del trattamento:</b> Comune di Prova &lt;ufficio&gt; &amp; C..",
     "sono cancellati 90 giorni dopo l'appuntamento",
     "compito di interesse pubblico del Comune (art. 6, par. 1, lett. e) del GDPR)"),
    ("en", "<b>Data controller:</b> Comune di Prova &lt;ufficio&gt; &amp; C..",
     "are erased 90 days after the appointment",
     "a task in the public interest of the municipality (GDPR art. 6(1)(e))"),
])
async def test_the_notice_names_the_controller_and_the_retention_of_the_configuration(
        office: Office, tmp_path: Path, clock: FakeClock, lang: str, controller: str, days: str,
        basis: str) -> None:
    ours = replace(office, data_controller="Comune di Prova <ufficio> & C.",
                   rules=replace(office.rules, retention_days=90))
    api = LocalBotAPI()
    db = await Database.open(tmp_path / "privacy.db")
    try:
        async with build_application(ours, db, request=api, clock=clock) as application:
            await prepare(application)
            reply = await LocalUser(api, application, 1001, language_code=lang).send("/privacy")
    finally:
        await db.close()
    assert controller in reply.markup
    assert days in reply.text
    assert basis in reply.text
    assert "/deletemydata" in reply.text or "/cancelladati" in reply.text


async def test_delete_my_data_asks_first(make_user: UserFactory, db: Database, office: Office,
                                         clock: FakeClock) -> None:
    await book_directly(db, office, clock, 1001, FRIDAY)
    user = make_user()
    question = await user.send("/cancelladati")
    assert question.text == ("Così annulla la sua 1 prenotazione in programma e cancella nome, "
                             "codici fiscali e note. Restano solo conteggi anonimi. Procedo?")
    assert question.buttons() == ["Sì, cancella i miei dati", "No"]
    await user.press("No")
    assert question.text == "Non è stato cancellato nulla."
    assert question.keyboard == []
    assert await rows(db, "SELECT status, name FROM bookings") == [("booked", "Anna Bianchi")]
    assert await rows(db, "SELECT count(*) FROM citizens") == [(1,)]


async def test_delete_my_data_cancels_the_future_and_erases_the_person(
        make_user: UserFactory, steps: Steps, db: Database, office: Office,
        clock: FakeClock) -> None:
    clock.set(NOW - timedelta(days=8))
    user = make_user()
    await steps.book(user, start=FRIDAY - timedelta(days=7), note="Prima volta")
    await db.write(lambda conn: conn.execute("UPDATE bookings SET status = 'served'"))
    clock.set(NOW)
    await steps.book(user, note="Rinnovo")
    await steps.book(user, start=FRIDAY + timedelta(hours=1), cf=CF[1], name="Anna Bianchi")
    await book_directly(db, office, clock, 2002, FRIDAY + timedelta(hours=2), cf=CF[2],
                        name="Luca Verdi")
    await steps.to_name(user, start=FRIDAY + timedelta(hours=3))  # a booking in progress

    question = await user.send("/deletemydata")
    assert question.text.startswith("Così annulla le sue 2 prenotazioni in programma")
    await user.press("Sì, cancella i miei dati")
    assert question.text == ("Fatto: 2 prenotazioni annullate e dati personali cancellati. Se "
                             "scrive di nuovo, riparte da zero.")

    assert await rows(db, "SELECT user_id, status, cancelled_by, name, codice_fiscale, note,"
                          " purged_ts IS NOT NULL, service FROM bookings ORDER BY start_ts") == [
        (None, "served", None, None, None, None, 1, "cie"),
        (None, "cancelled", "erasure", None, None, None, 1, "cie"),
        (None, "cancelled", "erasure", None, None, None, 1, "cie"),
        (2002, "booked", None, "Luca Verdi", CF[2], None, 0, "cie"),  # someone else's
    ]
    assert await rows(db, "SELECT user_id FROM citizens") == [(2002,)]
    for table in ("drafts", "holds"):
        assert await rows(db, f"SELECT count(*) FROM {table}") == [(0,)]
    assert await rows(db, "SELECT DISTINCT state FROM outbox WHERE chat_id = ?", user.id) == [
        ("cancelled",)]
    assert await rows(db, "SELECT count(*) FROM outbox WHERE chat_id = 2002"
                          " AND state = 'pending'") == [(2,)]

    reply = await user.send("/prenota")  # from scratch: no name or codice fiscale offered
    assert "Di che cosa si tratta?" in reply.text
    await steps.choose(user, "cat:anagrafe")
    await steps.choose(user, "svc:cie")
    await user.press("⏩")
    assert [b for b in user.last.buttons() if b.startswith("Usa")] == []
    no_errors(user)


async def test_the_retention_job(make_user: UserFactory, steps: Steps, db: Database,
                                 clock: FakeClock, app: Application) -> None:
    year_ago = NOW - timedelta(days=371)  # a Thursday, as NOW
    clock.set(year_ago)
    old = make_user(1001)
    await steps.book(old, start=year_ago + timedelta(days=1), note="Vecchia nota")
    clock.set(year_ago + timedelta(days=7))
    recent = make_user(1002)
    await steps.book(recent, start=year_ago + timedelta(days=8), cf=CF[1], note="Nota recente")
    clock.set(NOW)
    await steps.book(make_user(1003), cf=CF[2])

    deps: Deps = app.bot_data["deps"]
    assert await erasure.purge_expired(deps) == 1
    assert await rows(db, "SELECT user_id, name, codice_fiscale, note, purged_ts, status"
                          " FROM bookings ORDER BY start_ts") == [
        (1001, None, None, None, int(NOW.timestamp()), "booked"),
        (1002, "Anna Bianchi", CF[1], "Nota recente", None, "booked"),
        (1003, "Luca Verdi", CF[2], None, None, "booked"),
    ]
    assert await rows(db, "SELECT user_id, last_name, last_cf FROM citizens ORDER BY 1") == [
        (1001, None, None), (1002, "Anna Bianchi", CF[1]), (1003, "Luca Verdi", CF[2])]
    assert await erasure.purge_expired(deps) == 0  # nothing twice

    clock.advance(days=7)
    assert await erasure.purge_expired(deps) == 1
    assert await rows(db, "SELECT name FROM bookings WHERE user_id = 1002") == [(None,)]

    assert app.job_queue is not None
    [job] = app.job_queue.get_jobs_by_name("retention")  # and it runs every night at 03:00
    assert job.job.trigger.get_next_fire_time(None, NOW) == datetime(2026, 11, 27, 3, 0,
                                                                     tzinfo=ROME)


def everything_sent(api: LocalBotAPI) -> str:
    """Every parameter of every call to the Bot API, and every file sent."""
    calls = json.dumps([params for _, params in api.calls], ensure_ascii=False, default=str)
    files = [m.document[1].decode() for chat in api.messages.values() for m in chat.values()
             if m.document]
    return calls + "".join(files)


async def test_the_codice_fiscale_is_never_shown_whole(make_user: UserFactory, steps: Steps,
                                                       api: LocalBotAPI, db: Database) -> None:
    user = make_user()
    await steps.to_name(user)
    await user.send("Mario Rossi")
    await user.send("RSSMRA85T10A390")  # a typo: one character missing
    await user.send(CF[0].lower())
    await user.send("Rinnovo")
    assert "Codice fiscale: RSSMRA*******90L" in user.last.text
    await steps.choose(user, "back")
    await steps.choose(user, "skip")
    await steps.choose(user, "ok")
    code = await steps.book(user, start=FRIDAY + timedelta(hours=1), cf=CF[1])
    await steps.to_name(user, start=FRIDAY + timedelta(hours=2))
    await user.press("Usa “Anna Bianchi”")
    assert "Usa BNCNNA*******90D" in user.last.buttons()
    await user.send("/appuntamenti")
    await user.press(f"Sposta {code}")
    await steps.choose(user, f"day:{FRIDAY + timedelta(days=3):%Y%m%d}")
    await steps.choose(user, time_arg(FRIDAY + timedelta(days=3)))
    assert "Codice fiscale: BNCNNA*******90D" in user.last.text
    await steps.choose(user, "ok")
    await user.send("/cancelladati")

    sent = everything_sent(api)
    assert "RSSMRA*******90L" in sent
    for cf in CF[:2]:
        assert cf not in sent
        assert cf.lower() not in sent
    assert await rows(db, "SELECT count(*) FROM bookings WHERE codice_fiscale IN (?, ?)",
                      *CF[:2]) == [(2,)]  # stored whole: the operators need it (a move
    # keeps its booking)
    no_errors(user)


async def test_a_new_citizen_after_erasure_speaks_their_clients_language(
        make_user: UserFactory, db: Database) -> None:
    user: LocalUser = make_user(language_code="en")
    await user.send("/language")
    await user.press("Italiano")
    await user.send("/deletemydata")
    await user.press("Sì, cancella i miei dati")
    reply = await user.send("/start")
    assert reply.text.startswith("Welcome to")
    assert await rows(db, "SELECT lang FROM citizens") == [("en",)]


async def test_erasure_takes_a_booking_made_on_the_day(make_user: UserFactory, steps: Steps,
                                                       db: Database) -> None:
    """A booking for later today is future: cancelled with the rest."""
    user = make_user()
    await steps.book(user, start=datetime(2026, 11, 26, 11, 0, tzinfo=ROME))
    await user.send("/deletemydata")
    await user.press("Sì, cancella i miei dati")
    assert await rows(db, "SELECT status, cancelled_by, name FROM bookings") == [
        ("cancelled", "erasure", None)]


async def test_the_question_counts_only_the_bookings_erasure_cancels(
        make_user: UserFactory, db: Database, office: Office, clock: FakeClock) -> None:
    await book_directly(db, office, clock, 1001, FRIDAY)
    await book_directly(db, office, clock, 1001, FRIDAY + timedelta(days=1), cf=CF[2])
    clock.set(FRIDAY + timedelta(minutes=10))  # the first is under way: it stays as it is
    user = make_user()
    question = await user.send("/cancelladati")
    assert question.text.startswith("Così annulla la sua 1 prenotazione in programma")
    await user.press("Sì, cancella i miei dati")
    assert question.text.startswith("Fatto: 1 prenotazione annullata")
    assert await rows(db, "SELECT status FROM bookings ORDER BY start_ts") == [
        ("booked",), ("cancelled",)]
