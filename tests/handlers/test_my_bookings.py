"""/mybookings (/appuntamenti): the list; cancel (asked twice); move (the old booking stays until
the new time is confirmed); the cancellation cutoff; booking again what the office cancelled."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.model import Office
from bot.testing.clock import FakeClock
from bot.testing.local_api import LocalBotAPI
from bot.testing.local_user import LocalUser
from storage.db import Database
from tests.conftest import NOW, ROME, UserFactory
from tests.handlers.conftest import CF, FRIDAY, Steps, book_directly, no_errors, time_arg
from tests.seed import rows

MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=ROME)


def alert(api: LocalBotAPI) -> tuple[str, bool]:
    """The last answer to a button: its text and whether it was an alert."""
    answer = list(api.callback_answers.values())[-1]
    return answer.get("text", ""), bool(answer.get("show_alert"))


async def test_the_list_of_upcoming_bookings(make_user: UserFactory, db: Database,
                                             office: Office, clock: FakeClock) -> None:
    user = make_user()
    assert (await user.send("/appuntamenti")).text == (
        "Non ha appuntamenti in programma. /prenota per prenotarne uno.")
    later = await book_directly(db, office, clock, 1001, MONDAY, "tari")
    sooner = await book_directly(db, office, clock, 1001, FRIDAY)
    gone = await book_directly(db, office, clock, 1001, FRIDAY + timedelta(hours=1))
    await db.write(lambda conn: conn.execute(
        "UPDATE bookings SET status = 'cancelled' WHERE id = ?", (gone.id,)))
    clock.set(NOW - timedelta(days=1))  # a booking made yesterday for this morning, now past
    await book_directly(db, office, clock, 1001, NOW.replace(hour=8, minute=30),
                        "cie_ritiro")
    clock.set(NOW)

    reply = await user.send("/mybookings")
    assert reply.text.startswith("I suoi appuntamenti\n\n")
    *blocks, cutoff = reply.text.split("\n\n")[1:]
    assert len(blocks) == 2
    assert cutoff == ("Può spostare o annullare una prenotazione in /appuntamenti fino a 2 ore "
                      "prima dell'appuntamento.")
    for block in blocks:  # whose it is, and what to bring
        assert "Nome: Anna Bianchi\nCodice fiscale: BNCNNA*******90D\nPorti con sé:" in block
    assert f"Codice prenotazione: {sooner.code}" in blocks[0]
    assert "Servizio: Carta d'identità elettronica — richiesta" in blocks[0]
    assert "Quando: venerdì 27 novembre 2026, 09:00" in blocks[0]
    assert f"Codice prenotazione: {later.code}" in blocks[1]
    assert "Quando: lunedì 30 novembre 2026, 10:00" in blocks[1]
    assert reply.buttons() == [f"Sposta {sooner.code}", f"Annulla {sooner.code}",
                               f"Sposta {later.code}", f"Annulla {later.code}"]
    assert gone.code not in reply.text
    no_errors(user)


async def test_cancel_asks_first(make_user: UserFactory, db: Database, office: Office,
                                 clock: FakeClock, api: LocalBotAPI) -> None:
    booked = await book_directly(db, office, clock, 1001, FRIDAY)
    user = make_user()
    await user.send("/mybookings")
    await user.press(f"Annulla {booked.code}")
    question = user.last
    assert question.text.startswith("Annullare questa prenotazione?\n\n")
    assert "Quando: venerdì 27 novembre 2026, 09:00" in question.text
    assert question.buttons() == ["Sì, annulla", "No, la tengo"]
    await user.press("No, la tengo")
    assert question.text == f"Va bene: la prenotazione {booked.code} resta com'è."
    assert await rows(db, "SELECT status FROM bookings") == [("booked",)]

    await user.send("/mybookings")
    await user.press(f"Annulla {booked.code}")
    question = user.last
    yes = question.button("Sì, annulla")["callback_data"]
    await user.press("Sì, annulla")
    assert question.text == (f"La prenotazione {booked.code} è annullata; l'orario è libero per "
                             "qualcun altro. /prenota per farne una nuova.")
    assert question.keyboard == []
    assert await rows(db, "SELECT status, cancelled_by, cancelled_ts FROM bookings") == [
        ("cancelled", "citizen", int(NOW.timestamp()))]
    assert await rows(db, "SELECT DISTINCT state FROM outbox") == [("cancelled",)]

    clock.advance(minutes=1)
    messages = len(user.messages)
    assert await user.press_data(yes, question) == "Questa prenotazione non è più attiva."
    assert alert(api) == ("Questa prenotazione non è più attiva.", True)
    assert len(user.messages) == messages
    assert await rows(db, "SELECT status, cancelled_ts FROM bookings") == [
        ("cancelled", int(NOW.timestamp()))]
    assert (await user.send("/mybookings")).text.startswith("Non ha appuntamenti")
    no_errors(user)


async def test_cancelled_time_is_free_for_others(make_user: UserFactory, steps: Steps,
                                                 db: Database, office: Office,
                                                 clock: FakeClock) -> None:
    booked = await book_directly(db, office, clock, 1001, FRIDAY, "matrimonio")
    other = make_user(1002)
    await steps.to_days(other, "matrimonio")
    await steps.choose(other, f"day:{FRIDAY:%Y%m%d}")
    assert "09:00" not in other.last.buttons()
    user = make_user()
    await user.send("/mybookings")
    await user.press(f"Annulla {booked.code}")
    await user.press("Sì, annulla")
    await steps.choose(other, "back")
    await steps.choose(other, f"day:{FRIDAY:%Y%m%d}")
    assert "09:00" in other.last.buttons()


async def test_move_keeps_the_old_booking_until_the_new_time_is_confirmed(
        make_user: UserFactory, steps: Steps, db: Database) -> None:
    user = make_user()
    old_code = await steps.book(user, note="Rinnovo")
    old_id = (await rows(db, "SELECT id FROM bookings"))[0][0]
    await user.send("/mybookings")
    await user.press(f"Sposta {old_code}")
    assert (f"Sposta la prenotazione {old_code} di venerdì 27 novembre 2026, 09:00: resta "
            "valida finché non conferma il nuovo orario.") in user.last.text
    assert "« Indietro" not in user.last.buttons()  # the service cannot change
    await steps.choose(user, f"day:{MONDAY:%Y%m%d}")
    await steps.choose(user, time_arg(MONDAY))
    summary = user.last.text
    assert "Controlli e confermi" in summary  # name, codice fiscale and note come along
    assert "Nome: Mario Rossi" in summary
    assert "Nota per l'operatore: Rinnovo" in summary
    assert "Quando: lunedì 30 novembre 2026, 10:00" in summary
    assert await rows(db, "SELECT id, status FROM bookings") == [(old_id, "booked")]

    await steps.choose(user, "ok")
    confirmation, calendar = user.messages[-2:]
    assert ("Spostata da venerdì 27 novembre 2026, 09:00 a lunedì 30 novembre 2026, 10:00; il "
            "codice di prenotazione resta lo stesso.") in confirmation.text
    assert f"Codice prenotazione: {old_code}" in confirmation.text
    assert calendar.document is not None
    name, content = calendar.document
    assert name == f"{old_code}.ics"
    assert f"UID:{old_code}@sportello".encode() in content
    assert b"SEQUENCE:1" in content
    assert b"METHOD:PUBLISH" in content
    assert b"DTSTART;TZID=Europe/Rome:20261130T100000" in content
    assert await rows(db, "SELECT id, code, status, datetime(start_ts, 'unixepoch'), name,"
                          " codice_fiscale, note FROM bookings") == [
        (old_id, old_code, "booked", "2026-11-30 09:00:00", "Mario Rossi", CF[0], "Rinnovo")]
    assert await rows(db, "SELECT booking_id, datetime(start_ts, 'unixepoch'),"
                          " datetime(moved_ts, 'unixepoch') FROM booking_times") == [
        (old_id, "2026-11-27 08:00:00", "2026-11-26 08:00:00")]
    assert await rows(db, "SELECT booking_id, state, datetime(due_ts, 'unixepoch') FROM outbox"
                          " ORDER BY state, due_ts") == [
        (old_id, "cancelled", "2026-11-26 17:00:00"),
        (old_id, "cancelled", "2026-11-27 06:00:00"),
        (old_id, "pending", "2026-11-29 17:00:00"),
        (old_id, "pending", "2026-11-30 07:00:00"),
    ]
    no_errors(user)


async def test_a_move_left_halfway_changes_nothing(make_user: UserFactory, steps: Steps,
                                                   db: Database) -> None:
    user = make_user()
    code = await steps.book(user)
    await user.send("/mybookings")
    await user.press(f"Sposta {code}")
    await steps.choose(user, f"day:{MONDAY:%Y%m%d}")
    await steps.choose(user, time_arg(MONDAY))
    await user.send("/annulla")
    assert "Spostamento interrotto: la sua prenotazione resta com'era." in user.last.text
    assert f"Codice prenotazione: {code}" in user.last.text
    assert "Quando: venerdì 27 novembre 2026, 09:00" in user.last.text
    assert await rows(db, "SELECT status, datetime(start_ts, 'unixepoch') FROM bookings") == [
        ("booked", "2026-11-27 08:00:00")]
    assert await rows(db, "SELECT count(*) FROM holds") == [(0,)]
    no_errors(user)


async def test_a_move_confirmed_past_the_cutoff_changes_nothing(
        make_user: UserFactory, steps: Steps, db: Database, office: Office,
        clock: FakeClock) -> None:
    soon = await book_directly(db, office, clock, 1001, NOW.replace(hour=11, minute=10))
    user = make_user()
    await user.send("/mybookings")
    await user.press(f"Sposta {soon.code}")  # 2 hours 10 minutes before: still allowed
    await steps.choose(user, f"day:{MONDAY:%Y%m%d}")
    await steps.choose(user, time_arg(MONDAY))
    clock.advance(minutes=15)  # the citizen reads the summary; the cutoff passes
    await steps.choose(user, "ok")
    assert user.last.text == (
        "La sua prenotazione non si può più spostare qui: inizia tra meno di 2 ore, oppure lo "
        "sportello l'ha modificata nel frattempo. Non è cambiato nulla: veda /appuntamenti.")
    assert await rows(db, "SELECT code, status FROM bookings") == [(soon.code, "booked")]
    assert await rows(db, "SELECT count(*) FROM drafts") == [(0,)]
    no_errors(user)


async def test_the_cancellation_cutoff(make_user: UserFactory, db: Database, office: Office,
                                       clock: FakeClock, api: LocalBotAPI) -> None:
    soon = await book_directly(db, office, clock, 1001, NOW.replace(hour=11))
    user = make_user()
    await user.send("/mybookings")
    listing = user.last
    cutoff = ("Mancano meno di 2 ore al suo appuntamento: qui non si può più modificare. Se non "
              "può venire, avvisi lo sportello, per favore. Sportello: tel. +39 0575 3770, e-mail "
              "sportellounico@comune.arezzo.it.")
    assert await user.press(f"Annulla {soon.code}", listing) is None  # 2 hours: still fine
    question = user.last
    clock.advance(minutes=1)
    await user.press("Sì, annulla", question)
    assert alert(api) == (cutoff, True)
    for label in ("Sposta", "Annulla"):
        await user.press(f"{label} {soon.code}", listing)
        assert alert(api) == (cutoff, True)
    assert user.last is question
    assert await rows(db, "SELECT status FROM bookings") == [("booked",)]
    assert await rows(db, "SELECT count(*) FROM drafts") == [(0,)]
    no_errors(user)


async def rebook(user: LocalUser, db: Database, booking_id: int, by: str) -> None:
    await db.write(lambda conn: conn.execute(
        "UPDATE bookings SET status = 'cancelled', cancelled_by = ? WHERE id = ?",
        (by, booking_id)))
    await user.press_data(f"my:r:{booking_id}", await user.send("/start"))


async def test_booking_again_what_the_office_cancelled(make_user: UserFactory, steps: Steps,
                                                       db: Database) -> None:
    user = make_user()
    await steps.book(user, note="Rinnovo")
    old_id = (await rows(db, "SELECT id FROM bookings"))[0][0]
    await rebook(user, db, old_id, "closure")
    assert "Sposta la prenotazione" not in user.last.text
    assert "Scelga un giorno" in user.last.text
    assert "« Indietro" not in user.last.buttons()
    await steps.choose(user, f"day:{MONDAY:%Y%m%d}")
    await steps.choose(user, time_arg(MONDAY))
    assert "Nome: Mario Rossi" in user.last.text
    await steps.choose(user, "ok")
    assert "Prenotato" in user.messages[-2].text
    assert "precedente" not in user.messages[-2].text
    assert await rows(db, "SELECT status, cancelled_by, rescheduled_from, service, name,"
                          " codice_fiscale, note FROM bookings ORDER BY id") == [
        ("cancelled", "closure", None, "cie", "Mario Rossi", CF[0], "Rinnovo"),
        ("booked", None, None, "cie", "Mario Rossi", CF[0], "Rinnovo"),
    ]
    no_errors(user)


async def test_what_the_citizen_cancelled_is_not_booked_again_from_an_old_button(
        make_user: UserFactory, steps: Steps, db: Database, api: LocalBotAPI) -> None:
    user = make_user()
    await steps.book(user)
    old_id = (await rows(db, "SELECT id FROM bookings"))[0][0]
    await rebook(user, db, old_id, "citizen")
    assert alert(api) == ("Questa prenotazione non è più attiva.", True)
    assert await rows(db, "SELECT count(*) FROM drafts") == [(0,)]
    no_errors(user)


async def test_a_booking_of_a_service_no_longer_configured_can_be_seen_and_cancelled(
        make_user: UserFactory, db: Database, office: Office, clock: FakeClock,
        api: LocalBotAPI) -> None:
    """The office dropped a service from its file: what was booked for it stays manageable."""
    booked = await book_directly(db, office, clock, 1001, FRIDAY)
    await db.write(lambda conn: conn.execute("UPDATE bookings SET service = 'passaporti'"))
    user = make_user()
    reply = await user.send("/appuntamenti")
    assert "Servizio: passaporti" in reply.text
    assert reply.buttons() == [f"Annulla {booked.code}"]

    await user.press_data(f"my:r:{booked.id}", reply)  # "Move" on an old reminder
    assert alert(api) == ("Questo servizio non si prenota più qui: per spostare "
                          "l'appuntamento si rivolga allo sportello. Sportello: tel. +39 0575 "
                          "3770, e-mail sportellounico@comune.arezzo.it.", True)
    assert await rows(db, "SELECT count(*) FROM drafts") == [(0,)]

    await user.press(f"Annulla {booked.code}", reply)
    assert "Servizio: passaporti" in user.last.text
    await user.press("Sì, annulla")
    assert await rows(db, "SELECT status FROM bookings") == [("cancelled",)]
    no_errors(user)


async def test_an_english_citizen_cancels_in_english(make_user: UserFactory, db: Database,
                                                     office: Office, clock: FakeClock) -> None:
    user = make_user(language_code="en")
    await user.send("/start")
    booked = await book_directly(db, office, clock, 1001, FRIDAY)
    reply = await user.send("/mybookings")
    assert reply.text.startswith("Your bookings\n\n")
    assert "When: Friday 27 November 2026, 09:00" in reply.text
    assert reply.buttons() == [f"Move {booked.code}", f"Cancel {booked.code}"]
    await user.press(f"Cancel {booked.code}")
    question = user.last
    assert question.buttons() == ["Yes, cancel it", "No, keep it"]
    await user.press("Yes, cancel it")
    assert question.text == (f"Booking {booked.code} is cancelled; the time is free for someone "
                             "else. /book to make a new one.")
    assert await rows(db, "SELECT status, cancelled_by FROM bookings") == [
        ("cancelled", "citizen")]
    no_errors(user)


async def test_in_english_whose_booking_what_to_bring_and_the_cutoff(
        make_user: UserFactory, steps: Steps) -> None:
    user = make_user(language_code="en")
    await steps.to_summary(user)
    summary = user.last.text
    assert summary.count("Electronic identity card — application") == 1  # the service once
    await steps.choose(user, "ok")
    reply = await user.send("/mybookings")
    assert "Name: Mario Rossi\nCodice fiscale: RSSMRA*******90L\nBring with you:" in reply.text
    assert reply.text.endswith(
        "You can move or cancel a booking in /mybookings up to 2 hours before the appointment.")
    no_errors(user)
