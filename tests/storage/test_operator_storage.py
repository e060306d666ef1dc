"""Storage of the operator side: steps taken once, invitations used once, closures atomic."""

from __future__ import annotations

import asyncio
from datetime import date

from bot.domain.model import Office, to_ts
from bot.domain.visits import STEPS, Action
from bot.services import counter
from storage import agenda, operators
from storage.db import Database
from storage.operators import Redeemed
from tests.conftest import NOW
from tests.seed import book, rows


async def test_two_operators_pressing_at_once_move_a_visit_once(db: Database,
                                                                office: Office) -> None:
    booking = await book(db, office, "cie", NOW.replace(hour=10), NOW)
    results = await asyncio.gather(*(db.write(agenda.take_step, booking, STEPS[Action.START],
                                              actor, to_ts(NOW)) for actor in (1, 2)))
    assert sum(result is not None for result in results) == 1
    assert len(await rows(db, "SELECT * FROM audit WHERE action = 'in_service'")) == 1


async def test_an_invitation_is_used_once_even_by_two_at_once(db: Database) -> None:
    now = to_ts(NOW)
    await db.write(operators.invite, "hash", 1, now, now + 60)
    results = await asyncio.gather(db.write(operators.redeem, "hash", 10, "A", now),
                                   db.write(operators.redeem, "hash", 11, "B", now))
    assert sorted(results) == sorted([Redeemed.REGISTERED, Redeemed.USED])
    assert len(await rows(db, "SELECT * FROM operators")) == 1
    assert await db.write(operators.redeem, "hash", 12, "C", now + 61) == Redeemed.USED
    assert await db.write(operators.redeem, "other", 12, "C", now) == Redeemed.INVALID


async def test_a_closure_and_its_cancellations_commit_together(db: Database,
                                                               office: Office) -> None:
    booking = await book(db, office, "cie", NOW.replace(hour=10).replace(day=3, month=12), NOW,
                         user_id=5)
    start, end = to_ts(NOW.replace(day=3, month=12, hour=0)), to_ts(
        NOW.replace(day=4, month=12, hour=0))
    closed = await db.write(counter.close, office, date(2026, 12, 3), date(2026, 12, 3), None,
                            "Sciopero", start=start, end=end, actor=1, now=to_ts(NOW))
    assert [v.id for v in closed.cancelled] == [booking]
    assert closed.kept == []
    assert closed.closure.id is not None
    assert await rows(db, "SELECT kind, chat_id FROM outbox WHERE booking_id = ? ORDER BY id",
                      booking) == [("booking_cancelled", 5), ("calendar_cancel", 5)]
