"""Translations (gettext catalogues under `locales/`, read with babel) and dates in the user's
language.

Messages are HTML (`parse_mode=HTML`); every value formatted into one is escaped here, so a
citizen's `<b>` or `&` can never break a message. A value that is already HTML is passed as `Html`.
"""

from __future__ import annotations

import functools
import html
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources

from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from bot.domain.model import DEFAULT_LANGUAGE, LANGUAGES

_Date = date
"""For annotations inside Translator, whose `date` method hides the class."""


class Html(str):
    """A string that is already HTML: formatted into a message as it is."""



def language_for(code: str | None) -> str:
    """The language for a Telegram client's `language_code`: Italian if Italian or unknown."""
    if not code or code.lower().startswith("it"):
        return DEFAULT_LANGUAGE
    return "en"


def _escape(value: object) -> str:
    return value if isinstance(value, Html) else html.escape(str(value), quote=False)


@dataclass(frozen=True)
class Translator:
    lang: str
    translations: Translations

    def gettext(self, message: str, **values: object) -> Html:
        text = self.translations.gettext(message)
        return Html(text.format(**{k: _escape(v) for k, v in values.items()}) if values else text)

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> Html:
        text = self.translations.ngettext(singular, plural, n)
        return Html(text.format(n=n, **{k: _escape(v) for k, v in values.items()}))

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


def catalogue_files(lang: str) -> list[resources.abc.Traversable]:
    folder = resources.files("locales") / lang / "LC_MESSAGES"
    return sorted((f for f in folder.iterdir() if f.name.endswith(".po")), key=lambda f: f.name)


def read_catalogue(lang: str) -> Catalog:
    """Every `.po` file of `lang` merged into one catalogue (one file per part of the bot)."""
    merged = Catalog(locale=lang)
    for file in catalogue_files(lang):
        with file.open("rb") as stream:
            for message in read_po(stream, locale=lang):
                if message.id:
                    merged[message.id] = message
    return merged


def _translations(lang: str) -> Translations:
    buffer = io.BytesIO()
    write_mo(buffer, read_catalogue(lang))
    buffer.seek(0)
    return Translations(fp=buffer)


class I18n:
    def __init__(self) -> None:
        self._translators: Mapping[str, Translator] = {
            lang: Translator(lang, _translations(lang)) for lang in LANGUAGES
        }

    def __call__(self, lang: str | None) -> Translator:
        return self._translators.get(lang or DEFAULT_LANGUAGE, self._translators[DEFAULT_LANGUAGE])
