"""/stats as a PNG chart, when matplotlib is installed (the optional `charts` extra)."""

from __future__ import annotations

import importlib.util
import io

from bot.domain.model import Office
from bot.domain.statistics import Stats
from bot.i18n import Translator


def available() -> bool:
    return importlib.util.find_spec("matplotlib") is not None


def stats_chart(stats: Stats, office: Office, t: Translator) -> bytes:
    """Visits and no-shows per day; measured (median) against configured service times.

    Draws on a bare `Figure`, without pyplot's global state, so it is safe in a worker thread.
    """
    from matplotlib.figure import Figure  # imported here: an optional dependency

    figure = Figure(figsize=(10, 9), dpi=100, layout="constrained")
    per_day, per_service = figure.subplots(2, 1)
    days = [item.day for item in stats.days]
    per_day.bar(days, [item.visits for item in stats.days], color="#4c78a8",
                label=t.plain.gettext("visits booked"))
    per_day.bar(days, [item.no_shows for item in stats.days], color="#e45756",
                label=t.plain.gettext("no-shows"))
    per_day.set_title(t.plain.gettext("Visits and no-shows per day"))
    per_day.legend()
    per_day.tick_params(axis="x", labelrotation=45)

    timed = [item for item in stats.services if item.median is not None]
    names = [office.services[item.service].name.get(t.lang)[:30] for item in timed]
    rows = range(len(timed))
    per_service.barh([r + 0.2 for r in rows], [item.configured for item in timed], height=0.4,
                     color="#bab0ac", label=t.plain.gettext("configured"))
    per_service.barh([r - 0.2 for r in rows], [item.median or 0 for item in timed], height=0.4,
                     color="#54a24b", label=t.plain.gettext("measured (median)"))
    per_service.set_yticks(list(rows), names)
    per_service.set_xlabel(t.plain.gettext("minutes"))
    per_service.set_title(t.plain.gettext("Service time at the desk"))
    per_service.legend()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
