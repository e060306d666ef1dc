"""A caller's phone number, asked by /add for a booking the bot cannot notify: Italian (with or
without +39) or international (with + or 00 and the country code), checked with `phonenumbers`
and kept in one form, the international one an operator dials: "+39 333 123 4567"."""

from __future__ import annotations

import phonenumbers

PHONE_LIMIT = 40
"""Longer than any number written with spaces and dashes: refused without parsing."""
HOME_REGION = "IT"


def read_phone(text: str) -> str | None:
    """The number in its international form, or None when it is no valid number."""
    if len(text) > PHONE_LIMIT:
        return None
    try:
        number = phonenumbers.parse(text, HOME_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
