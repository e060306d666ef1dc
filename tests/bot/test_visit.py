from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.booking import Booking, Status
from bot.domain.visits import (
    UNDO_MINUTES,
    Action,
    actions,
    allowed,
    status_label,
    undo,
    undoable,
)

ROME = ZoneInfo("Europe/Rome")
START = datetime(2026, 11, 26, 10, 0, tzinfo=ROME)


def visit(status: Status, confirmed: datetime | None = None, **stamps: int) -> Booking:
    """A booking at START; `stamps` are step times in minutes after START."""
    moments = {name: START + timedelta(minutes=m) for name, m in stamps.items()}
    return Booking(1, "ABC234", None, "cie", "S01", START, START + timedelta(minutes=30), status,
                   "Mario", None, None, START - timedelta(days=1), confirmed=confirmed, **moments)


def test_the_steps_from_each_status() -> None:
    after = START + timedelta(minutes=5)
    assert actions(visit(Status.BOOKED), after, ROME) == [
        Action.ARRIVED, Action.START, Action.NO_SHOW]
    assert actions(visit(Status.CHECKED_IN), after, ROME) == [Action.START]
    assert actions(visit(Status.IN_SERVICE), after, ROME) == [Action.END]
    for done in (Status.SERVED, Status.NO_SHOW, Status.CANCELLED):
        assert actions(visit(done), after, ROME) == []


def test_no_show_waits_for_the_time_and_arrival_for_the_day() -> None:
    booked = visit(Status.BOOKED)
    assert not allowed(booked, Action.NO_SHOW, START - timedelta(seconds=1), ROME)
    assert allowed(booked, Action.NO_SHOW, START, ROME)
    assert not allowed(booked, Action.ARRIVED, START - timedelta(days=1), ROME)
    assert allowed(booked, Action.ARRIVED, START.replace(hour=0, minute=1), ROME)


def test_confirmed_from_a_reminder_reads_confirmed() -> None:
    assert status_label(visit(Status.BOOKED)) == "booked"
    assert status_label(visit(Status.BOOKED, confirmed=START)) == "confirmed"
    assert status_label(visit(Status.SERVED, confirmed=START)) == "served"
    assert visit(Status.SERVED).minutes_at_desk is None


def test_the_last_step_is_taken_back_to_where_it_came_from() -> None:
    arrived = visit(Status.CHECKED_IN, checked_in=100)
    assert (undo(arrived).source, undo(arrived).target) == (Status.CHECKED_IN, Status.BOOKED)
    started_directly = visit(Status.IN_SERVICE, started=100)
    assert undo(started_directly).target == Status.BOOKED
    started_after_arriving = visit(Status.IN_SERVICE, checked_in=50, started=100)
    assert undo(started_after_arriving).target == Status.CHECKED_IN
    assert undo(visit(Status.SERVED, started=50, served=100)).target == Status.IN_SERVICE
    assert undo(visit(Status.NO_SHOW, no_show=100)).column == "no_show_ts"
    assert undo(visit(Status.BOOKED)) is None
    assert undo(visit(Status.CANCELLED)) is None


def test_only_who_took_a_step_undoes_it_and_only_for_a_few_minutes() -> None:
    arrived = visit(Status.CHECKED_IN, checked_in=0)
    in_time = START + timedelta(minutes=UNDO_MINUTES)
    assert undoable(arrived, 7, 7, in_time) is not None
    assert undoable(arrived, 8, 7, in_time) is None
    assert undoable(arrived, 7, 7, in_time + timedelta(seconds=1)) is None


def test_a_no_show_waits_for_the_grace_period() -> None:
    booked = visit(Status.BOOKED)
    assert not allowed(booked, Action.NO_SHOW, START + timedelta(minutes=14), ROME, 15)
    assert allowed(booked, Action.NO_SHOW, START + timedelta(minutes=15), ROME, 15)
