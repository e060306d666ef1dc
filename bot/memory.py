"""Python's garbage collector, set for a bot that runs for months rather than a script.

With Python's defaults, the Saturday rush (bench/bench_rush.py) spent 6 % of its CPU collecting,
in pauses of up to 200 ms: a full collection walks every object in the process, the whole
application's included, and a young one comes every 700 objects allocated, a few times per
update. Those pauses were what pushed the slowest answers past a second.
"""

from __future__ import annotations

import gc

YOUNG = 20_000
"""Objects allocated (net of those freed) between two young collections; Python's default is
700. An update allocates thousands, and reference counting frees almost all of them at once:
the collector is only needed for the few that form cycles."""


def settle() -> None:
    """Once the application is built and prepared, before the first update. What exists then
    lives as long as the process (the office, the catalogues, python-telegram-bot's objects),
    so it is moved where no collection walks it again (`gc.freeze`), after a collection so that
    no garbage is kept with it; and young collections come less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG, *gc.get_threshold()[1:])
