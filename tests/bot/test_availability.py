"""The pure booking rules: property tests on the sample office, and daylight-saving changes."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import load_office
from bot.domain.availability import (
    DayState,
    Taken,
    TakenOn,
    day_states,
    desks_free_at,
    free_slots,
    known,
)
from bot.domain.booking import Busy
from bot.domain.model import Closure, Interval, Office, Reminder, Service, local_datetime, to_ts

SAMPLE = load_office()
TZ = ZoneInfo("Europe/Rome")
assert SAMPLE.tz == TZ


@dataclass(frozen=True)
class Scene:
    service: Service
    day: date
    busy: list[Busy]
    """Other people's bookings and live holds: availability cannot tell them apart."""
    closures: list[Closure]
    now: datetime


@st.composite
def scenes(draw: st.DrawFn) -> Scene:
    """A service, a day around the booking window, taken stretches on and around it (on and off
    the slot grid), run-time closures of the office or of a desk, and the current instant."""
    now = draw(st.datetimes(datetime(2026, 1, 1), datetime(2027, 6, 30), timezones=st.just(UTC)))
    service = SAMPLE.services[draw(st.sampled_from(sorted(SAMPLE.services)))]
    today = now.astimezone(TZ).date()
    day = today + timedelta(days=draw(st.integers(-1, SAMPLE.rules.horizon_days + 1)))
    stretch = st.tuples(st.sampled_from(service.desks), st.sampled_from([0, 0, 0, -1, 1]),
                        st.integers(96, 210), st.integers(1, 24))  # 08:00-17:30, 5-120 minutes
    busy = [Busy(desk, start := to_ts(local_datetime(day + timedelta(days=shift), five * 5, TZ)),
                 start + length * 300)
            for desk, shift, five, length in draw(st.lists(stretch, max_size=16))]
    closure = st.tuples(st.integers(-3, 3), st.integers(0, 3),
                        st.none() | st.sampled_from(service.desks))
    closures = [Closure(day + timedelta(days=first), day + timedelta(days=first + length), desk)
                for first, length, desk in draw(st.lists(closure, max_size=2))]
    return Scene(service, day, busy, closures, now)


def expected_offer(scene: Scene) -> dict[int, str]:
    """Every start time and the first desk free for the whole service, found by checking every
    rule on every point of each desk's slot grid: the reference `free_slots` must match."""
    rules, service, day = SAMPLE.rules, scene.service, scene.day
    today = scene.now.astimezone(TZ).date()
    if not today <= day <= today + timedelta(days=rules.horizon_days):
        return {}
    earliest = to_ts(scene.now) + rules.min_notice_minutes * 60
    offer: dict[int, str] = {}
    for code in service.desks:
        if day in SAMPLE.holidays or any(
                c.covers(day, code) for c in (*SAMPLE.closures, *scene.closures)):
            continue
        for interval in SAMPLE.desks[code].hours_on(day):
            opens = to_ts(local_datetime(day, interval.start, TZ))
            closes = to_ts(local_datetime(day, interval.end, TZ))
            for start in range(opens, closes - service.duration * 60 + 1,
                               rules.slot_step_minutes * 60):
                end = start + service.duration * 60
                if start >= earliest and not any(
                        b.desk == code and b.start < end and start < b.end for b in scene.busy):
                    offer.setdefault(start, code)
    return dict(sorted(offer.items()))


def offered(scene: Scene, day: date | None = None) -> list:
    return free_slots(SAMPLE, scene.service, day or scene.day, known(scene.busy), scene.closures,
                      scene.now)


@settings(max_examples=300, deadline=None)
@given(scenes())
def test_no_offered_time_breaks_a_rule(scene: Scene) -> None:
    slots = offered(scene)
    rules, length = SAMPLE.rules, scene.service.duration * 60
    today = scene.now.astimezone(TZ).date()
    for slot in slots:
        start, end = to_ts(slot.start), to_ts(slot.start) + length
        desk = SAMPLE.desks[slot.desk]
        assert slot.desk in scene.service.desks
        assert slot.start.astimezone(TZ).date() == scene.day
        assert today <= scene.day <= today + timedelta(days=rules.horizon_days)
        assert start >= to_ts(scene.now) + rules.min_notice_minutes * 60
        assert scene.day not in SAMPLE.holidays
        assert not any(c.covers(scene.day, desk.code)
                       for c in (*SAMPLE.closures, *scene.closures))
        assert any(to_ts(local_datetime(scene.day, i.start, TZ)) <= start
                   and end <= to_ts(local_datetime(scene.day, i.end, TZ))
                   for i in desk.hours_on(scene.day))
        assert not any(b.desk == desk.code and b.start < end and start < b.end
                       for b in scene.busy)
    assert {to_ts(slot.start): slot.desk for slot in slots} == expected_offer(scene)
    for slot in slots[:1] + slots[-1:]:
        assert desks_free_at(SAMPLE, scene.service, slot.start, known(scene.busy), scene.closures,
                             scene.now)[0] == slot.desk


