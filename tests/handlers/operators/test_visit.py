"""A visit run at the counter: detail, /next, arrived -> started -> served, no-show, and a
cancellation with a reason that reaches the citizen through the outbox."""

from __future__ import annotations

import json

from bot.domain.model import Office, to_ts
from bot.testing.clock import FakeClock
from bot.testing.local_user import LocalUser
from storage.db import Database
from tests.conftest import NOW
from tests.handlers.operators.conftest import OPERATOR
from tests.seed import book, rows, value

CITIZEN = 9001


async def status(db: Database, booking: int) -> str:
    return str(await value(db, "SELECT status FROM bookings WHERE id = ?", booking))


async def test_a_visit_from_next_to_served(operator: LocalUser, db: Database, office: Office,
                                           clock: FakeClock) -> None:
    first = await book(db, office, "cie", NOW.replace(hour=9, minute=30), NOW, desk="S01",
                       name="Prima Persona")
    await book(db, office, "cie", NOW.replace(hour=10), NOW, desk="S01", name="Seconda")
    await operator.send("/sportello S01")
    shown = await operator.send("/prossimo")
    assert "Prossimo allo Sportello 1 (S01)" in shown.text
    assert "Prima Persona" in shown.text
    assert "RSSMRA85T10A562S" in shown.text
    assert shown.buttons()[:2] == ["Arrivato", "Inizia"]
    assert "Assente" not in shown.buttons()  # not before the appointment's time
    clock.advance(minutes=28)
    assert await operator.press("Arrivato", shown) == "Segnato come arrivato."
    clock.advance(minutes=4)
    assert await operator.press("Inizia", shown) == "Servizio iniziato."
    clock.advance(minutes=26)
    assert await operator.press("Termina", shown) == "Servito."
    detail = operator.api.messages[operator.chat_id][shown.message_id]
    assert "Stato: servito" in detail.text
    assert "Tempo allo sportello: 26 min" in detail.text
    stamps = await rows(db, "SELECT status, checked_in_ts, started_ts, served_ts FROM bookings"
                            " WHERE id = ?", first)
    start = to_ts(NOW)
    assert stamps == [("served", start + 28 * 60, start + 32 * 60, start + 58 * 60)]
    assert [a for (a,) in await rows(db, "SELECT action FROM audit WHERE booking_id = ?"
                                         " ORDER BY id", first)] == [
        "view", "checked_in", "in_service", "served"]
    await operator.press("Prossimo cittadino", detail)
    assert "Seconda" in operator.api.messages[operator.chat_id][shown.message_id].text


async def test_a_stale_button_is_answered_and_the_message_updated(
        operator: LocalUser, db: Database, office: Office) -> None:
    booking = await book(db, office, "cie", NOW.replace(hour=9, minute=30), NOW, desk="S01")
    shown = await operator.send(f"/b{booking}")
    await operator.press("Inizia", shown)
    toast = await operator.press_data(f"op:v:in:{booking}", shown)  # an old "Arrived" button
    assert toast == "Non è più possibile: ecco la prenotazione com'è adesso."
    assert await status(db, booking) == "in_service"
    assert "Stato: allo sportello" in operator.api.messages[operator.chat_id][
        shown.message_id].text


async def test_no_show_only_once_the_time_has_come(operator: LocalUser, db: Database,
                                                   office: Office, clock: FakeClock) -> None:
    booking = await book(db, office, "cie", NOW.replace(hour=9, minute=30), NOW, desk="S01")
    shown = await operator.send(f"/b{booking}")
    assert await operator.press_data(f"op:v:ns:{booking}", shown) == (
        "Non è più possibile: ecco la prenotazione com'è adesso.")
    clock.advance(minutes=44)  # 09:44: 14 minutes after the booked time, within the grace
    assert "Assente" not in (await operator.send(f"/b{booking}")).buttons()
    clock.advance(minutes=1)
    shown = await operator.send(f"/b{booking}")
    assert await operator.press("Assente", shown) == "Segnato come assente."
    assert await rows(db, "SELECT status, no_show_ts FROM bookings WHERE id = ?", booking) == [
        ("no_show", to_ts(NOW) + 45 * 60)]


