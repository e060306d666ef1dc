"""Translations and dates in the user's language.

The catalogues are gettext's: `locales/<lang>/LC_MESSAGES/messages.mo`, compiled by
`pybabel compile` from the `.po` files and shipped with the package (README, "Translations").
English needs none: the messages are written in English in the code.

Messages are HTML (`parse_mode=HTML`), so `Translator` returns `markupsafe.Markup`, and every value
formatted into one is escaped by Markup's own formatting: a citizen's `<b>` or `&` is shown as
typed. A value that is already HTML is passed as `Markup`. Button labels, pop-up answers and CSV
are plain text: they come from `Translator.plain`, which escapes nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from gettext import NullTranslations
from importlib import resources

from babel.dates import format_date
from babel.support import Translations
from markupsafe import Markup

from bot.domain.model import DEFAULT_LANGUAGE, LANGUAGES

DOMAIN = "messages"
_Date = date
"""For annotations inside Translator, whose `date` method hides the class."""


def language_for(code: str | None) -> str:
    """The language for a Telegram client's `language_code`: Italian if Italian or unknown."""
    if not code or code.lower().startswith("it"):
        return DEFAULT_LANGUAGE
    return "en"


@dataclass(frozen=True)
class PlainText:
    """Translations as plain text, for what Telegram does not read as HTML: button labels,
    pop-up answers, CSV cells, chart labels, command descriptions."""

    translations: NullTranslations

    def gettext(self, message: str, **values: object) -> str:
        return self.translations.gettext(message).format(**values)

    def pgettext(self, context: str, message: str, **values: object) -> str:
        return self.translations.pgettext(context, message).format(**values)

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        return self.translations.ngettext(singular, plural, n).format(n=n, **values)


@dataclass(frozen=True)
class Translator:
    """Translations as HTML for messages; `plain` for the rest."""

    lang: str
    translations: NullTranslations

    @property
    def plain(self) -> PlainText:
        return PlainText(self.translations)

    def gettext(self, message: str, **values: object) -> Markup:
        translated = Markup(self.translations.gettext(message))
        # formatting goes through Python's string.Formatter: a message with no values skips it
        return translated.format(**values) if values or "{" in translated else translated

    def pgettext(self, context: str, message: str, **values: object) -> Markup:
        return Markup(self.translations.pgettext(context, message)).format(**values)

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> Markup:
        return Markup(self.translations.ngettext(singular, plural, n)).format(n=n, **values)

    def date(self, day: date | datetime) -> str:
        """`giovedì 3 dicembre 2026`."""
        return _format_date(_day(day), "EEEE d MMMM y", self.lang)

    def short_date(self, day: _Date) -> str:
        """`gio 3 dic`: fits on a button."""
        return _format_date(_day(day), "EEE d MMM", self.lang)

    def time(self, moment: datetime) -> str:
        """`09:30`: the same in every language we speak."""
        return f"{moment:%H:%M}"

    def when(self, moment: datetime) -> str:
        """`giovedì 3 dicembre 2026, 09:30`, in the time zone `moment` carries."""
        return f"{self.date(moment)}, {self.time(moment)}"


def _day(moment: date | datetime) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


@functools.lru_cache(maxsize=4096)
def _format_date(day: date, pattern: str, lang: str) -> str:
    """Babel's formatting is slow and a calendar page asks for the same days again and again."""
    return format_date(day, pattern, locale=lang)


def translations(lang: str) -> NullTranslations:
    """The compiled catalogue of `lang`; none (the messages as written) for English."""
    compiled = resources.files("locales") / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if not compiled.is_file():
        return NullTranslations()
    with compiled.open("rb") as stream:
        return Translations(stream, domain=DOMAIN)


class I18n:
    def __init__(self) -> None:
        self._translators: Mapping[str, Translator] = {
            lang: Translator(lang, translations(lang)) for lang in LANGUAGES
        }

    def __call__(self, lang: str | None) -> Translator:
        return self._translators.get(lang or DEFAULT_LANGUAGE, self._translators[DEFAULT_LANGUAGE])
