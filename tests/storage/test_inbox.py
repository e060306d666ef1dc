"""The inbox and the leases, in SQL: what several workers rely on."""

from __future__ import annotations

import asyncio

import pytest

from bot.testing.postgres import Scratch
from storage import inbox, leases
from storage.db import Database
from tests.seed import rows

LEASE = 10_000


STATE = "SELECT update_id, state, attempts FROM inbox ORDER BY update_id"


async def test_a_lease_is_one_holders_until_it_expires(db: Database) -> None:
    assert await db.write(leases.take, "jobs", "a", 1000, LEASE)
    assert await db.write(leases.take, "jobs", "a", 2000, LEASE)  # renewed, until 12000
    assert not await db.write(leases.take, "jobs", "b", 11_999, LEASE)
    assert await db.read(leases.holder, "jobs", 11_999) == "a"
    assert await db.write(leases.take, "jobs", "b", 12_000, LEASE)
    assert not await db.write(leases.take, "jobs", "a", 12_001, LEASE)
    await db.write(leases.release, "jobs", "a")  # not a's any more: nothing happens
    assert await db.read(leases.holder, "jobs", 12_001) == "b"
    await db.write(leases.release, "jobs", "b")
    assert await db.read(leases.holder, "jobs", 12_001) is None
    assert await db.write(leases.take, "jobs", "a", 12_002, LEASE)


async def test_an_update_received_twice_is_kept_once(db: Database) -> None:
    assert await db.write(inbox.receive, 1, 10, '{"first": true}', 1000)
    assert not await db.write(inbox.receive, 1, 10, '{"second": true}', 1001)
    assert await rows(db, "SELECT payload FROM inbox") == [('{"first": true}',)]


async def test_a_chat_is_taken_by_one_lane_and_its_updates_come_in_order(db: Database) -> None:
    for update_id, chat in ((1, 10), (2, 20), (3, 10), (4, 10)):
        await db.write(inbox.receive, update_id, chat, "{}", 1000)
    first = await db.write(inbox.claim, "a/0", 1000, LEASE)
    second = await db.write(inbox.claim, "a/1", 1000, LEASE)  # chat 10 is held: chat 20
    assert (first.update_id, second.update_id) == (1, 2)
    assert await db.write(inbox.claim, "b/0", 1000, LEASE) is None
    assert await db.read(inbox.claimable, 1000) == 0
    await db.write(inbox.receive, 5, 20, "{}", 1000)  # while a/1 holds chat 20
    assert (await db.write(inbox.finish_and_next, first, "a/0", 1001, LEASE)).update_id == 3
    assert (await db.write(inbox.finish_and_next, second, "a/1", 1001, LEASE)).update_id == 5
    assert await db.read(inbox.processed, [1, 2, 3, 4, 5]) == {1, 2}


async def test_the_chat_of_a_lane_that_died_is_taken_over_with_its_update(db: Database) -> None:
    await db.write(inbox.receive, 1, 10, "{}", 1000)
    await db.write(inbox.receive, 2, 10, "{}", 1000)
    assert (await db.write(inbox.claim, "a/0", 1000, LEASE)).update_id == 1  # then a dies
    assert await db.write(inbox.claim, "b/0", 10_999, LEASE) is None
    assert await db.read(inbox.claimable, 11_000) == 1
    again = await db.write(inbox.claim, "b/0", 11_000, LEASE)
    assert (again.update_id, again.attempts) == (1, 2)
    # a comes back to life: its lease is b's now, so it goes no further with the chat
    assert await db.write(inbox.finish_and_next, again.__class__(
        1, 10, "{}", 1000, 1), "a/0", 11_001, LEASE) is None
    assert (await db.write(inbox.finish_and_next, again, "b/0", 11_002, LEASE)).update_id == 2


async def test_an_update_that_kept_killing_its_worker_is_given_up(db: Database) -> None:
    await db.write(inbox.receive, 1, 10, "{}", 1000)
    await db.write(inbox.receive, 2, 10, "{}", 1000)
    now = 1000
    for attempt in range(1, inbox.MAX_ATTEMPTS + 1):
        taken = await db.write(inbox.claim, f"w{attempt}/0", now, LEASE)
        assert (taken.update_id, taken.attempts) == (1, attempt)
        now += LEASE
    after = await db.write(inbox.claim, "last/0", now, LEASE)
    assert after.update_id == 2
    assert (await rows(db, STATE))[0] == (1, "failed", inbox.MAX_ATTEMPTS + 1)


async def test_a_day_of_processed_updates_is_kept(db: Database) -> None:
    await db.write(inbox.receive, 1, 10, "{}", 1000)
    await db.write(inbox.receive, 2, 10, "{}", 1000)
    taken = await db.write(inbox.claim, "a/0", 1000, LEASE)
    assert await db.write(inbox.finish_and_next, taken, "a/0", 2000, LEASE) is not None
    assert await db.write(inbox.purge_finished, 2000) == 0
    assert await db.write(inbox.purge_finished, 2001) == 1
    assert [row[0] for row in await rows(db, STATE)] == [2]
    assert await db.write(inbox.receive, 1, 10, "{}", 3000)  # forgotten: a stranger now


