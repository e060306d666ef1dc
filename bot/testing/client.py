"""What a Telegram client shows: the text of a message sent as HTML (refused as Telegram refuses
it), and a message with its buttons and document."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from typing import Any

_TAG = re.compile(r"<(/?)([a-z-]+)((?:\s+[a-z-]+=\"[^\"<>]*\")*)\s*>")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
_ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
                 "tg-spoiler", "span", "blockquote", "tg-emoji"}


class ApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after


def html_to_text(markup: str) -> str:
    """The text a client shows for `markup` sent with parse_mode=HTML; ApiError as Telegram."""
    out: list[str] = []
    stack: list[str] = []
    position = 0
    while position < len(markup):
        char = markup[position]
        if char == "<":
            tag = _TAG.match(markup, position)
            if not tag or tag[2] not in _ALLOWED_TAGS:
                raise ApiError(400, f"Bad Request: can't parse entities: unsupported start tag "
                                    f"at byte offset {position}")
            if tag[1]:
                if not stack or stack.pop() != tag[2]:
                    raise ApiError(400, f"Bad Request: can't parse entities: unmatched end tag "
                                        f"at byte offset {position}")
            else:
                stack.append(tag[2])
            position = tag.end()
        elif char == "&":
            entity = _ENTITY.match(markup, position)
            if not entity:
                raise ApiError(400, f"Bad Request: can't parse entities: unescaped & at byte "
                                    f"offset {position}")
            out.append(unescape(entity[0]))
            position = entity.end()
        else:
            out.append(char)
            position += 1
    if stack:
        raise ApiError(400, f"Bad Request: can't parse entities: no end tag for {stack[-1]}")
    return "".join(out)


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class ChatMessage:
    """A message as the client shows it."""

    message_id: int
    chat_id: int
    from_bot: bool
    text: str = ""
    markup: str = ""
    """The HTML the bot sent, before parsing."""
    keyboard: list[list[dict[str, Any]]] = field(default_factory=list)
    document: tuple[str, bytes] | None = None
    edits: int = 0

    def buttons(self) -> list[str]:
        return [button["text"] for row in self.keyboard for button in row]

    def button(self, label: str) -> dict[str, Any]:
        """The button labelled `label`, else the first whose label contains it."""
        buttons = [button for row in self.keyboard for button in row]
        for found in (b for b in buttons if b["text"] == label):
            return found
        for found in (b for b in buttons if label in b["text"]):
            return found
        raise LookupError(f"no button {label!r} in {self.buttons()}")
