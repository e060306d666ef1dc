"""The whole /book conversation through the real Application, as a citizen sees it."""

from __future__ import annotations

import pytest

from bot.testing.local_api import LocalBotAPI
from storage.db import Database
from tests.conftest import UserFactory
from tests.handlers.conftest import CODE
from tests.seed import rows


@pytest.mark.parametrize(
    ("lang", "labels"),
    [
        ("it", {"category": "Anagrafe", "service": "Carta d'identità elettronica — richiesta",
                "day": "ven 27 nov", "confirm": "Conferma", "booked": "Prenotato",
                "when": "venerdì 27 novembre 2026, 09:00", "bring": "Porti con sé",
                "duration": "Dura circa 30 minuti", "sunday": "✖ dom 29 nov"}),
        ("en", {"category": "Registry", "service": "Electronic identity card — application",
                "day": "Fri 27 Nov", "confirm": "Confirm", "booked": "Booked",
                "when": "Friday 27 November 2026, 09:00", "bring": "Bring with you",
                "duration": "It takes about 30 minutes", "sunday": "✖ Sun 29 Nov"}),
    ],
)
async def test_a_whole_booking(make_user: UserFactory, api: LocalBotAPI, db: Database,
                               lang: str, labels: dict[str, str]) -> None:
    user = make_user(language_code=lang)
    await user.send("/book")
    await user.press(labels["category"])
    await user.press(labels["service"])
    step = user.last
    assert labels["bring"] in step.text
    assert labels["duration"] in step.text
    assert labels["sunday"] in step.buttons()
    await user.press(labels["day"])
    assert "09:00" in user.last.buttons()
    await user.press("09:00")
    await user.send("Mario Rossi")
    await user.send("rssmra85t10a562s")
    await user.send("Rinnovo: la carta scade a dicembre")
    summary = user.last
    assert "RSSMRA*******62S" in summary.text
    assert "RSSMRA85T10A562S" not in summary.text
    await user.press(labels["confirm"])

    confirmation, calendar_file = user.messages[-2:]
    assert labels["booked"] in confirmation.text
    assert labels["when"] in confirmation.text
    assert "Piazza della Libertà 1" in confirmation.text
    code = CODE.search(confirmation.text)
    assert code is not None
    assert calendar_file.document is not None
    name, content = calendar_file.document
    assert name == f"{code[0]}.ics"
    assert b"DTSTART;TZID=Europe/Rome:20261127T090000" in content
    assert b"BEGIN:VTIMEZONE" in content
    assert summary.keyboard == []  # the summary cannot be confirmed twice

    booked = await rows(db, "SELECT code, service, status, name, codice_fiscale, note, channel"
                            " FROM bookings")
    assert booked == [(code[0], "cie", "booked", "Mario Rossi", "RSSMRA85T10A562S",
                       "Rinnovo: la carta scade a dicembre", "chat")]
    assert await rows(db, "SELECT count(*) FROM holds") == [(0,)]
    assert await rows(db, "SELECT count(*) FROM drafts") == [(0,)]
    reminders = await rows(db, "SELECT kind, datetime(due_ts, 'unixepoch') FROM outbox"
                               " ORDER BY due_ts")
    assert reminders == [("reminder", "2026-11-26 17:00:00"), ("reminder", "2026-11-27 06:00:00")]
