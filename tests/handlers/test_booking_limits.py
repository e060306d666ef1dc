"""The limits of the configuration: active bookings per Telegram account (4) and per codice
fiscale (2), checked where the citizen meets them and again at confirmation."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.model import Office
from bot.testing.clock import FakeClock
from storage.db import Database
from tests.conftest import UserFactory
from tests.handlers.conftest import CF, FRIDAY, Steps, book_directly, no_errors
from tests.seed import codice_fiscale_of, rows

ACCOUNT_LIMIT = ("Ha già 4 prenotazioni in programma, il massimo consentito. Per prenotare "
                 "ancora, prima ne annulli una in /appuntamenti.")
CF_LIMIT = ("Questo codice fiscale ha già 2 prenotazioni in programma, il massimo consentito. "
            "Per prenotare ancora, ne annulli una in /appuntamenti (o lo chieda a chi le ha "
            "fatte).")



async def test_the_account_limit_at_book(make_user: UserFactory, db: Database, office: Office,
                                         clock: FakeClock) -> None:
    made = [await book_directly(db, office, clock, 1001, FRIDAY + timedelta(hours=n), cf=CF[n])
            for n in range(4)]
    user = make_user()
    reply = await user.send("/prenota")
    assert reply.text == ACCOUNT_LIMIT
    assert reply.keyboard == []
    assert await rows(db, "SELECT count(*) FROM drafts") == [(0,)]

    await user.send("/appuntamenti")
    await user.press(f"Annulla {made[0].code}")
    await user.press("Sì, annulla")
    reply = await user.send("/prenota")
    assert "Di che cosa si tratta?" in reply.text
    no_errors(user)


async def test_a_booking_under_way_no_longer_counts_at_book(make_user: UserFactory,
                                                             steps: Steps, db: Database,
                                                             office: Office,
                                                             clock: FakeClock) -> None:
    for n in range(4):
        await book_directly(db, office, clock, 1001, FRIDAY + timedelta(days=n), cf=CF[n])
    clock.set(FRIDAY + timedelta(minutes=10))  # the first has begun: three are to come
    user = make_user()
    reply = await user.send("/prenota")
    assert "Di che cosa si tratta?" in reply.text
    await steps.book(user, start=FRIDAY + timedelta(days=4, hours=1), cf=CF[0])
    assert await rows(db, "SELECT count(*) FROM bookings WHERE status = 'booked'") == [(5,)]
    no_errors(user)


async def test_the_account_limit_at_confirmation(make_user: UserFactory, steps: Steps,
                                                 db: Database, office: Office,
                                                 clock: FakeClock) -> None:
    for n in range(3):
        await book_directly(db, office, clock, 1001, FRIDAY + timedelta(hours=n + 1), cf=CF[n])
    user = make_user()
    await steps.to_summary(user, cf=CF[3])
    summary = user.last
    # meanwhile a fourth booking is made for this account (at the counter, say)
    await book_directly(db, office, clock, 1001, FRIDAY + timedelta(days=3), cf=CF[3])
    await steps.choose(user, "ok")
    assert user.last.text == ACCOUNT_LIMIT
    assert summary.keyboard == []
    assert await rows(db, "SELECT count(*) FROM bookings WHERE status = 'booked'") == [(4,)]
    assert await rows(db, "SELECT count(*) FROM drafts") == [(0,)]
    assert await rows(db, "SELECT count(*) FROM holds") == [(0,)]
    no_errors(user)


async def test_the_codice_fiscale_limit_at_its_step(make_user: UserFactory, steps: Steps,
                                                    db: Database, office: Office,
                                                    clock: FakeClock) -> None:
    for n in range(2):  # booked from another account
        await book_directly(db, office, clock, 2002, FRIDAY + timedelta(hours=n + 1), cf=CF[2])
    user = make_user()
    await steps.to_name(user)
    await user.send("Luca Verdi")
    reply = await user.send(CF[2].lower())
    assert reply.text.startswith(CF_LIMIT + "\nPuò scrivere il codice fiscale di un'altra "
                                            "persona, oppure /annulla.")
    assert "Ora scriva il codice fiscale di Luca Verdi." in reply.text
    assert await rows(db, "SELECT step FROM drafts") == [("codice_fiscale",)]
    reply = await user.send(codice_fiscale_of("Luca", "Verdi"))  # another Luca Verdi
    assert "C'è qualcosa che l'operatore deve sapere" in reply.text
    no_errors(user)


async def test_the_codice_fiscale_offered_again_is_checked_too(make_user: UserFactory,
                                                               steps: Steps, db: Database,
                                                               office: Office,
                                                               clock: FakeClock) -> None:
    user = make_user()
    await steps.book(user, cf=CF[2])
    await book_directly(db, office, clock, 2002, FRIDAY + timedelta(hours=2), cf=CF[2])
    await steps.to_name(user, start=FRIDAY + timedelta(hours=1))
    await user.press("Usa “Luca Verdi”")
    assert "Usa VRDLCU*******90O" in user.last.buttons()
    await user.press("Usa VRDLCU")
    assert user.last.text.startswith(CF_LIMIT)
    assert await rows(db, "SELECT step FROM drafts") == [("codice_fiscale",)]
    no_errors(user)


async def test_the_codice_fiscale_limit_at_confirmation_across_accounts(
        make_user: UserFactory, steps: Steps, db: Database) -> None:
    family, relative = make_user(1001), make_user(2002, language_code="en")
    await steps.book(relative, cf=CF[2], start=FRIDAY + timedelta(hours=2))
    await steps.to_summary(family, cf=CF[2])  # one booking so far: accepted
    await steps.book(relative, cf=CF[2], start=FRIDAY + timedelta(hours=3))  # the second
    summary = family.last
    await steps.choose(family, "ok")
    assert family.last.text == CF_LIMIT
    assert summary.keyboard == []
    assert await rows(db, "SELECT user_id, count(*) FROM bookings WHERE codice_fiscale = ?"
                          " GROUP BY user_id", CF[2]) == [(2002, 2)]
    assert await rows(db, "SELECT count(*) FROM holds") == [(0,)]
    no_errors(family, relative)


async def test_a_remembered_codice_fiscale_only_for_the_same_name_in_english(
        make_user: UserFactory, steps: Steps) -> None:
    user = make_user(language_code="en")
    await steps.book(user, cf=CF[2])
    await steps.to_name(user, start=FRIDAY + timedelta(hours=1))
    refused = await user.send("Luca")
    assert "Please type a name and surname, in letters." in refused.text
    await user.send("Anna Bianchi")  # someone else: Luca Verdi's code is not offered
    assert not any(label.startswith("Use VRDLCU") for label in user.last.buttons())
    no_errors(user)
