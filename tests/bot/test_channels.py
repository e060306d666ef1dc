"""How citizens booked (bot/domain/channels.py): visits by channel, the online share, its trend
week by week or month by month, against the target."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.booking import Channel, Status
from bot.domain.channels import ChannelTally, Unit, stretches
from bot.domain.waiting import VisitTimes
from tests.conftest import ROME
from tests.figures import at, visit

ONLINE, OFFLINE = (Channel.CHAT, Channel.WAITLIST), (Channel.PHONE, Channel.DESK)


def tally(first: date, last: date, visits: list[VisitTimes],
          target: float | None = None) -> ChannelTally:
    found = ChannelTally(first, last, ROME, target)
    found.add(visits)
    return found


def test_weeks_start_on_monday_and_months_on_the_first() -> None:
    assert stretches(date(2026, 11, 4), date(2026, 11, 20)) == [
        date(2026, 11, 4), date(2026, 11, 9), date(2026, 11, 16)]
    assert stretches(date(2026, 11, 9), date(2026, 11, 9)) == [date(2026, 11, 9)]
    year = stretches(date(2025, 11, 27), date(2026, 11, 26))
    assert len(year) == 13
    assert year[:3] == [date(2025, 11, 27), date(2025, 12, 1), date(2026, 1, 1)]
    assert year[-1] == date(2026, 11, 1)


def test_visits_by_channel_leave_no_shows_out() -> None:
    day = date(2026, 11, 25)
    visits = [visit(at(day, 9), channel=Channel.CHAT), visit(at(day, 9), channel=Channel.CHAT),
              visit(at(day, 10), channel=Channel.WAITLIST),
              visit(at(day, 11), channel=Channel.PHONE, status=Status.SERVED),
              visit(at(day, 12), channel=Channel.DESK, status=Status.CHECKED_IN),
              visit(at(day, 12), channel=Channel.CHAT, status=Status.NO_SHOW)]
    channels = tally(day, day, visits, target=0.8).result()
    assert dict(channels.period.visits) == {Channel.CHAT: 2, Channel.PHONE: 1, Channel.DESK: 1,
                                            Channel.WAITLIST: 1}
    assert (channels.period.total, channels.period.online) == (5, 3)
    assert channels.period.online_share == 0.6
    assert channels.target == 0.8
    assert channels.slope is None  # one day: no trend


def test_a_rising_share_week_by_week_across_the_change_of_time() -> None:
    """Four weeks around 25 October 2026 (the clocks go back): 25%, 50%, 75%, 100% online."""
    mondays = [date(2026, 10, 12), date(2026, 10, 19), date(2026, 10, 26), date(2026, 11, 2)]
    visits = []
    for week, monday in enumerate(mondays):
        for n in range(4):
            visits.append(visit(at(monday, 0, 5 + n), channel=ONLINE[n % 2] if n <= week
                                else OFFLINE[n % 2]))
    visits.append(visit(at(date(2026, 10, 25), 23, 30), channel=Channel.PHONE))  # last Sunday
    channels = tally(mondays[0], date(2026, 11, 8), visits).result()
    assert channels.unit is Unit.WEEK
    assert [(item.first, item.total, item.online) for item in channels.trend] == [
        (mondays[0], 4, 1), (mondays[1], 5, 2), (mondays[2], 4, 3), (mondays[3], 4, 4)]
    assert channels.slope is not None
    assert channels.slope == pytest.approx(0.25, abs=0.03)


def test_a_falling_share_month_by_month_weighs_each_month_by_its_visits() -> None:
    first, last = date(2026, 1, 15), date(2026, 6, 30)
    visits = [visit(at(date(2026, 1, 20), 9), channel=Channel.PHONE)]  # a stub month: 0%
    for month, online in ((2, 9), (3, 8), (4, 7), (5, 6), (6, 5)):
        visits += [visit(at(date(2026, month, 2 + n), 9),
                         channel=Channel.CHAT if n < online else Channel.DESK) for n in range(10)]
    channels = tally(first, last, visits).result()
    assert channels.unit is Unit.MONTH
    assert [item.online_share for item in channels.trend] == [0.0, 0.9, 0.8, 0.7, 0.6, 0.5]
    assert channels.slope is not None
    assert -0.1 < channels.slope < -0.05  # the single January visit hardly pulls it


def test_stretches_without_visits_have_no_share_and_no_weight() -> None:
    first, last = date(2026, 11, 2), date(2026, 11, 22)
    visits = [visit(at(first, 9), channel=Channel.CHAT),
              visit(at(date(2026, 11, 16), 9), channel=Channel.PHONE)]
    channels = tally(first, last, visits).result()
    assert [item.online_share for item in channels.trend] == [1.0, None, 0.0]
    assert channels.slope == pytest.approx(-0.5)
