"""The citizens' commands: names in each language, the list shown in /start and in the menu."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup
from telegram import BotCommand
from telegram.error import TelegramError

from bot.context import App
from bot.domain.messages import N_
from bot.domain.model import DEFAULT_LANGUAGE, LANGUAGES
from bot.i18n import I18n, Translator

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Command:
    en: str
    it: str
    description: str

    def name(self, lang: str) -> str:
        return self.it if lang == "it" else self.en

    @property
    def names(self) -> tuple[str, ...]:
        return (self.en, self.it) if self.en != self.it else (self.en,)


BOOK = Command("book", "prenota", N_("book an appointment"))
MY_BOOKINGS = Command("mybookings", "appuntamenti", N_("your bookings: move or cancel"))
WAITLIST = Command("waitlist", "attesa", N_("your places on waiting lists"))
LANGUAGE = Command("language", "lingua", N_("change language"))
PRIVACY = Command("privacy", "privacy", N_("how your data is used"))
DELETE_MY_DATA = Command("deletemydata", "cancelladati", N_("erase your personal data"))
CANCEL = Command("cancel", "annulla", N_("stop what you are doing"))
HELP = Command("help", "aiuto", N_("what I can do"))
START = Command("start", "start", N_("start again"))

CITIZEN_COMMANDS = (BOOK, MY_BOOKINGS, WAITLIST, LANGUAGE, PRIVACY, DELETE_MY_DATA, CANCEL, HELP)


def command_list(t: Translator, commands: Sequence[Command] = CITIZEN_COMMANDS) -> Markup:
    return Markup("\n").join(Markup("/{} — {}").format(c.name(t.lang), t.gettext(c.description))
                              for c in commands)


def bot_commands(t: Translator, commands: Sequence[Command] = CITIZEN_COMMANDS) -> list[BotCommand]:
    return [BotCommand(c.name(t.lang), t.plain.gettext(c.description)) for c in commands]


async def set_citizen_menus(application: App, i18n: I18n) -> None:
    """The command menu in each language; a Bot API that refuses it only costs the menu."""
    for lang in (None, *LANGUAGES):
        t = i18n(lang or DEFAULT_LANGUAGE)
        try:
            await application.bot.set_my_commands(bot_commands(t), language_code=lang)
        except TelegramError as error:
            log.warning("command menu for %s not set: %s", lang or "default", error)
