"""Rules told before they apply: confirm-or-lose and the cancellation cutoff, in the service's
step, the summary, the confirmation, /start and /help."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.domain.model import Office
from tests.conftest import NOW, ROME, UserFactory
from tests.handlers.conftest import CODE, Steps, no_errors

MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=ROME)
"""Far enough for confirm-or-lose (24 hours) to still be ahead."""
SOON = NOW.replace(hour=10)
"""An hour from NOW: bookable, but inside the two-hour cancellation cutoff."""

TEXTS = {
    "it": {
        "must": "Questa prenotazione va confermata: glielo chiederò, e una prenotazione "
                "non confermata 24 ore prima dell'appuntamento viene annullata.",
        "by": "La confermi entro domenica 29 novembre 2026, 10:00",
        "late": "Questa prenotazione non si può spostare né annullare in chat: inizia tra "
                "meno di 2 ore.",
        "cutoff": "Può spostare o annullare una prenotazione in /appuntamenti fino a 2 ore prima "
                  "dell'appuntamento.",
    },
    "en": {
        "must": "This booking must be confirmed: I will ask you to, and a booking not "
                "confirmed 24 hours before the appointment is cancelled.",
        "by": "Confirm it by Sunday 29 November 2026, 10:00",
        "late": "This booking cannot be moved or cancelled in the chat: it starts in less "
                "than 2 hours.",
        "cutoff": "You can move or cancel a booking in /mybookings up to 2 hours before the "
                  "appointment.",
    },
}


@pytest.mark.parametrize("lang", ["it", "en"])
async def test_confirm_or_lose_is_told_before_booking(make_user: UserFactory, steps: Steps,
                                                      lang: str) -> None:
    texts = TEXTS[lang]
    user = make_user(language_code=lang)
    await steps.to_days(user, "contrassegno_disabili")
    assert texts["must"] in user.last.text
    await steps.to_summary(user, "contrassegno_disabili", MONDAY)
    summary = user.last.text
    assert texts["by"] in summary
    assert texts["late"] not in summary
    await steps.choose(user, "ok")
    confirmation = user.messages[-2].text
    assert CODE.search(confirmation)
    assert texts["by"] in confirmation
    assert texts["cutoff"] in confirmation
    no_errors(user)


@pytest.mark.parametrize("lang", ["it", "en"])
async def test_a_service_without_it_says_nothing_of_it(make_user: UserFactory, steps: Steps,
                                                       lang: str) -> None:
    user = make_user(language_code=lang)
    await steps.to_days(user, "cie")
    assert TEXTS[lang]["must"] not in user.last.text
    await steps.book(user, "cie", MONDAY)
    assert TEXTS[lang]["by"][:16] not in user.messages[-2].text


@pytest.mark.parametrize("lang", ["it", "en"])
async def test_a_time_inside_the_cutoff_is_marked(make_user: UserFactory, steps: Steps,
                                                  lang: str) -> None:
    texts = TEXTS[lang]
    user = make_user(language_code=lang)
    await steps.to_summary(user, "cie", SOON)
    assert texts["late"] in user.last.text
    await steps.choose(user, "ok")
    confirmation = user.messages[-2].text
    assert texts["late"] in confirmation
    assert texts["cutoff"] not in confirmation
    no_errors(user)


@pytest.mark.parametrize("lang", ["it", "en"])
async def test_start_and_help_tell_the_cutoff(make_user: UserFactory, office: Office,
                                              lang: str) -> None:
    user = make_user(language_code=lang)
    assert office.rules.cancellation_cutoff_hours == 2
    for command in ("/start", "/help"):
        await user.send(command)
        assert TEXTS[lang]["cutoff"] in user.last.text, command
        assert "any time" not in user.last.text
        assert "in qualsiasi momento" not in user.last.text
