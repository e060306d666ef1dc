"""The waiting list: freed times offered to those waiting, first come first served.

(Placeholder interface: implemented with the reminders issue.)
"""

from __future__ import annotations

from bot.context import Deps


async def offer_free_times(deps: Deps) -> int:
    """Offer every free time that fits someone waiting; return how many offers were made.

    Called after anything that frees desk time (a cancellation, a lifted closure) and by a
    repeating job.
    """
    return 0
