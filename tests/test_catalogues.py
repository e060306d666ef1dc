"""The gettext workflow holds: the template lists what the code says, Italian translates all of
it with every plural form, the compiled catalogue is the `.po`, and English needs no catalogue."""

from __future__ import annotations

import re
from gettext import GNUTranslations
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po
from markupsafe import Markup

from bot.i18n import I18n

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
TRANSLATED = ("it",)
"""Every language with a catalogue; English is the source and has none."""
PLACEHOLDER = re.compile(r"\{(\w*)\}")
TAG = re.compile(r"</?[a-z-]+")
Key = tuple[str | None, str]


def _read(path: Path) -> Catalog:
    with path.open("rb") as stream:
        return read_po(stream)


def _key(message: Message) -> Key:
    singular = message.id if isinstance(message.id, str) else message.id[0]
    return message.context, singular


def _forms(text: object) -> tuple[str, ...]:
    return tuple(text) if isinstance(text, tuple | list) else (str(text),)


@pytest.fixture(scope="module")
def template() -> Catalog:
    return _read(LOCALES / "messages.pot")


@pytest.fixture(scope="module", params=TRANSLATED)
def catalogue(request: pytest.FixtureRequest) -> Catalog:
    return _read(LOCALES / request.param / "LC_MESSAGES" / "messages.po")


def test_the_template_is_what_pybabel_extracts_now(template: Catalog, tmp_path: Path) -> None:
    """Stale `messages.pot`: run `pybabel extract` (README, "Translations")."""
    fresh = tmp_path / "messages.pot"
    CommandLineInterface().run([
        "pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "N_",
        "-k", "pgettext:1c,2", "-o", str(fresh), str(ROOT)])
    assert sorted(map(_key, _read(fresh)), key=str) == sorted(map(_key, template), key=str)


def test_every_message_is_translated(template: Catalog, catalogue: Catalog) -> None:
    """Missing or fuzzy: run `pybabel update`, then translate (README, "Translations")."""
    missing = []
    for message in template:
        if not message.id:
            continue
        entry = catalogue.get(message.id, message.context)
        if (entry is None or entry.fuzzy or not all(_forms(entry.string))
                or isinstance(entry.id, tuple) != isinstance(message.id, tuple)):  # (n)gettext
            missing.append(_key(message))
    assert missing == [], f"{catalogue.locale}: untranslated: {missing}"


def test_catalogues_hold_only_what_the_code_uses(template: Catalog, catalogue: Catalog) -> None:
    used = {_key(m) for m in template}
    assert [_key(m) for m in catalogue if _key(m) not in used] == []
    assert list(catalogue.obsolete) == []


def test_plural_messages_have_every_form_babel_expects(catalogue: Catalog) -> None:
    expected = Catalog(locale=catalogue.locale).num_plurals
    assert catalogue.num_plurals == expected
    assert (str(catalogue.locale), expected) != ("it", 2)  # CLDR's Italian has 3: one, many, other
    for message in catalogue:
        if isinstance(message.id, tuple):
            assert len(message.string) == expected, message.id


def test_translations_keep_placeholders_and_tags(catalogue: Catalog) -> None:
    for message in catalogue:
        if not message.id:
            continue
        source = _forms(message.id)
        for form in _forms(message.string):
            assert set(PLACEHOLDER.findall(form)) <= set(PLACEHOLDER.findall("".join(source))) | {
                "n"}, form
            assert sorted(TAG.findall(form)) == sorted(TAG.findall(source[0])), form


def test_the_compiled_catalogue_is_the_po(catalogue: Catalog) -> None:
    """Stale `messages.mo`: run `pybabel compile -d locales`."""
    expected: dict[object, str] = {}
    for message in catalogue:
        if not message.id or message.fuzzy:
            continue
        prefix = f"{message.context}\x04" if message.context else ""
        if isinstance(message.id, tuple):
            for index, form in enumerate(message.string):
                expected[(prefix + message.id[0], index)] = form
        else:
            expected[prefix + message.id] = message.string
    compiled = LOCALES / str(catalogue.locale) / "LC_MESSAGES" / "messages.mo"
    with compiled.open("rb") as stream:
        loaded = dict(GNUTranslations(stream)._catalog)  # type: ignore[attr-defined]  # noqa: SLF001
    loaded.pop("", None)  # the header
    assert loaded == expected


def test_english_is_the_source_with_its_plurals_and_contexts() -> None:
    t = I18n()("en")
    assert t.ngettext("{n} booking", "{n} bookings", 1) == "1 booking"
    assert t.ngettext("{n} booking", "{n} bookings", 2) == "2 bookings"
    assert t.plain.pgettext("cancel a booking", "❌ Cancel") == "❌ Cancel"
    assert not (LOCALES / "en").exists()


def test_a_context_tells_two_meanings_apart() -> None:
    t = I18n()("it")
    assert t.plain.pgettext("cancel a booking", "❌ Cancel") == "❌ Disdici"
    assert t.plain.pgettext("stop what you are doing", "✖ Cancel") == "✖ Annulla"
    assert t.plain.pgettext("a citizen keeps a booking", "No, keep it") == "No, la tengo"
    assert t.plain.pgettext("an operator keeps a booking", "No, keep it") == "No, mantieni"


def test_messages_escape_values_and_plain_text_does_not() -> None:
    t = I18n()("it")
    html = t.gettext("Name: {name}", name="<b>Rossi</b> & figli")
    assert isinstance(html, Markup)
    assert html == "Nome: &lt;b&gt;Rossi&lt;/b&gt; &amp; figli"
    assert t.gettext("Name: {name}", name=Markup("<i>—</i>")) == "Nome: <i>—</i>"
    assert t.plain.gettext("Use “{name}”", name="<b>&") == "Usa “<b>&”"
