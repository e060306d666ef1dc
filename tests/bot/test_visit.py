from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.model import Booking, Status
from bot.domain.visits import Action, actions, allowed, status_label

ROME = ZoneInfo("Europe/Rome")
START = datetime(2026, 11, 26, 10, 0, tzinfo=ROME)


def visit(status: Status, confirmed: datetime | None = None) -> Booking:
    return Booking(1, "ABC234", None, "cie", "S01", START, START + timedelta(minutes=30), status,
                   "Mario", None, None, START - timedelta(days=1), confirmed=confirmed)


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
