"""What Telegram answers shapes what the outbox does next: blocked, flood control, network errors,
refusals; and a cancelled booking takes its reminders with it."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.context import Deps
from bot.domain.model import Office, Text, to_ts
from bot.outbox import BACKOFF, IN_FLIGHT, MAX_ATTEMPTS, Dispatcher
from bot.testing.clock import FakeClock
from bot.testing.local_api import Fault, LocalBotAPI
from storage import bookings, outbox
from storage.db import Database
from tests.conftest import UserFactory
from tests.handlers.conftest import book_directly
from tests.seed import rows

ROME = ZoneInfo("Europe/Rome")
THURSDAY_18 = datetime(2026, 11, 26, 18, 0, tzinfo=ROME)
FRIDAY = datetime(2026, 11, 27, 10, 0, tzinfo=ROME)


def sends_to(api: LocalBotAPI, chat_id: int) -> int:
    return sum(1 for name, params in api.calls
               if name == "sendMessage" and int(params["chat_id"]) == chat_id)


async def reminder_row(db: Database, user_id: int) -> tuple[str, int, str | None, int]:
    """(state, attempts, last_error, due_ts) of the reminder due first."""
    found = await rows(db, "SELECT state, attempts, last_error, due_ts FROM outbox"
                           " WHERE chat_id = ? ORDER BY due_ts, id LIMIT 1", user_id)
    return found[0]


async def notify(db: Database, user_id: int, booking_id: int, now: datetime) -> None:
    """What the operators' side queues when it cancels a booking."""
    ts = to_ts(now)
    await db.write(outbox.enqueue, user_id, "booking_cancelled", ts, ts, booking_id=booking_id,
                   payload={"reason": "Sciopero <generale> & chiusura", "by": "operator"})


async def test_a_blocked_citizen_is_marked_unreachable_and_not_tried_again(
        db: Database, office: Office, clock: FakeClock, courier: Dispatcher,
        make_user: UserFactory, api: LocalBotAPI) -> None:
    user = make_user(1001)
    booked = await book_directly(db, office, clock, user.id, FRIDAY, "certificati")
    api.blocked.add(user.id)
    clock.set(THURSDAY_18)
    await courier.drain()
    state, attempts, error, _ = await reminder_row(db, user.id)
    assert (state, attempts) == ("failed", 1)
    assert "blocked" in str(error)
    assert await rows(db, "SELECT unreachable_ts FROM citizens WHERE user_id = ?", user.id) \
        == [(to_ts(THURSDAY_18),)]

    await notify(db, user.id, booked.id, clock.now())
    await courier.drain()
    assert sends_to(api, user.id) == 1
    assert await rows(db, "SELECT state, last_error FROM outbox WHERE kind = 'booking_cancelled'"
                      ) == [("failed", "unreachable")]

    # Writing to the bot again means it was unblocked: messages go again.
    api.blocked.discard(user.id)
    await user.send("/start")
    await notify(db, user.id, booked.id, clock.now())
    await courier.drain()
    assert "Sciopero <generale> & chiusura" in user.last.text


async def test_flood_control_pauses_for_the_time_asked_then_sends(
        db: Database, office: Office, clock: FakeClock, courier: Dispatcher,
        make_user: UserFactory, api: LocalBotAPI) -> None:
    user = make_user(1001)
    await book_directly(db, office, clock, user.id, FRIDAY, "certificati")
    api.faults.append(Fault("sendMessage", 429, "Too Many Requests: retry after 5", retry_after=5))
    clock.set(THURSDAY_18)
    tally = await courier.drain()
    assert tally.sent == 1
    assert clock.now() >= THURSDAY_18 + timedelta(seconds=5)
    assert sends_to(api, user.id) == 2
    assert len(user.messages) == 1
    assert (await reminder_row(db, user.id))[:2] == ("sent", 1)


async def test_a_network_error_retries_that_message_later_with_back_off_and_others_go_on(
        db: Database, office: Office, clock: FakeClock, courier: Dispatcher,
        make_user: UserFactory, api: LocalBotAPI) -> None:
    first, second = make_user(1001), make_user(1002)
    await book_directly(db, office, clock, first.id, FRIDAY, "certificati")
    await book_directly(db, office, clock, second.id, FRIDAY + timedelta(minutes=10), "certificati")
    api.faults.append(Fault("sendMessage", 502, "Bad Gateway", chat_id=first.id))
    clock.set(THURSDAY_18)
    tally = await courier.drain()
    assert (tally.sent, tally.deferred) == (1, 1)
    assert await reminder_row(db, first.id) == ("pending", 1, "Bad Gateway",
                                                to_ts(THURSDAY_18) + BACKOFF)
    assert (len(first.messages), len(second.messages)) == (0, 1)

    await courier.drain()
    assert first.messages == []
    clock.advance(seconds=BACKOFF)
    await courier.drain()
    assert (len(first.messages), len(second.messages)) == (1, 1)
    assert (await reminder_row(db, first.id))[:2] == ("sent", 2)


