"""A pyinstrument profile of the main thread, summed by kind of work: each frame's own time goes
to the kind of the innermost frame that names one, except below a frame whose kind covers
everything it calls (parsing an update covers the objects it builds, say)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

IDLE = "idle: the event loop waiting (for the Bot API, the database thread)"


@dataclass(frozen=True)
class Kind:
    name: str
    matches: Callable[[str, str, str], bool]
    """(function, file path, class name) -> whether the frame is of this kind."""
    covers: bool
    """Everything below the frame is of this kind too."""


def _in(*parts: str) -> Callable[[str, str, str], bool]:
    return lambda function, path, cls: any(part in path for part in parts)


KINDS = (
    Kind(IDLE, lambda f, p, c: f in ("select", "poll") and "selectors" in p, True),
    Kind("the benchmark's citizens and in-process Bot API (the floor pays them too)",
         lambda f, p, c: c == "LocalBotAPI" or f in ("html_to_text", "data_where"), True),
    Kind("python-telegram-bot parsing incoming updates",
         lambda f, p, c: f == "de_json" and p.endswith("telegram/_update.py"), True),
    Kind("python-telegram-bot turning Bot API answers into objects",
         lambda f, p, c: f in ("de_json", "de_list", "_de_json") and "/telegram/" in p
         and "/ext/" not in p, True),
    Kind("python-telegram-bot serialising requests",
         lambda f, p, c: "/telegram/request/_request" in p or f in ("to_dict", "_get_attrs"),
         True),
    Kind("handing work to the database thread (aiosqlite)", _in("/aiosqlite/"), True),
    Kind("reading the database (SQLite, in the event loop's thread)", _in("/storage/"), True),
    Kind("the .ics calendar file", lambda f, p, c: f == "booking_event" or "/icalendar/" in p,
         True),
    Kind("the codice fiscale check",
         lambda f, p, c: f == "clean_codice_fiscale" or "/codicefiscale/" in p, True),
    Kind("free days and times (availability)", _in("/bot/domain/availability.py"), True),
    Kind("texts and keyboards (rendering, translation, dates)",
         _in("/handlers/booking_view.py", "/handlers/booking_card.py", "/bot/i18n.py",
             "/babel/", "/telegram/_inline/"), False),
    Kind("python-telegram-bot: dispatching, bot methods, requests", _in("/telegram/"), False),
    Kind("Sportello's own logic (handlers, storage calls, rules)",
         _in("/handlers/", "/bot/", "/storage/"), False),
)
OTHER = "the rest (asyncio, json, standard library)"


def _kind(frame: Any) -> Kind | None:
    function, path, cls = frame.function, frame.file_path or "", frame.class_name or ""
    return next((kind for kind in KINDS if kind.matches(function, path, cls)), None)


def breakdown(session: Any) -> list[tuple[str, float]]:
    """(kind, share of the time) for every kind, largest first."""
    totals: Counter[str] = Counter()

    def walk(frame: Any, inherited: Kind | None) -> None:
        kind = inherited if inherited is not None and inherited.covers else (
            _kind(frame) or inherited)
        totals[kind.name if kind else OTHER] += frame.total_self_time
        for child in frame.children:
            if not child.is_synthetic:
                walk(child, kind)

    root = session.root_frame()
    if root is not None:
        walk(root, None)
    whole = sum(totals.values()) or 1.0
    return [(name, time / whole) for name, time in totals.most_common()]
