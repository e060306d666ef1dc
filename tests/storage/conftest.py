"""Fixtures for the storage tests: a booking request for the sample office."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.domain.model import Office, from_ts
from storage.bookings import Request

MakeRequest = Callable[..., Request]


@pytest.fixture
def make_request(office: Office) -> MakeRequest:
    """`make_request("cie", start_ts, user_id=2, ...)`: a Request for the service's duration,
    at all its desks unless `desks` is given."""

    def make(service: str, start: int, **fields: Any) -> Request:
        duration = office.services[service].duration
        values: dict[str, Any] = {
            "user_id": 1, "service": service, "desks": office.services[service].desks,
            "start": start, "end": start + duration * 60,
            "day": from_ts(start, office.tz).date(),
            "name": "Mario Rossi", "codice_fiscale": None, "note": None,
        }
        return Request(**(values | fields))

    return make
