"""An office with one administrator, an operator registered, and a citizen who is neither."""

from __future__ import annotations

from dataclasses import replace

import pytest
from telegram.ext import Application

from bot.config import load_office
from bot.domain.model import Office, to_ts
from bot.services.invites import token_hash
from bot.testing.clock import FakeClock
from bot.testing.local_user import LocalUser
from storage import operators
from storage.db import Database
from tests.conftest import UserFactory

ADMIN = 500
OPERATOR = 600
STRANGER = 700


@pytest.fixture(scope="session")
def office() -> Office:
    return replace(load_office(), admins=(ADMIN,))


@pytest.fixture
def admin(make_user: UserFactory) -> LocalUser:
    return make_user(ADMIN, first_name="Anna")


@pytest.fixture
async def operator(db: Database, clock: FakeClock, make_user: UserFactory) -> LocalUser:
    """Registered as through an invitation."""
    now = to_ts(clock.now())
    await db.write(operators.invite, token_hash("fixture"), ADMIN, now, now + 3600)
    await db.write(operators.redeem, token_hash("fixture"), OPERATOR, "Olga Operatrice", now)
    return make_user(OPERATOR, first_name="Olga")


@pytest.fixture
def stranger(make_user: UserFactory) -> LocalUser:
    return make_user(STRANGER, first_name="Sam")


@pytest.fixture
def offers(app: Application) -> list[object]:
    """Each call of the waiting list's offer_free_times (its deps), in place of the real one."""
    calls: list[object] = []

    async def offer(deps: object) -> int:
        calls.append(deps)
        return 0

    app.bot_data["deps"] = replace(app.bot_data["deps"], offers=offer)
    return calls
