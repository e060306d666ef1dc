"""Every button family: what is encoded decodes to the same values, fits Telegram's 64 bytes,
and anything else decodes to None."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.visits import Action
from handlers import callbacks
from handlers import staff_callbacks as staff
from handlers.callbacks import BookAction, Erasure, MyAction

CODES = st.from_regex(callbacks.CODE, fullmatch=True)
IDS = st.integers(0, 10**12 - 1)
DAYS = st.dates(date(2000, 1, 1), date(2200, 12, 31))
NONCES = st.from_regex(callbacks.NONCE, fullmatch=True)


def fits(data: str) -> str:
    assert len(data.encode()) <= callbacks.MAX_BYTES
    return data


@given(NONCES, st.sampled_from(BookAction), st.one_of(st.just(""), CODES))
def test_book(nonce: str, action: BookAction, arg: str) -> None:
    assert callbacks.read_book(fits(callbacks.book(nonce, action, arg))) == (nonce, action, arg)


@given(st.sampled_from(MyAction), IDS)
def test_my_booking(action: MyAction, booking_id: int) -> None:
    data = fits(callbacks.my_booking(action, booking_id))
    assert callbacks.read_my_booking(data) == (action, booking_id)


@given(st.sampled_from([callbacks.I_WILL_BE_THERE, callbacks.WAITLIST_LEAVE, callbacks.OFFER_TAKE,
                        callbacks.OFFER_DECLINE, staff.VISIT_CANCEL, staff.CLOSURE_LIFT,
                        staff.VISIT_CANCEL_YES]), IDS)
def test_one_id(family: callbacks.Family, value: int) -> None:
    assert callbacks.read_id(family, fits(callbacks.with_id(family, value))) == value


@given(st.integers(1, 10**15 - 1))
def test_operator_remove(user_id: int) -> None:
    data = fits(callbacks.with_id(staff.OPERATOR_REMOVE, user_id))
    assert callbacks.read_id(staff.OPERATOR_REMOVE, data, callbacks.USER_DIGITS) == user_id


@given(DAYS, st.one_of(st.none(), CODES), st.integers(0, 9999))
def test_agenda(day: date, desk: str | None, page: int) -> None:
    assert staff.read_agenda(fits(staff.agenda(day, desk, page))) == (day, desk, page)


@given(CODES, DAYS, st.integers(0, 10**10 - 1), NONCES)
def test_add(service: str, day: date, start: int, nonce: str) -> None:
    assert staff.read_add_service(fits(staff.add_service(service))) == service
    assert staff.read_add_day(fits(staff.add_day(service, day))) == (service, day)
    assert staff.read_add_time(fits(staff.add_time(service, start))) == (service, start)
    page = start % 1000
    assert staff.read_add_days(fits(staff.add_days(service, page))) == (service, page)
    for family in (staff.ADD_NO_NOTE, staff.ADD_BACK, staff.CLOSE_CONFIRM):
        assert staff.read_nonce(family, fits(staff.with_nonce(family, nonce))) == nonce
    for family in (staff.ADD_CONFIRM, staff.ADD_ANYWAY):
        for channel in staff.ADD_CHANNELS:
            data = fits(staff.add_booking(family, nonce, channel))
            assert staff.read_add_booking(family, data) == (nonce, channel)


@given(NONCES, st.from_regex(callbacks.MARK, fullmatch=True))
def test_both_right(nonce: str, mark: str) -> None:
    assert staff.read_both_right(fits(staff.both_right(nonce, mark))) == (nonce, mark)


@pytest.mark.parametrize("forged", [
    "op:a:cfok:abcd", "op:a:cfok:abcd:RSSMRA85T10A390L", "op:a:cfok:abcd:0123456",
    "op:a:cfok:ABCD:01234567", "op:a:cfok:abcd:01234567:x", "op:a:cfok:abcd:0123456G",
])
def test_both_right_refuses_anything_else(forged: str) -> None:
    assert staff.read_both_right(forged) is None


@given(CODES, DAYS, st.sampled_from(Action), IDS)
def test_the_rest(code: str, day: date, action: Action, booking_id: int) -> None:
    assert staff.read_desk_chooser(fits(staff.desk_chooser(day))) == day
    assert staff.read_desk(fits(staff.desk(code))) == code
    data = fits(staff.visit_step(action, booking_id))
    assert staff.read_visit_step(data) == (action, booking_id)
    for choice in Erasure:
        assert callbacks.read_privacy(callbacks.privacy(choice)) is choice


@pytest.mark.parametrize("data", [
    "", "b:", "b:abcd", "b:ABCD:cat", "b:abcd:zap", "b:abcd:cat:x:y", "b:abcd:cat:" + "x" * 25,
    "my:c:", "my:c:-1", "my:c:١٢", "my:c:" + "9" * 13, "my:z:1", "my:c:1:2", "rm:ok:1 ",
    "op:ag:20261340:*:0", "op:ag:00010101:*:0", "op:ag:20261126:S 1:0", "op:ag:20261126:*:",
    "op:v:zap:1", "op:v:in:²", "op:a:t:cie:" + "9" * 11, "op:a:d:cie:2026112", "op:a:ok:ABCDEFGH",
    "op:a:ok:", "op:a:ok:abcd", "op:a:ok:abcd:chat", "op:a:ok:abcd:waitlist", "op:a:ok:abcd:desk:",
    "op:a:p:cie", "op:a:p:cie:1000", "op:a:p:cie:-1", "op:a:back:", "op:a:back:ABCD",
    "op:a:both:abcd", "op:a:both:ABCD:phone", "op:c:ok", "b:abcd:span:7:7", "b:abcd:part:²",
    "pv:zzz", "lang:xx", "x" * 65,
    "op:rm:" + "9" * 16,
])
def test_malformed_data_decodes_to_nothing(data: str) -> None:
    readers = [
        callbacks.read_book, callbacks.read_my_booking, staff.read_agenda,
        staff.read_desk_chooser, staff.read_desk, staff.read_visit_step,
        staff.read_add_service, staff.read_add_day, staff.read_add_time,
        staff.read_add_days, lambda d: staff.read_nonce(staff.ADD_BACK, d),
        callbacks.read_privacy,
        lambda d: callbacks.read_language(d, ("it", "en")),
        lambda d: callbacks.read_id(callbacks.I_WILL_BE_THERE, d),
        lambda d: callbacks.read_id(staff.OPERATOR_REMOVE, d, callbacks.USER_DIGITS),
        lambda d: callbacks.read_id(staff.CLOSURE_LIFT, d),
        lambda d: staff.read_add_booking(staff.ADD_CONFIRM, d),
        lambda d: staff.read_add_booking(staff.ADD_ANYWAY, d),
        lambda d: staff.read_nonce(staff.CLOSE_CONFIRM, d),
    ]
    assert [read(data) for read in readers] == [None] * len(readers)


def test_data_over_64_bytes_is_never_written() -> None:
    with pytest.raises(ValueError, match="over 64 bytes"):
        staff.add_day("x" * 60, date(2026, 11, 26))