@settings(max_examples=100, deadline=None)
@given(scenes())
def test_day_states_agree_with_free_slots(scene: Scene) -> None:
    days = [scene.day + timedelta(days=n) for n in range(-2, 5)]
    states = day_states(SAMPLE, scene.service, days, known(scene.busy), scene.closures, scene.now)
    assert list(states) == days
    for day in days:
        assert (states[day] is DayState.FREE) == bool(offered(scene, day))
        if day in SAMPLE.holidays or any(c.desk is None and c.covers(day)
                                         for c in (*SAMPLE.closures, *scene.closures)):
            assert states[day] is DayState.CLOSED



def reading(busy: list[Busy], asked: list[tuple[tuple[str, ...], date]]) -> TakenOn:
    """Taken stretches as the database gives them: only the desks and the day asked for (each
    question noted in `asked`)."""
    def taken_on(desks: Sequence[str], day: date) -> Taken:
        asked.append((tuple(desks), day))
        start = to_ts(local_datetime(day, 0, TZ))
        end = to_ts(local_datetime(day + timedelta(days=1), 0, TZ))
        return Taken(b for b in busy if b.desk in desks and b.start < end and start < b.end)
    return taken_on


@settings(max_examples=100, deadline=None)
@given(scenes())
def test_day_states_read_a_few_desks_at_a_time_agree_with_free_slots(scene: Scene) -> None:
    days = [scene.day + timedelta(days=n) for n in range(-2, 5)]
    asked: list[tuple[tuple[str, ...], date]] = []
    states = day_states(SAMPLE, scene.service, days, reading(scene.busy, asked), scene.closures,
                        scene.now)
    assert states == day_states(SAMPLE, scene.service, days, known(scene.busy), scene.closures,
                                scene.now)
    for day in days:
        assert (states[day] is DayState.FREE) == bool(offered(scene, day))
        read = [desk for desks, on in asked if on == day for desk in desks]
        assert len(read) == len(set(read))  # no desk read twice for a day


def test_a_day_is_free_from_its_first_desk_with_a_free_time_and_full_from_all() -> None:
    """cie is handled at six desks: the first three taken all Tuesday, the last three all
    Wednesday. Tuesday is found free once desks 1, 2-3 and 4-6 are read; Wednesday at desk 1
    alone; Thursday, all taken, is full once every desk is read, each once."""
    service, now = SAMPLE.services["cie"], datetime(2026, 12, 14, 8, 0, tzinfo=TZ)
    tuesday, wednesday, thursday = (date(2026, 12, 15) + timedelta(days=n) for n in range(3))

    def all_day(desks: Sequence[str], day: date) -> list[Busy]:
        return [Busy(desk, to_ts(local_datetime(day, 0, TZ)),
                     to_ts(local_datetime(day + timedelta(days=1), 0, TZ))) for desk in desks]

    desks = service.desks
    busy = [*all_day(desks[:3], tuesday), *all_day(desks[3:], wednesday),
            *all_day(desks, thursday)]
    asked: list[tuple[tuple[str, ...], date]] = []
    states = day_states(SAMPLE, service, [tuesday, wednesday, thursday], reading(busy, asked),
                        [], now)
    assert list(states.values()) == [DayState.FREE, DayState.FREE, DayState.FULL]
    assert asked == [(desks[:1], tuesday), (desks[1:3], tuesday), (desks[3:], tuesday),
                     (desks[:1], wednesday),
                     (desks[:1], thursday), (desks[1:3], thursday), (desks[3:], thursday)]

# Daylight saving in Europe/Rome, 2026: clocks go forward at 02:00 on Sunday 29 March and
# back at 03:00 on Sunday 25 October. The sample is closed on Sundays: desk S01 opens by exception.
SPRING, AUTUMN = date(2026, 3, 29), date(2026, 10, 25)
BEFORE = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
"""`now` for the spring change; for the autumn one, 210 days later (see `now_for`)."""


def sunday_opening(day: date, start: str, end: str) -> Office:
    def minutes(hhmm: str) -> int:
        return int(hhmm[:2]) * 60 + int(hhmm[3:])

    desk = replace(SAMPLE.desks["S01"], exceptions={day: (Interval(minutes(start), minutes(end)),)})
    return replace(SAMPLE, desks={**SAMPLE.desks, "S01": desk})


