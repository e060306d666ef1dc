"""Marking text for translation where it is defined in the domain; it is translated where shown."""

from __future__ import annotations


def N_(message: str) -> str:
    """Marks `message` for the catalogue (pybabel extracts it); returns it unchanged."""
    return message
