"""The counter's contacts, wherever the bot sends the citizen to the counter; the data protection
officer in /privacy."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.domain.model import Contacts, Office
from bot.i18n import I18n
from handlers.contacts import reach
from tests.conftest import NOW, UserFactory
from tests.handlers.conftest import Steps, no_errors

SOON = NOW.replace(hour=10)

COUNTER = {
    "it": "Sportello: tel. +39 0575 3770, e-mail sportellounico@comune.arezzo.it",
    "en": "Counter: phone +39 0575 3770, e-mail sportellounico@comune.arezzo.it",
}
PEC = ", PEC protocollo@pec.comune.arezzo.it."


@pytest.mark.parametrize("lang", ["it", "en"])
async def test_help_and_the_confirmation_give_the_contacts(make_user: UserFactory, steps: Steps,
                                                          lang: str) -> None:
    user = make_user(language_code=lang)
    await user.send("/help")
    assert COUNTER[lang] + PEC in user.last.text
    await steps.book(user)
    assert COUNTER[lang] + PEC in user.messages[-2].text
    no_errors(user)


@pytest.mark.parametrize("lang", ["it", "en"])
async def test_a_booking_inside_the_cutoff_says_how_to_reach_the_counter(
        make_user: UserFactory, steps: Steps, lang: str) -> None:
    user = make_user(language_code=lang)
    await steps.to_summary(user, "cie", SOON)
    assert COUNTER[lang] in user.last.text


@pytest.mark.parametrize(("lang", "title"), [("it", "Responsabile della protezione dei dati"),
                                             ("en", "Data protection officer")])
async def test_privacy_names_the_data_protection_officer(make_user: UserFactory, lang: str,
                                                         title: str) -> None:
    user = make_user(language_code=lang)
    await user.send("/privacy")
    assert f"{title}: rpd@comune.arezzo.it." in user.last.text


def test_no_contacts_no_line(office: Office) -> None:
    t = I18n()("en")
    assert reach(t, replace(office, contacts=Contacts())) is None
    only_mail = reach(t, replace(office, contacts=Contacts(email="a@b.it", pec="c@pec.it")),
                      certified=False)
    assert only_mail == "Counter: e-mail a@b.it."
