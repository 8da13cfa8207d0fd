"""API Gateway proxy events (HTTP API payload 2.0, REST API 1.0, function URLs) to a webhook request."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from aiflow.deadline import monotonic_arrival
from aiflow.errors import InvalidEvent

__all__ = ["arrival_of_proxy_event", "request_from_proxy_event"]


def request_from_proxy_event(event: Mapping[str, Any]) -> tuple[bytes | str, dict[str, str]]:
    """The body (decoded from Base64 when API Gateway encoded it) and the headers of a proxy event."""
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        try:
            body = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidEvent("body is marked Base64 but is not") from None
    headers = {str(name): str(value) for name, value in (event.get("headers") or {}).items()}
    return body, headers


def arrival_of_proxy_event(event: Mapping[str, Any]) -> float:
    """When API Gateway received the request (``requestContext.timeEpoch``), in ``time.monotonic()`` time.

    The turn's deadline counts from there, so a cold start's init counts against it too. Without a usable
    stamp (a function URL's test event, a clock that disagrees) it is now.
    """
    context = event.get("requestContext")
    stamp = context.get("timeEpoch") if isinstance(context, Mapping) else None
    epoch = stamp / 1000 if isinstance(stamp, (int, float)) and not isinstance(stamp, bool) else None
    return monotonic_arrival(epoch)
