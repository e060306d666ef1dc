"""A day's free times in groups small enough for one screen: the whole day when it fits, else
the morning and the afternoon, and a part of either still too long split at whole hours into
groups of about the same size."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from zoneinfo import ZoneInfo

from bot.domain.booking import Slot

MOST = 24
"""Time buttons on one screen at most."""
AFTERNOON = 13
"""The hour the afternoon starts at."""


def groups(slots: Sequence[Slot], tz: ZoneInfo, most: int = MOST) -> list[list[Slot]]:
    """`slots` (in time order) in consecutive groups of at most `most`; none for none."""
    if len(slots) <= most:
        return [list(slots)] if slots else []
    halves = ([s for s in slots if s.start.astimezone(tz).hour < AFTERNOON],
              [s for s in slots if s.start.astimezone(tz).hour >= AFTERNOON])
    found: list[list[Slot]] = []
    for half in halves:
        if len(half) <= most:
            found += [half] if half else []
            continue
        target = -(-len(half) // -(-len(half) // most))  # as many as needed, as even as can be
        current: list[Slot] = []
        for _, hour in groupby(half, key=lambda s: s.start.astimezone(tz).hour):
            times = list(hour)
            if current and (len(current) + len(times) > most or len(current) >= target):
                found.append(current)
                current = []
            while len(times) > most:  # an hour of more than `most` times: slots under 3 minutes
                found.append(times[:most])
                times = times[most:]
            current += times
        found += [current] if current else []
    return found
