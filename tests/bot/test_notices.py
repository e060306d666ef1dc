"""What the citizen reads in a reminder or a notice, in the language they use now."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.model import Office, to_ts
from bot.outbox import Dispatcher
from bot.testing.clock import FakeClock
from storage import bookings, citizens, outbox
from storage.db import Database
from tests.conftest import UserFactory
from tests.handlers.conftest import book_directly

ROME = ZoneInfo("Europe/Rome")
THURSDAY_18 = datetime(2026, 11, 26, 18, 0, tzinfo=ROME)
FRIDAY = datetime(2026, 11, 27, 10, 0, tzinfo=ROME)


async def test_a_reminder_says_what_where_when_and_what_to_bring_with_buttons(
        db: Database, office: Office, clock: FakeClock, courier: Dispatcher,
        make_user: UserFactory) -> None:
    user = make_user(1001)
    booked = await book_directly(db, office, clock, user.id, FRIDAY, "cie")
    clock.set(THURSDAY_18)
    await courier.drain()
    text = user.last.text
    assert text.startswith("Promemoria del suo appuntamento")
    assert "Carta d'identità elettronica — richiesta" in text
    assert "venerdì 27 novembre 2026, 10:00" in text
    assert "Piazza della Libertà 1, 52100 Arezzo" in text
    assert f"Codice di prenotazione: {booked.code}" in text
    assert "Porti con sé: Vecchio documento d'identità" in text
    assert "Confermi" not in text
    assert user.last.keyboard == [
        [{"text": "✅ Ci sarò", "callback_data": f"rm:ok:{booked.id}"}],
        [{"text": "❌ Disdici", "callback_data": f"my:c:{booked.id}"},
         {"text": "🔁 Sposta", "callback_data": f"my:r:{booked.id}"}],
    ]


async def test_a_reminder_is_written_in_the_language_chosen_since_booking(
        db: Database, office: Office, clock: FakeClock, courier: Dispatcher,
        make_user: UserFactory) -> None:
    user = make_user(1001)
    await book_directly(db, office, clock, user.id, FRIDAY, "cie")
    await db.write(citizens.set_lang, user.id, "en")
    clock.set(THURSDAY_18)
    await courier.drain()
    assert "Reminder of your appointment" in user.last.text
    assert "Friday 27 November 2026, 10:00" in user.last.text
    assert "Bring with you: Your old identity document" in user.last.text
    assert user.last.buttons() == ["✅ I'll be there", "❌ Cancel", "🔁 Move"]


async def test_a_confirm_or_lose_reminder_says_by_when(
        db: Database, office: Office, clock: FakeClock, courier: Dispatcher,
        make_user: UserFactory) -> None:
    user = make_user(1001)
    monday = datetime(2026, 11, 30, 9, 0, tzinfo=ROME)  # to confirm 24 hours before
    await book_directly(db, office, clock, user.id, monday, "contrassegno_disabili")
    # The reminders count from the deadline, Sunday 09:00: the evening before, and 2 hours before.
    clock.set(datetime(2026, 11, 28, 18, 0, tzinfo=ROME))
    await courier.drain()
    assert "Confermi entro domenica 29 novembre 2026, 09:00" in user.last.text
    assert "lunedì 30 novembre 2026, 09:00" in user.last.text


@pytest.mark.parametrize(("by", "reason", "expected"), [
    ("operator", "Guasto <rete> & server", "annullata dall'ufficio: Guasto <rete> & server"),
    ("closure", "", "è stata annullata dall'ufficio."),
    ("unconfirmed", "", "è stata annullata perché non è stata confermata in tempo"),
])
async def test_a_booking_cancelled_by_the_office_is_explained_with_a_way_forward(
        db: Database, office: Office, clock: FakeClock, courier: Dispatcher,
        make_user: UserFactory, by: str, reason: str, expected: str) -> None:
    user = make_user(1001)
    booked = await book_directly(db, office, clock, user.id, FRIDAY, "cie")
    now = to_ts(clock.now())
    await db.write(bookings.cancel, booked.id, now, by=by, reason=reason)
    await db.write(outbox.enqueue, user.id, "booking_cancelled", now, now,
                   booking_id=booked.id, payload={"reason": reason, "by": by})
    await courier.drain()
    assert expected in user.last.text
    assert f"{booked.code} (Carta d'identità elettronica — richiesta, venerdì" in user.last.text
    assert user.last.keyboard == [[{"text": "📅 Prenoti un altro orario",
                                    "callback_data": f"my:r:{booked.id}"}]]