async def test_with_its_chat_done_a_lane_goes_on_with_another_in_the_same_transaction(
        db: Database) -> None:
    await db.write(inbox.receive, 1, 10, "{}", 1000)
    taken = await db.write(inbox.claim, "a/0", 1000, LEASE)
    await db.write(inbox.receive, 2, 20, "{}", 1000)
    after = await db.write(inbox.finish_and_next, taken, "a/0", 1001, LEASE)
    assert (after.update_id, after.chat_id) == (2, 20)
    assert await rows(db, "SELECT name, holder FROM leases") == [("chat:20", "a/0")]
    assert await db.write(inbox.finish_and_next, after, "a/0", 1002, LEASE) is None
    assert await rows(db, "SELECT name FROM leases") == []


async def test_a_lease_that_ran_out_but_that_no_one_took_is_still_its_holders(
        db: Database) -> None:
    await db.write(inbox.receive, 1, 10, "{}", 1000)
    await db.write(inbox.receive, 2, 10, "{}", 1000)
    taken = await db.queue(inbox.claim, "a/0", 1000, LEASE)
    # a stalls past its lease (its renewal comes late); no one took the chat meanwhile
    assert await db.heartbeat(leases.renew, "chat:10", "a/0", 12_000, LEASE)
    assert await db.read(inbox.claimable, 12_000) == 0  # so no one processes update 1 again
    after = await db.queue(inbox.finish_and_next, taken, "a/0", 12_001, LEASE)
    assert (after.update_id, after.attempts) == (2, 1)
    assert await rows(db, STATE) == [(1, "done", 1), (2, "pending", 1)]


async def test_an_update_is_marked_done_only_by_its_chats_holder(db: Database) -> None:
    await db.write(inbox.receive, 1, 10, "{}", 1000)
    await db.write(inbox.receive, 2, 10, "{}", 1000)
    first = await db.queue(inbox.claim, "a/0", 1000, LEASE)
    again = await db.queue(inbox.claim, "b/0", 11_000, LEASE)  # a stalled past its lease
    assert not await db.heartbeat(leases.renew, "chat:10", "a/0", 11_001, LEASE)
    assert await db.queue(inbox.finish_and_next, first, "a/0", 11_001, LEASE) is None
    assert not await db.queue(inbox.finish_and_let_go, first, "a/0", 11_001)
    assert await rows(db, STATE) == [(1, "pending", 2), (2, "pending", 0)]
    assert await db.queue(inbox.finish_and_let_go, again, "b/0", 11_002)
    assert await rows(db, STATE) == [(1, "done", 2), (2, "pending", 0)]
    assert await rows(db, "SELECT name FROM leases") == []


async def test_leases_are_renewed_together_and_the_lost_ones_told(db: Database) -> None:
    await db.write(leases.take, "chat:1", "a/0", 1000, LEASE)
    await db.write(leases.take, "chat:2", "a/1", 1000, LEASE)
    await db.write(leases.take, "chat:2", "b/0", 11_000, LEASE)  # a/1's ran out: b took it
    kept = await db.heartbeat(leases.renew_all, [("chat:1", "a/0"), ("chat:2", "a/1")],
                              11_500, LEASE)
    assert kept == {("chat:1", "a/0")}
    assert await rows(db, "SELECT name, holder, expires_ms FROM leases ORDER BY name") == [
        ("chat:1", "a/0", 21_500), ("chat:2", "b/0", 21_000)]


@pytest.mark.postgres
async def test_a_claim_passes_over_the_chat_another_is_claiming_without_waiting_for_it(
        scratch: Scratch) -> None:
    """Two lanes claiming at once on PostgreSQL: the second takes the next chat at once, with
    neither a serialization failure nor a wait for the first's transaction."""
    import psycopg  # the postgres extra

    from storage.postgres import PostgresConnection

    scratch.empty()
    db = await Database.open(scratch.url)
    try:
        for update_id, chat in ((1, 10), (2, 10), (3, 20), (4, 30)):
            await db.write(inbox.receive, update_id, chat, "{}", 1000)
        with psycopg.connect(scratch.url, autocommit=True) as raw:
            raw.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
            first = inbox.claim(PostgresConnection(raw), "a/0", 1000, LEASE)  # not committed
            assert first is not None
            assert first.chat_id == 10
            second = await asyncio.wait_for(db.queue(inbox.claim, "b/0", 1000, LEASE), 30)
            assert second is not None
            assert second.chat_id == 20
            raw.execute("COMMIT")
        third = await db.queue(inbox.claim, "c/0", 1000, LEASE)
        assert third is not None
        assert third.chat_id == 30
        assert await rows(db, "SELECT name, holder FROM leases ORDER BY name") == [
            ("chat:10", "a/0"), ("chat:20", "b/0"), ("chat:30", "c/0")]
    finally:
        await db.close()


async def test_many_lanes_claiming_at_once_each_get_a_chat_of_their_own(db: Database) -> None:
    chats = 24
    for n in range(chats):
        await db.write(inbox.receive, n + 1, 100 + n, "{}", 1000)
    others = [await Database.open(db.target) for _ in range(3)]
    try:
        claims = [database.queue(inbox.claim, f"w{w}/{lane}", 1000, LEASE)
                  for w, database in enumerate([db, *others]) for lane in range(8)]
        taken = await asyncio.gather(*claims)
    finally:
        for database in others:
            await database.close()
    assert len(taken) == 32
    got = [delivery.chat_id for delivery in taken if delivery is not None]
    assert sorted(got) == [100 + n for n in range(chats)]  # each once, none left behind
    assert all(delivery.attempts == 1 for delivery in taken if delivery is not None)