async def test_when_every_message_in_flight_meets_a_network_error_the_run_ends(
        db: Database, office: Office, clock: FakeClock, courier: Dispatcher,
        make_user: UserFactory, api: LocalBotAPI) -> None:
    users = [make_user(1001 + n) for n in range(3 * IN_FLIGHT)]
    for n, user in enumerate(users):
        await book_directly(db, office, clock, user.id, FRIDAY + timedelta(minutes=10 * n),
                            "certificati")
    api.faults += [Fault("sendMessage", 502, "Bad Gateway") for _ in users]
    clock.set(THURSDAY_18)
    tally = await courier.drain()
    assert tally.sent == 0
    assert IN_FLIGHT <= tally.deferred < 2 * IN_FLIGHT  # the network is down: the run ends
    api.faults.clear()
    assert (await courier.drain()).sent == len(users) - tally.deferred


async def test_a_message_that_keeps_failing_is_given_up_with_the_error(
        db: Database, office: Office, clock: FakeClock, courier: Dispatcher,
        make_user: UserFactory, api: LocalBotAPI) -> None:
    user = make_user(1001)
    await book_directly(db, office, clock, user.id, FRIDAY, "certificati")
    clock.set(THURSDAY_18)
    for _ in range(MAX_ATTEMPTS):
        api.faults.append(Fault("sendMessage", 502, "Bad Gateway"))
        await courier.drain()
        clock.advance(seconds=BACKOFF * 2 ** MAX_ATTEMPTS)
    await courier.drain()
    assert user.messages == []
    assert (await reminder_row(db, user.id))[:3] == ("failed", MAX_ATTEMPTS, "Bad Gateway")


async def test_a_message_telegram_refuses_is_given_up_at_once(
        db: Database, office: Office, clock: FakeClock, courier: Dispatcher,
        make_user: UserFactory, api: LocalBotAPI) -> None:
    user = make_user(1001)
    await book_directly(db, office, clock, user.id, FRIDAY, "certificati")
    api.refused.add("sendMessage")
    clock.set(THURSDAY_18)
    assert (await courier.drain()).failed == 1
    state, attempts, error, _ = await reminder_row(db, user.id)
    assert (state, attempts) == ("failed", 1)
    assert "refused" in str(error)


async def test_a_message_of_a_kind_nobody_renders_is_recorded_as_failed(
        db: Database, clock: FakeClock, courier: Dispatcher, make_user: UserFactory) -> None:
    user = make_user(1001)
    now = to_ts(clock.now())
    await db.write(outbox.enqueue, user.id, "horoscope", now, now)
    await courier.drain()
    assert user.messages == []
    assert await rows(db, "SELECT state, last_error FROM outbox") == [
        ("failed", "unknown kind 'horoscope'")]


async def test_cancelling_a_booking_removes_its_reminders(
        db: Database, office: Office, clock: FakeClock, courier: Dispatcher,
        make_user: UserFactory) -> None:
    user = make_user(1001)
    booked = await book_directly(db, office, clock, user.id, FRIDAY, "certificati")
    await db.write(bookings.cancel, booked.id, to_ts(clock.now()), by="citizen")
    assert await rows(db, "SELECT state FROM outbox") == [("cancelled",), ("cancelled",)]
    clock.set(FRIDAY - timedelta(hours=2))
    assert (await courier.drain()).sent == 0
    assert user.messages == []


async def test_a_reminder_of_a_booking_no_longer_booked_is_dropped(
        db: Database, office: Office, clock: FakeClock, courier: Dispatcher,
        make_user: UserFactory) -> None:
    user = make_user(1001)
    booked = await book_directly(db, office, clock, user.id, FRIDAY, "certificati")
    await db.write(lambda conn: conn.execute(
        "UPDATE bookings SET status = 'checked_in' WHERE id = ?", (booked.id,)))
    clock.set(THURSDAY_18)
    await courier.drain()
    assert user.messages == []
    assert (await reminder_row(db, user.id))[::2] == ("dropped", "booking checked_in")


async def test_a_notice_too_long_for_one_message_goes_cut_with_a_note(
        db: Database, office: Office, clock: FakeClock, courier: Dispatcher, deps: Deps,
        make_user: UserFactory) -> None:
    service = office.services["certificati"]
    documents = Text(it="Un documento d'identità valido. " * 200, en="An identity document. " * 200)
    deps.current.replace(replace(office, services={
        **office.services, service.code: replace(service, documents=documents)}))
    user = make_user(1001)
    await book_directly(db, deps.office, clock, user.id, FRIDAY, "certificati")
    clock.set(THURSDAY_18)
    await courier.drain()
    [reminder] = user.messages
    assert reminder.text.startswith("Promemoria del suo appuntamento")
    assert reminder.text.endswith("… il resto è troppo lungo per essere mostrato qui.")
    assert "✅ Ci sarò" in reminder.buttons()
    assert await rows(db, "SELECT state FROM outbox WHERE kind = 'reminder' AND due_ts <= ?",
                      to_ts(THURSDAY_18)) == [("sent",)]
