"""Hand-made visits for the pure tests of the period's figures, and the figures of a period
computed from them as /stats computes them from the database."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime

from bot.domain.arguments import Period
from bot.domain.booking import Channel, Status
from bot.domain.model import Office, to_ts
from bot.domain.statistics import LEAD_STEP, Facts, Stats, Tally, compute, suggestions
from bot.domain.waiting import VisitTimes
from tests.conftest import ROME

MINUTE = 60


def at(day: date, hour: int, minute: int = 0) -> int:
    """`hour`:00 on `day` in the office's time, plus `minute` minutes (any number)."""
    return to_ts(datetime(day.year, day.month, day.day, hour, tzinfo=ROME)) + minute * MINUTE


def visit(booked: int, *, arrived: int | None = None, started: int | None = None,
          ended: int | None = None, channel: Channel = Channel.CHAT,
          status: Status | None = None, service: str = "certificati", desk: str = "S07",
          minutes: int = 10, created: int | None = None) -> VisitTimes:
    """A visit booked at `booked` for `minutes`; its status follows the steps given."""
    if status is None:
        status = (Status.SERVED if ended is not None else Status.IN_SERVICE if started is not None
                  else Status.CHECKED_IN if arrived is not None else Status.BOOKED)
    return VisitTimes(service, desk, channel, status, booked, booked + minutes * MINUTE,
                      booked - 86400 if created is None else created, arrived, started, ended)


def stats_of(visits: Sequence[VisitTimes], office: Office, period: Period, *, made: int = 0,
             cancelled: int = 0, chunks: int = 1) -> Stats:
    """The figures of `visits`, read in booked order in `chunks` chunks."""
    ordered = sorted(visits, key=lambda item: item.booked)
    facts = facts_of(ordered, office, made=made, cancelled=cancelled)
    tally = Tally(office, period, suggestions(facts, office))
    size = -(-len(ordered) // chunks) or 1
    for first in range(0, len(ordered), size):
        tally.add(ordered[first:first + size])
    return compute(facts, office, period, tally.result())


def facts_of(visits: Sequence[VisitTimes], office: Office, *, made: int = 0, cancelled: int = 0,
             moved: int = 0) -> Facts:
    """What the database adds up for /stats (storage/stats.py), added up here one visit at a
    time (the cancelled ones left out, as there)."""
    days: Counter[date] = Counter()
    no_shows: Counter[date] = Counter()
    statuses: Counter[str] = Counter()
    leads: Counter[int] = Counter()
    timed: dict[str, Counter[int]] = {}
    for v in visits:
        if v.status == Status.CANCELLED:
            continue
        day = datetime.fromtimestamp(v.booked, office.tz).date()
        days[day] += 1
        no_shows[day] += v.status == Status.NO_SHOW
        statuses[v.status] += 1
        leads[max(0, v.booked - v.created) // LEAD_STEP] += 1
        if v.started is not None and v.ended is not None:
            timed.setdefault(v.service, Counter())[v.ended - v.started] += 1
    return Facts(made, cancelled, moved, {day: (days[day], no_shows[day]) for day in days},
                 dict(statuses), dict(leads), {code: dict(c) for code, c in timed.items()})