async def test_a_step_is_undone_by_who_took_it_for_a_few_minutes(
        operator: LocalUser, admin: LocalUser, db: Database, office: Office,
        clock: FakeClock) -> None:
    booking = await book(db, office, "cie", NOW.replace(hour=9, minute=30), NOW, desk="S01")
    shown = await operator.send(f"/b{booking}")
    await operator.press("Arrivato", shown)
    card = operator.api.messages[operator.chat_id][shown.message_id]
    assert "↩️ Annulla: Arrivato" in card.buttons()
    assert "↩️" not in " ".join((await admin.send(f"/b{booking}")).buttons())  # not theirs
    assert await admin.press_data(f"op:u:{booking}") == (
        "Non si può più annullare (troppo tardi, fatto da un altro, o nel frattempo l'orario è "
        "stato prenotato): ecco la prenotazione com'è adesso.")
    assert await operator.press("↩️ Annulla: Arrivato", card) == "Annullato."
    assert await rows(db, "SELECT status, checked_in_ts FROM bookings WHERE id = ?",
                      booking) == [("booked", None)]
    assert ("undo", "checked_in") in await rows(
        db, "SELECT action, detail FROM audit WHERE booking_id = ?", booking)
    card = operator.api.messages[operator.chat_id][shown.message_id]
    assert card.buttons()[:2] == ["Arrivato", "Inizia"]
    await operator.press("Inizia", card)
    clock.advance(minutes=6)
    late = await operator.send(f"/b{booking}")
    assert not any(label.startswith("↩️") for label in late.buttons())
    assert await operator.press_data(f"op:u:{booking}", late) is not None
    assert await status(db, booking) == "in_service"


async def test_a_no_show_undone_keeps_its_time_unless_booked_since(
        operator: LocalUser, db: Database, office: Office, clock: FakeClock) -> None:
    booking = await book(db, office, "cie", NOW.replace(hour=9, minute=30), NOW, desk="S01")
    clock.advance(minutes=50)
    shown = await operator.send(f"/b{booking}")
    await operator.press("Assente", shown)
    await operator.press("↩️ Annulla: Assente",
                         operator.api.messages[operator.chat_id][shown.message_id])
    assert await status(db, booking) == "booked"
    await operator.press("Assente", operator.api.messages[operator.chat_id][shown.message_id])
    await book(db, office, "cie", NOW.replace(hour=9, minute=30), NOW, desk="S01")  # time freed
    toast = await operator.press("↩️ Annulla: Assente",
                                 operator.api.messages[operator.chat_id][shown.message_id])
    assert toast is not None
    assert toast.startswith("Non si può più annullare")
    assert await status(db, booking) == "no_show"


async def test_forged_and_unknown_buttons(operator: LocalUser, db: Database,
                                          office: Office) -> None:
    booking = await book(db, office, "cie", NOW.replace(hour=9, minute=30), NOW, desk="S01")
    shown = await operator.send(f"/b{booking}")
    for data in ("op:v:zap:1", f"op:v:in:{booking}9", "op:v:in:", "op:x:abc"):
        assert await operator.press_data(data, shown) == "Questo pulsante non è più valido."
    assert await status(db, booking) == "booked"
    assert "Non esiste la prenotazione 424242" in (await operator.send("/b424242")).text


async def test_next_without_a_desk_asks_for_one(operator: LocalUser) -> None:
    reply = await operator.send("/next")
    assert reply.text == "A quale sportello è oggi?"
    await operator.press("S04")
    assert "Sportello 4" in operator.last.text
    assert "Oggi non c'è nessun prenotato allo Sportello 4 (S04)." in (
        await operator.send("/next")).text


