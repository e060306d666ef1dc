"""Telegram's limits on what one message holds, kept in one place: every reply is split into
messages that fit (or, where only one message can go, cut with a note), and whatever a user typed
is clipped before it is echoed back.

Telegram counts the text a client shows, in UTF-16 code units, at most 4096 per message and 200
per answer to a button. The HTML is split between lines where it can, else between words, never
inside a tag or an entity; a tag open across a cut is closed before it and opened again after.
"""

from __future__ import annotations

import re

from markupsafe import Markup

from bot.domain.messages import N_

MESSAGE_LIMIT = 4096
BUDGET = 4000
"""Visible units per message, with room for a note."""
ANSWER_LIMIT = 200
ECHO_LIMIT = 40
"""Characters of a user's argument quoted back in an answer."""
MAX_PARTS = 4
"""Messages one reply may take; the last of them is cut, with TOO_LONG."""
TOO_LONG = N_("<i>… the rest is too long to show here.</i>")
_TAGS = re.compile(r"<[^>]*>")
_TOKEN = re.compile(r"<(/?)([a-z-]+)[^>]*>|&(?:[a-z]+|#\d+|#x[0-9a-fA-F]+);|.", re.DOTALL)


def units(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def echoed(typed: str) -> str:
    """What a user typed, on one line and short enough to quote back."""
    text = " ".join(typed.split())
    return text if len(text) <= ECHO_LIMIT else text[: ECHO_LIMIT - 1] + "…"


def answer_text(text: str) -> str:
    """A button's answer (plain text) within Telegram's 200 characters."""
    return text if len(text) <= ANSWER_LIMIT else text[: ANSWER_LIMIT - 1] + "…"


def split(text: Markup, budget: int = BUDGET) -> list[Markup]:
    """`text` (HTML) in parts of at most `budget` visible units each, each valid on its own."""
    if units(text) <= budget:
        return [Markup(text)]
    tokens = [match[0] for match in _TOKEN.finditer(text)]
    sizes = [_visible(token) for token in tokens]
    open_before = _open_tags(tokens)
    parts, start, size = [], 0, 0
    for index, visible in enumerate(sizes):
        while visible and size + visible > budget and index > start:
            cut = _cut_at(tokens, start, index)
            parts.append(_part(tokens, open_before, start, cut))
            start, size = cut, sum(sizes[cut:index])
        size += visible
    parts.append(_part(tokens, open_before, start, len(tokens)))
    return [part for part in parts if _TAGS.sub("", part).strip()]


def clip(text: Markup, note: Markup, budget: int = BUDGET) -> Markup:
    """`text` (HTML) as one message: its first part, and `note` if anything was cut."""
    parts = split(text, budget)
    return parts[0] if len(parts) == 1 else parts[0] + Markup("\n") + note


def _visible(token: str) -> int:
    tag = _TOKEN.fullmatch(token)
    if tag and tag[2]:
        return 0
    return 1 if token.startswith("&") and len(token) > 1 else units(token)


def _open_tags(tokens: list[str]) -> list[tuple[tuple[str, str], ...]]:
    """For each position (0 to len(tokens)), the tags open before it: (name, opening tag)."""
    stack: list[tuple[str, str]] = []
    found: list[tuple[tuple[str, str], ...]] = [()]
    for token in tokens:
        tag = _TOKEN.fullmatch(token)
        if tag and tag[2]:
            if not tag[1]:
                stack.append((tag[2], token))
            elif stack and stack[-1][0] == tag[2]:
                stack.pop()
        found.append(tuple(stack))
    return found


def _cut_at(tokens: list[str], start: int, end: int) -> int:
    """Where to end a part that cannot take tokens[end]: after its last line break, else its
    last space, else right there."""
    for wanted in ("\n", " "):
        for index in range(end - 1, start, -1):
            if tokens[index] == wanted:
                return index + 1
    return end


def _part(tokens: list[str], open_before: list[tuple[tuple[str, str], ...]], start: int,
          end: int) -> Markup:
    reopened = "".join(opening for _, opening in open_before[start])
    closed = "".join(f"</{name}>" for name, _ in reversed(open_before[end]))
    return Markup(reopened + "".join(tokens[start:end]).lstrip("\n").rstrip() + closed)
