"""The webhook's shared-secret check: sipgate sends the configured secret as ``X-API-TOKEN``."""

from __future__ import annotations

import hmac
from collections.abc import Mapping

__all__ = ["TOKEN_HEADER", "is_authorized"]

TOKEN_HEADER = "x-api-token"  # noqa: S105 - a header name, not a secret


def is_authorized(headers: Mapping[str, str] | None, expected_token: str | None) -> bool:
    """True if no secret is configured, or the request carries exactly that secret.

    Header names are matched case-insensitively (API Gateway lower-cases them) and the comparison is
    constant-time. A configured secret with a missing header fails: the check never fails open.
    """
    if not expected_token:
        return True
    if not headers:
        return False
    presented = next((value for name, value in headers.items() if name.lower() == TOKEN_HEADER), None)
    if not isinstance(presented, str):
        return False
    try:
        presented_bytes = presented.encode("utf-8")
    except UnicodeEncodeError:  # not text (a lone surrogate): no configured secret looks like that
        return False
    return hmac.compare_digest(presented_bytes, expected_token.encode("utf-8"))
