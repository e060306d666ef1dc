"""Keeping the catalogues in step with the code.

`python -m locales.catalogue` adds every message the code uses and the catalogues lack (English
filled in, since the messages are written in English; Italian left empty to be translated) and
removes those the code no longer uses. New messages go to the `.po` file named after the module
that uses them first (`handlers/booking.py` -> `booking.po`). tests/test_catalogues.py fails
while anything is missing or untranslated.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("bot", "handlers")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
LANGUAGES = ("it", "en")
HEADER = "# Sportello: messages of one part of the bot. Update with python -m locales.catalogue."
EPOCH = datetime(2026, 11, 26, tzinfo=UTC)


@dataclass(frozen=True)
class Used:
    id: str | tuple[str, str]
    module: str
    """Stem of the first module that uses it."""


def used_messages() -> dict[str, Used]:
    """Every message the code passes to gettext, keyed by its singular msgid."""
    found: dict[str, Used] = {}
    for source in SOURCES:
        for filename, _line, message, _comments, _context in extract_from_dir(
            ROOT / source, method_map=[("**.py", "python")], keywords=KEYWORDS,
        ):
            key = message if isinstance(message, str) else message[0]
            if key:
                found.setdefault(key, Used(message, Path(filename).stem))
    return found


def po_files(lang: str) -> Iterator[Path]:
    yield from sorted((ROOT / "locales" / lang / "LC_MESSAGES").glob("*.po"))


def _read(path: Path, lang: str) -> Catalog:
    with path.open("rb") as stream:
        return read_po(stream, locale=lang)


def _write(path: Path, catalog: Catalog) -> None:
    with path.open("wb") as stream:
        write_po(stream, catalog, width=100, omit_header=False, include_lineno=False,
                 no_location=True)


def update() -> list[str]:
    used = used_messages()
    changes = []
    for lang in LANGUAGES:
        present: set[str] = set()
        catalogs = {path: _read(path, lang) for path in po_files(lang)}
        for path, catalog in catalogs.items():
            for message in list(catalog):
                key = message.id if isinstance(message.id, str) else message.id[0]
                if key and key not in used:
                    catalog.delete(message.id)
                    changes.append(f"{path.relative_to(ROOT)}: removed {key[:50]!r}")
                elif key:
                    present.add(key)
        for key, message in used.items():
            if key in present:
                continue
            path = ROOT / "locales" / lang / "LC_MESSAGES" / f"{message.module}.po"
            if path not in catalogs:
                catalogs[path] = Catalog(locale=lang, project="Sportello", version="1",
                                         header_comment=HEADER, fuzzy=False,
                                         creation_date=EPOCH, revision_date=EPOCH)
            english = message.id if lang == "en" else ("" if isinstance(message.id, str)
                                                       else ("",) * catalogs[path].num_plurals)
            catalogs[path].add(message.id, english)
            changes.append(f"{path.relative_to(ROOT)}: added {key[:50]!r}")
        for path, catalog in catalogs.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            _write(path, catalog)
    return changes


if __name__ == "__main__":
    for line in update():
        print(line)