async def test_cancelling_with_a_reason_tells_the_citizen_once(
        operator: LocalUser, db: Database, office: Office,
        offers: list[object]) -> None:
    start = NOW.replace(hour=11)
    booking = await book(db, office, "cie", start, NOW, desk="S01", user_id=CITIZEN,
                         name="Carla")
    shown = await operator.send(f"/b{booking}")
    await operator.press("Annulla la prenotazione", shown)
    assert "Scriva il motivo" in operator.last.text
    too_long = await operator.send("x" * 201)
    assert "al massimo 200 caratteri" in too_long.text
    confirm = await operator.send("Sportello chiuso per <guasto> & manutenzione")
    assert "Motivo: Sportello chiuso per <guasto> & manutenzione" in confirm.text
    assert "sarà avvisato su Telegram" in confirm.text
    assert await status(db, booking) == "booked"  # nothing before the confirmation
    assert await operator.press("Sì, annulla", confirm) == "Annullata."
    assert len(offers) == 1  # the time freed goes to whoever waits for it
    assert await operator.press_data(f"op:xk:{booking}", confirm) == (
        "Questo pulsante non è più valido.")
    assert await rows(db, "SELECT status, cancelled_by, cancel_reason FROM bookings WHERE id = ?",
                      booking) == [("cancelled", "operator",
                                    "Sportello chiuso per <guasto> & manutenzione")]
    notices = await rows(db, "SELECT chat_id, kind, booking_id, payload, state FROM outbox"
                             " WHERE kind = 'booking_cancelled'")
    assert len(notices) == 1
    chat_id, _, booking_id, payload, state = notices[0]
    assert (chat_id, booking_id, state) == (CITIZEN, booking, "pending")
    assert json.loads(payload) == {"reason": "Sportello chiuso per <guasto> & manutenzione",
                                   "by": "operator"}
    assert await rows(db, "SELECT actor, action, detail FROM audit WHERE action = 'cancel'") == [
        (OPERATOR, "cancel", "Sportello chiuso per <guasto> & manutenzione")]


async def test_a_cancellation_can_be_stopped(operator: LocalUser, db: Database,
                                             office: Office) -> None:
    booking = await book(db, office, "cie", NOW.replace(hour=11), NOW, desk="S01")
    shown = await operator.send(f"/b{booking}")
    await operator.press("Annulla la prenotazione", shown)
    await operator.press("Interrompi")
    assert operator.last.text == "Interrotto: non è stato cambiato nulla."
    assert await status(db, booking) == "booked"
    assert await value(db, "SELECT count(*) FROM drafts WHERE party = 'staff'") == 0


async def test_a_walk_in_booking_cancelled_is_not_notified(
        operator: LocalUser, db: Database, office: Office) -> None:
    booking = await book(db, office, "cie", NOW.replace(hour=11), NOW, desk="S01",
                         phone="+44 20 7946 0958")
    card = await operator.send(f"/b{booking}")
    assert "Telefono: +44 20 7946 0958" in card.text
    await operator.press("Annulla la prenotazione", card)
    confirm = await operator.send("Ha telefonato")
    assert "il bot non può avvisare il cittadino. Telefono: +44 20 7946 0958" in confirm.text
    await operator.press("Sì, annulla", confirm)
    assert await status(db, booking) == "cancelled"
    assert await value(db, "SELECT count(*) FROM outbox") == 0


async def test_a_served_booking_cannot_be_cancelled(operator: LocalUser, db: Database,
                                                    office: Office) -> None:
    booking = await book(db, office, "cie", NOW.replace(hour=9, minute=30), NOW, desk="S01")
    shown = await operator.send(f"/b{booking}")
    assert "Annulla la prenotazione…" in shown.buttons()
    await operator.press("Inizia", shown)
    assert "Annulla la prenotazione…" not in operator.last.buttons()
    assert await operator.press_data(f"op:x:{booking}", shown) == "Non si può più annullare."
