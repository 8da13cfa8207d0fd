"""Phone numbers as AI Flow sends and expects them.

sipgate sends numbers as ``+4915...`` or as digits only ``4915...``; newer docs want digits-only E.164
for ``transfer``, ``send_sms`` and outbound calls, older ones show ``+``. Everything in this package
goes through :func:`normalize`: it accepts ``+4915...``, ``004915...`` and ``4915...`` (national
``015...`` only with an explicit ``default_country``) and gives digits-only E.164, or ``+`` E.164 with
``plus=True``.
"""

from __future__ import annotations

import re

__all__ = ["InvalidPhoneNumber", "mask", "normalize"]

_SEPARATORS = re.compile(r"[\s\-()./]")
_MIN_DIGITS = 7  # shortest real E.164 numbers (small countries) have 7 or 8 digits
_MAX_DIGITS = 15  # E.164's limit, country code included


class InvalidPhoneNumber(ValueError):
    """A string that is not a phone number this package can dial."""


def normalize(number: str, *, default_country: str | None = None, plus: bool = False) -> str:
    """Return ``number`` as E.164: digits only (``4915790000687``), or with ``+`` when ``plus``.

    ``default_country`` is a calling code such as ``"49"``; without it a national number (one
    leading ``0``) is rejected, because guessing the country dials strangers.
    """
    if not isinstance(number, str):
        raise InvalidPhoneNumber(f"phone number must be a string, got {type(number).__name__}")
    # "+49 (0)157 ..." marks the trunk 0 that is dialled only nationally: drop it, never dial it.
    compact = _SEPARATORS.sub("", number.strip().replace("(0)", ""))
    if compact.startswith("+"):
        digits = compact[1:]
    elif compact.startswith("00"):
        digits = compact[2:]
    elif compact.startswith("0"):
        if default_country is None:
            raise InvalidPhoneNumber(
                f"{mask(number)!r} is a national number: give it with its country code or pass default_country"
            )
        if not default_country.isdigit():
            raise InvalidPhoneNumber(f"default_country must be a calling code such as '49', got {default_country!r}")
        digits = default_country + compact[1:]
    else:
        digits = compact
    if not digits.isascii() or not digits.isdigit():
        raise InvalidPhoneNumber(f"{mask(number)!r} is not a phone number: only digits, '+' and separators allowed")
    if digits.startswith("0"):
        raise InvalidPhoneNumber(f"{mask(number)!r} has no country code")
    if not _MIN_DIGITS <= len(digits) <= _MAX_DIGITS:
        raise InvalidPhoneNumber(
            f"{mask(number)!r} has {len(digits)} digits; E.164 numbers have {_MIN_DIGITS} to {_MAX_DIGITS}"
        )
    return f"+{digits}" if plus else digits


def mask(number: str | None) -> str:
    """A number fit for logs: the country and network prefix and the last two digits, the rest hidden."""
    if not number:
        return ""
    visible_head, visible_tail = 5, 2
    if len(number) <= visible_head + visible_tail:
        return "*" * len(number)
    hidden = len(number) - visible_head - visible_tail
    return number[:visible_head] + "*" * hidden + number[-visible_tail:]
