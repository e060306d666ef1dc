"""/stats as a PNG chart, when matplotlib is installed (the optional `charts` extra)."""

from __future__ import annotations

import importlib.util
import io
from typing import TYPE_CHECKING

from bot.domain.channels import Unit
from bot.domain.model import Office
from bot.domain.statistics import Stats
from bot.i18n import Translator

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def available() -> bool:
    return importlib.util.find_spec("matplotlib") is not None


def stats_chart(stats: Stats, office: Office, t: Translator) -> bytes:
    """Visits and no-shows per day; the wait of booked visits per day; the online share per week
    (or month) against the target; measured (median) against configured service times.

    Draws on a bare `Figure`, without pyplot's global state, so it is safe in a worker thread.
    """
    from matplotlib.figure import Figure  # imported here: an optional dependency

    figure = Figure(figsize=(10, 17), dpi=100, layout="constrained")
    per_day, waits, online, per_service = figure.subplots(4, 1)
    days = [item.day for item in stats.days]
    per_day.bar(days, [item.visits for item in stats.days], color="#4c78a8",
                label=t.plain.gettext("visits booked"))
    per_day.bar(days, [item.no_shows for item in stats.days], color="#e45756",
                label=t.plain.gettext("no-shows"))
    per_day.set_title(t.plain.gettext("Visits and no-shows per day"))
    per_day.legend()
    per_day.tick_params(axis="x", labelrotation=45)

    _waits(waits, stats, t)
    _online(online, stats, t)

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


def _waits(axes: Axes, stats: Stats, t: Translator) -> None:
    import numpy  # installed with matplotlib
    measured = [(day, spread) for day, spread in stats.waiting.days if spread.count]
    days = numpy.array([day for day, _ in measured], dtype="datetime64[D]")
    axes.plot(days, [spread.median or 0.0 for _, spread in measured], marker="o",
              color="#4c78a8", label=t.plain.gettext("median"))
    axes.plot(days, [spread.p90 or 0.0 for _, spread in measured], marker=".", color="#f58518",
              label=t.plain.gettext("90th percentile"))
    axes.axhline(stats.waiting.zero_wait_minutes, color="#54a24b", linestyle="--",
                 label=t.plain.gettext("zero wait"))
    axes.set_ylabel(t.plain.gettext("minutes"))
    axes.set_title(t.plain.gettext("Waiting of booked visits per day"))
    axes.legend()
    axes.tick_params(axis="x", labelrotation=45)


def _online(axes: Axes, stats: Stats, t: Translator) -> None:
    channels = stats.channels
    trend = [item for item in channels.trend if item.online_share is not None]
    axes.bar([item.first.isoformat() for item in trend],
             [100 * (item.online_share or 0) for item in trend], color="#72b7b2",
             label=t.plain.gettext("booked online"))
    if channels.target is not None:
        axes.axhline(100 * channels.target, color="#e45756", linestyle="--",
                     label=t.plain.gettext("target"))
    axes.set_ylim(0, 100)
    axes.set_ylabel("%")
    axes.set_title(t.plain.gettext("Share booked online per week") if channels.unit is Unit.WEEK
                   else t.plain.gettext("Share booked online per month"))
    axes.legend()
    axes.tick_params(axis="x", labelrotation=45)
