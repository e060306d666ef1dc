"""Every message the code shows exists, translated, in the Italian and English catalogues."""

from __future__ import annotations

import re

import pytest
from babel.messages.catalog import Catalog

from bot.i18n import read_catalogue
from locales.catalogue import used_messages

PLACEHOLDER = re.compile(r"\{(\w*)\}")
TAG = re.compile(r"</?[a-z-]+")
PLURAL_FORMS = {"it": 3, "en": 2}


@pytest.fixture(scope="module", params=["it", "en"])
def catalogue(request: pytest.FixtureRequest) -> Catalog:
    return read_catalogue(request.param)


def _forms(message: object) -> tuple[str, ...]:
    return message if isinstance(message, tuple) else (message,)  # type: ignore[return-value]


def test_every_message_used_is_translated(catalogue: Catalog) -> None:
    missing = []
    for key, used in used_messages().items():
        entry = catalogue.get(used.id)
        forms = _forms(entry.string) if entry else ()
        if (entry is None or entry.fuzzy or not forms or not all(forms)
                or isinstance(entry.id, tuple) != isinstance(used.id, tuple)):  # (n)gettext
            missing.append(key)
    assert missing == [], f"{catalogue.locale}: missing or untranslated: {missing}"


def test_plural_messages_have_every_form_babel_expects(catalogue: Catalog) -> None:
    lang = str(catalogue.locale)
    assert catalogue.num_plurals == PLURAL_FORMS[lang]
    for message in catalogue:
        if isinstance(message.id, tuple):
            assert len(message.string) == PLURAL_FORMS[lang], message.id


def test_translations_keep_placeholders_and_tags(catalogue: Catalog) -> None:
    for message in catalogue:
        if not message.id:
            continue
        source = "".join(_forms(message.id))
        for form in _forms(message.string):
            assert set(PLACEHOLDER.findall(form)) <= set(PLACEHOLDER.findall(source)) | {"n"}, form
            assert sorted(TAG.findall(form)) == sorted(TAG.findall(_forms(message.id)[0])), form


def test_catalogues_hold_nothing_the_code_no_longer_uses(catalogue: Catalog) -> None:
    used = used_messages()
    unused = [m.id for m in catalogue if m.id and _forms(m.id)[0] not in used]
    assert unused == []