def now_for(day: date) -> datetime:
    return BEFORE if day < date(2026, 6, 1) else BEFORE + timedelta(days=210)


def clock_times(*hours: int) -> list[str]:
    return [f"{hour:02d}:{minute:02d}" for hour in hours for minute in range(0, 60, 10)]


@pytest.mark.parametrize(("day", "first_utc"), [
    (SPRING - timedelta(days=1), "07:30"), (SPRING, "06:30"),
    (AUTUMN - timedelta(days=1), "06:30"), (AUTUMN, "07:30"),
])
def test_office_hours_on_either_side_of_a_change(day: date, first_utc: str) -> None:
    """08:30 on the clock, every day: 07:30 UTC in winter time, 06:30 UTC in summer time."""
    office = sunday_opening(day, "08:30", "10:00") if day.weekday() == 6 else SAMPLE
    slots = free_slots(office, office.services["cie_ritiro"], day, known([]), [], now_for(day))
    assert slots[0].start.strftime("%H:%M") == "08:30"
    assert slots[0].start.astimezone(UTC).strftime("%H:%M") == first_utc
    assert [s.start.strftime("%H:%M") for s in slots if s.start.hour < 10] == clock_times(8, 9)[3:]


@pytest.mark.parametrize(("day", "times"), [
    (SPRING, clock_times(1, 3)),  # 02:00-02:59 does not exist
    (AUTUMN, clock_times(1, 2, 2, 3)),  # 02:00-02:59 happens twice
])
def test_slots_through_the_night_of_the_change(day: date, times: list[str]) -> None:
    office = sunday_opening(day, "01:00", "04:00")
    slots = free_slots(office, office.services["cie_ritiro"], day, known([]), [], now_for(day))
    assert [slot.start.strftime("%H:%M") for slot in slots] == times
    starts = [to_ts(slot.start) for slot in slots]
    assert all(later - earlier == 600 for earlier, later in itertools.pairwise(starts))
    states = day_states(office, office.services["cie_ritiro"], [day - timedelta(days=7), day],
                        known([]), [], now_for(day))
    assert list(states.values()) == [DayState.CLOSED, DayState.FREE]


def test_a_booking_across_the_spring_gap_lasts_its_real_length() -> None:
    office = sunday_opening(SPRING, "01:00", "04:00")
    taken = local_datetime(SPRING, 110, TZ)  # 01:50 CET: 30 minutes take it to 03:20 CEST
    busy = [Busy("S01", to_ts(taken), to_ts(taken) + 1800)]
    slots = free_slots(office, office.services["cie_ritiro"], SPRING, known(busy), [], BEFORE)
    assert [slot.start.strftime("%H:%M") for slot in slots] == [
        *clock_times(1)[:5], "03:20", "03:30", "03:40", "03:50"]


@pytest.mark.parametrize("zone", [UTC, TZ])
@pytest.mark.parametrize(("start", "due_on_the_clock"), [
    (datetime(2026, 3, 29, 9, 0, tzinfo=TZ), "2026-03-28 08:00+01:00"),
    (datetime(2026, 10, 25, 9, 0, tzinfo=TZ), "2026-10-24 10:00+02:00"),
])
def test_24_hours_before_is_24_real_hours(start: datetime, due_on_the_clock: str,
                                          zone: ZoneInfo) -> None:
    due = Reminder(hours_before=24).due(start.astimezone(zone), TZ)
    assert to_ts(start) - to_ts(due) == 24 * 3600
    assert due.astimezone(TZ).isoformat(" ", "minutes") == due_on_the_clock


@pytest.mark.parametrize(("start", "due_utc"), [
    (datetime(2026, 3, 29, 9, 0, tzinfo=TZ), datetime(2026, 3, 28, 17, 0, tzinfo=UTC)),
    (datetime(2026, 3, 30, 9, 0, tzinfo=TZ), datetime(2026, 3, 29, 16, 0, tzinfo=UTC)),
    (datetime(2026, 10, 25, 9, 0, tzinfo=TZ), datetime(2026, 10, 24, 16, 0, tzinfo=UTC)),
    (datetime(2026, 10, 26, 9, 0, tzinfo=TZ), datetime(2026, 10, 25, 17, 0, tzinfo=UTC)),
])
def test_the_day_before_at_18_is_on_the_local_clock(start: datetime, due_utc: datetime) -> None:
    for zone in (UTC, TZ):
        due = Reminder(days_before=1, at=18 * 60).due(start.astimezone(zone), TZ)
        assert due == due_utc
        assert due.astimezone(TZ).strftime("%H:%M") == "18:00"
