"""API Gateway proxy events (HTTP API payload 2.0, REST API 1.0, function URLs) to a webhook request."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from aiflow.errors import InvalidEvent

__all__ = ["request_from_proxy_event"]


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
