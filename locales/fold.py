"""Folds catalogues of the old layout (one `.po` per module, e.g. `it/LC_MESSAGES/booking.po`)
into the one catalogue per language, `messages.po`, and deletes them.

A branch started before the move may still add its new messages to those files. After merging
it, run (see the README, "Translations"):

    pybabel extract -F babel.cfg -k N_ -k pgettext:1c,2 -o locales/messages.pot .
    python -m locales.fold
    pybabel update -i locales/messages.pot -d locales -w 100 --ignore-obsolete
    pybabel compile -d locales

An English entry that repeats its source (the old identity entries) is dropped: the code's
messages are English, shown as written when a catalogue lacks them. When `messages.po` already
translates a message differently, its translation is kept and the conflict is printed, to be
resolved by hand (often with a `pgettext` context).
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

LOCALES = Path(__file__).resolve().parent
DOMAIN = "messages"
SOURCE = "en"
"""The language the messages are written in, in the code."""


def _read(path: Path, lang: str) -> Catalog:
    with path.open("rb") as stream:
        return read_po(stream, locale=lang)


def _translated(message: Message) -> bool:
    forms = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return all(forms) and not message.fuzzy


def _identity(message: Message) -> bool:
    forms = message.string if isinstance(message.string, tuple | list) else (message.string,)
    sources = message.id if isinstance(message.id, tuple | list) else (message.id,)
    return all(form in sources for form in forms)


def fold(folder: Path, lang: str) -> list[str]:
    """Moves every translated entry of the old files of `folder` into its `messages.po`."""
    old = sorted(p for p in folder.glob("*.po") if p.stem != DOMAIN)
    target = folder / f"{DOMAIN}.po"
    catalog = _read(target, lang) if target.exists() else Catalog(locale=lang, fuzzy=False)
    notes = []
    for path in old:
        for message in _read(path, lang):
            if not message.id or not _translated(message):
                continue
            if lang == SOURCE and _identity(message):
                continue
            present = catalog.get(message.id, message.context)
            if present is not None and _translated(present):
                if present.string != message.string:
                    notes.append(f"{path.name}: kept {present.string!r} for {message.id!r}, "
                                 f"not {message.string!r}")
                continue
            if present is None:
                catalog[message.id] = Message(message.id, message.string, context=message.context)
            else:
                present.string = message.string
                present.flags.discard("fuzzy")
        path.unlink()
        notes.append(f"{path.relative_to(LOCALES)}: folded into {target.name}")
    if old and (target.exists() or len(catalog)):
        with target.open("wb") as stream:
            write_po(stream, catalog, width=100)
    return notes


def main() -> None:
    for folder in sorted(LOCALES.glob("*/LC_MESSAGES")):
        for note in fold(folder, folder.parent.name):
            print(note)


if __name__ == "__main__":
    main()
