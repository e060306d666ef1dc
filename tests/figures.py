"""Hand-made visits for the pure tests of the period's figures, and the figures of a period
computed from them as /stats computes them from the database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from bot.domain.arguments import Period
from bot.domain.model import Channel, Office, Status, to_ts
from bot.domain.statistics import Facts, Stats, Tally, compute, suggestions
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
    facts = Facts(made, cancelled, [(v.service, v.status, v.booked, v.created, v.started, v.ended)
                                    for v in ordered])
    tally = Tally(office, period, suggestions(facts, office))
    size = -(-len(ordered) // chunks) or 1
    for first in range(0, len(ordered), size):
        tally.add(ordered[first:first + size])
    return compute(facts, office, period, tally.result())
