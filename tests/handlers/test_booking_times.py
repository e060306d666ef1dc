"""A long day's times a part at a time: never more than 24 time buttons on a screen, every free
time of the day reachable, and the parts re-read from availability on every press."""

from __future__ import annotations

from datetime import datetime

from bot.domain.availability import free_slots, known
from bot.domain.model import Office
from bot.testing.client import ChatMessage
from bot.testing.local_user import LocalUser
from storage.db import Database
from tests.conftest import NOW, ROME, UserFactory
from tests.handlers.conftest import Steps, data_ending, no_errors
from tests.seed import rows

TUESDAY = datetime(2026, 12, 1, 9, 0, tzinfo=ROME)


def part(first: str, last: str) -> str:
    """The label of the button of a part of the day."""
    return f"🕘 {first}\N{EN DASH}{last}"


def times(message: ChatMessage) -> list[str]:
    return [label for label in message.buttons() if len(label) == 5 and label[2] == ":"]


async def test_a_long_day_is_shown_a_part_at_a_time(
        office: Office, steps: Steps, make_user: UserFactory, db: Database) -> None:
    user = make_user(1001)
    await steps.to_days(user)
    await steps.choose(user, "day:20261201")
    assert user.last.text.endswith(
        "martedì 1 dicembre 2026\nScelga un orario:\nQui gli orari dalle 08:30 alle 10:50; gli "
        "altri della giornata sono nei pulsanti qui sotto.")
    assert user.last.buttons()[-5:] == [part("11:00", "12:30"), part("15:00", "17:00"),
                                        "⏳ Nessuno di questi orari mi va bene", "« Indietro",
                                        "✖ Annulla"]
    seen = times(user.last)
    await user.press(part("15:00", "17:00"))
    assert "dalle 15:00 alle 17:00" in user.last.text
    assert user.last.buttons()[-5:-3] == [part("08:30", "10:50"), part("11:00", "12:30")]
    seen += times(user.last)
    await user.press(part("11:00", "12:30"))
    seen += times(user.last)
    expected = [f"{slot.start:%H:%M}" for slot in free_slots(
        office, office.services["cie"], TUESDAY.date(), known([]), [], NOW)]
    assert len(expected) == 38
    assert sorted(seen) == expected
    await user.press("11:40")
    assert "martedì 1 dicembre 2026, 11:40" in user.last.text
    await user.press("« Indietro")  # back to the part the time was chosen from
    assert "dalle 11:00 alle 12:30" in user.last.text
    assert await rows(db, "SELECT count(*) FROM holds") == [(1,)]
    no_errors(user)


async def test_no_screen_of_times_has_more_than_24_and_a_forged_part_is_harmless(
        steps: Steps, make_user: UserFactory) -> None:
    user: LocalUser = make_user(1001, language_code="en")
    await steps.to_days(user, "certificati")
    await steps.choose(user, "day:20261201")
    assert "Shown: the times from 08:30 to 10:50; the others of the day are behind the " \
        "buttons below." in user.last.text
    assert user.last.buttons()[-4:] == [part("15:00", "17:20"),
                                        "⏳ None of these times suit me", "« Back", "✖ Cancel"]
    step = user.last
    prefix = data_ending(step, ":back").removesuffix("back")
    for number in ("0", "1", "2", "99"):
        await user.press_data(f"{prefix}part:{number}", step)
        assert 0 < len(times(user.last)) <= 24
    assert "from 15:00 to 17:20" in user.last.text  # beyond the last: the last
    assert await user.press_data(f"{prefix}part:x1", step) == "This button is no longer valid."
    no_errors(user)
