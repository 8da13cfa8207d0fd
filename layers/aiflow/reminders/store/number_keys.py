"""Phone numbers in keys: a keyed hash, never the number.

Where the table must find something by a phone number (the callee's line ``LINE#``, the do-not-call entry
``OPTOUT#``, the ``by-callee`` index of a number's reminders), the key holds
:func:`number_hash`: HMAC-SHA256 of the number's digits-only E.164 form under a secret key, in hex. The
number itself stays only in the attributes a call needs (the reminder's ``to_phone_number``, the line's
copy of the reminder, the call's state). Without the key, a key tells nothing of its number; a plain hash
would not do that (phone numbers are few enough to hash them all).

The secret is an SSM SecureString (the template's ``NumberKeyParameterName``) that never changes: another
key would find none of the stored entries again (an opted-out number would be rung). The functions read it
once per execution environment through ``reminders.aws.secrets.SecureParameters.get_once`` and hand
:class:`NumberKeys` a function that returns it; this module reads nothing itself.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Callable

from aiflow import phone

__all__ = ["NO_NUMBER_KEYS", "NumberKeys", "NumberKeysMissing", "number_hash"]


class NumberKeysMissing(RuntimeError):
    """A repository without a number key was asked for a number's key."""


def number_hash(number: str, key: str) -> str:
    """The keyed hash of ``number`` (any form :func:`aiflow.phone.normalize` reads) under ``key``, in hex."""
    if not key:
        raise ValueError("the number key is empty")
    digest = hmac.new(key.encode(), phone.normalize(number).encode(), hashlib.sha256)
    return digest.hexdigest()


class NumberKeys:
    """The keyed hash of numbers under the secret ``key()`` returns (called on every hash: cache it there).

    Thread-safe: ``key()`` is called by one thread at a time, so that the import's threads read it once.
    """

    def __init__(self, key: Callable[[], str]) -> None:
        self._key = key
        self._lock = threading.Lock()

    @classmethod
    def of(cls, key: str) -> NumberKeys:
        """Keys under a key already in hand (the tests' and the local stack's)."""
        return cls(lambda: key)

    def __call__(self, number: str) -> str:
        with self._lock:
            key = self._key()
        return number_hash(number, key)


def _missing() -> str:
    raise NumberKeysMissing("this repository was made without number_keys: it cannot find anything by number")


NO_NUMBER_KEYS = NumberKeys(_missing)
