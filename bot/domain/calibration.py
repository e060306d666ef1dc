"""Service durations recalibrated from the measured visits (/calibrate), applied to the office."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace

from bot.domain.model import Office

MAX_MINUTES = 240
log = logging.getLogger(__name__)


def valid_minutes(office: Office, minutes: int) -> bool:
    step = office.rules.slot_step_minutes
    return 0 < minutes <= MAX_MINUTES and minutes % step == 0


def with_durations(office: Office, durations: Mapping[str, int]) -> Office:
    """The office with these services' durations; one no longer configured, or no longer on the
    slot grid, is left as the file says (and logged)."""
    services = dict(office.services)
    for code, minutes in durations.items():
        if code not in services or not valid_minutes(office, minutes):
            log.warning("calibration %s = %s min ignored: no such service, or off the slot grid",
                        code, minutes)
            continue
        services[code] = replace(services[code], duration=minutes)
    return replace(office, services=services)
