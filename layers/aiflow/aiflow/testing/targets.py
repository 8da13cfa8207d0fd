"""Where the call simulator delivers its events: an assistant in this process, a Lambda handler, or a URL.

A target takes one webhook request as sipgate sends it (a JSON body and its headers) and returns the
webhook's answer. :class:`LambdaTarget` wraps the request the way API Gateway's HTTP API does (payload
format 2.0) and passes a stand-in Lambda context, so a deployed handler can be driven unchanged; its
helpers :func:`http_api_event` and :class:`FakeLambdaContext` serve tests that call a handler directly.
"""

from __future__ import annotations

import base64
import binascii
import http.client
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple, Protocol

from aiflow.assistant import AiFlowAssistant
from aiflow.testing.errors import SimulatorError

__all__ = [
    "AssistantTarget",
    "FakeLambdaContext",
    "HttpTarget",
    "LambdaTarget",
    "Reply",
    "Target",
    "http_api_event",
]

# Placeholders with the shape of the real thing: AWS's documentation account, sipgate's home region and
# an address from TEST-NET-3, so nobody mistakes them for a live resource.
_AWS_ACCOUNT = "123456789012"
_AWS_REGION = "eu-central-1"
_API_ID = "simulator"
_SOURCE_IP = "203.0.113.10"
_USER_AGENT = "aiflow-call-simulator"


class Reply(NamedTuple):
    """The webhook's answer: HTTP status and body text."""

    status_code: int
    body: str


class Target(Protocol):
    """Anything that answers a webhook request: the simulator's only view of the assistant under test."""

    def send(self, body: str, headers: Mapping[str, str]) -> Reply: ...


class AssistantTarget:
    """An :class:`AiFlowAssistant` in this process, called through :meth:`AiFlowAssistant.handle`."""

    def __init__(self, assistant: AiFlowAssistant) -> None:
        self.assistant = assistant

    def send(self, body: str, headers: Mapping[str, str]) -> Reply:
        response = self.assistant.handle(body, headers)
        return Reply(response.status_code, response.body)


@dataclass
class FakeLambdaContext:
    """The attributes of the Lambda context object that handlers and Powertools read, with a real clock."""

    function_name: str = "aiflow-webhook"
    memory_limit_in_mb: int = 256
    timeout_seconds: float = 10.0
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    invoked_function_arn: str = field(init=False)
    log_group_name: str = field(init=False)
    log_stream_name: str = field(init=False)
    _deadline: float = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.invoked_function_arn = f"arn:aws:lambda:{_AWS_REGION}:{_AWS_ACCOUNT}:function:{self.function_name}"
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = f"{datetime.now(UTC):%Y/%m/%d}/[{self.function_version}]{uuid.uuid4().hex}"
        self._deadline = time.monotonic() + self.timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def http_api_event(
    body: str, headers: Mapping[str, str], *, path: str = "/webhook", method: str = "POST"
) -> dict[str, Any]:
    """A request as API Gateway's HTTP API hands it to Lambda (payload format 2.0).

    Header names are lower-cased, as API Gateway does; the handler must find ``x-api-token`` anyway.
    """
    now = datetime.now(UTC)
    domain = f"{_API_ID}.execute-api.{_AWS_REGION}.amazonaws.com"
    wire_headers = {
        "content-length": str(len(body.encode("utf-8"))),
        "host": domain,
        "user-agent": _USER_AGENT,
        "x-amzn-trace-id": f"Root=1-{int(now.timestamp()):08x}-{uuid.uuid4().hex[:24]}",
        "x-forwarded-for": _SOURCE_IP,
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https",
    }
    wire_headers.update({name.lower(): value for name, value in headers.items()})
    return {
        "version": "2.0",
        "routeKey": f"{method} {path}",
        "rawPath": path,
        "rawQueryString": "",
        "headers": wire_headers,
        "requestContext": {
            "accountId": _AWS_ACCOUNT,
            "apiId": _API_ID,
            "domainName": domain,
            "domainPrefix": _API_ID,
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": _SOURCE_IP,
                "userAgent": _USER_AGENT,
            },
            "requestId": uuid.uuid4().hex[:16],
            "routeKey": f"{method} {path}",
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "body": body,
        "isBase64Encoded": False,
    }


class LambdaTarget:
    """A Lambda handler behind an HTTP API route ``POST {path}``, called in this process.

    An exception from the handler propagates unchanged: API Gateway would answer ``500``, but the test
    learns more from the traceback.
    """

    def __init__(
        self,
        handler: Callable[[dict[str, Any], Any], Any],
        *,
        path: str = "/webhook",
        function_name: str = "aiflow-webhook",
        memory_limit_in_mb: int = 256,
        timeout_seconds: float = 10.0,
    ) -> None:
        self.handler = handler
        self.path = path
        self.function_name = function_name
        self.memory_limit_in_mb = memory_limit_in_mb
        self.timeout_seconds = timeout_seconds

    def send(self, body: str, headers: Mapping[str, str]) -> Reply:
        context = FakeLambdaContext(
            function_name=self.function_name,
            memory_limit_in_mb=self.memory_limit_in_mb,
            timeout_seconds=self.timeout_seconds,
        )
        result = self.handler(http_api_event(body, headers, path=self.path), context)
        # Strict on purpose: HTTP API would turn a bare dict into a 200 with that dict as the body, which
        # hides a handler that forgot to build a proxy result.
        if not isinstance(result, Mapping) or not isinstance(result.get("statusCode"), int):
            raise SimulatorError(f"the Lambda handler returned {result!r}, not a proxy result with a 'statusCode'")
        reply_body = result.get("body") or ""
        if not isinstance(reply_body, str):
            raise SimulatorError(f"the Lambda handler returned a {type(reply_body).__name__} body, not a string")
        if result.get("isBase64Encoded"):
            try:
                reply_body = base64.b64decode(reply_body, validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError) as error:
                raise SimulatorError(f"the Lambda handler's Base64 body does not decode: {error}") from None
        return Reply(result["statusCode"], reply_body)


class HttpTarget:
    """A webhook URL, reached over real HTTP like sipgate does (with the standard library: no extra needed)."""

    def __init__(self, url: str, *, timeout_seconds: float = 5.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"HttpTarget needs an http:// or https:// URL, got {url!r}")
        self.url = url
        self.timeout_seconds = timeout_seconds

    def send(self, body: str, headers: Mapping[str, str]) -> Reply:
        data = body.encode("utf-8")
        request = urllib.request.Request(self.url, data=data, headers=dict(headers), method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:  # noqa: S310 - http(s) only
                return Reply(response.status, response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:  # a 4xx or 5xx is an answer like any other
            with error:
                return Reply(error.code, error.read().decode("utf-8", errors="replace"))
        except (OSError, http.client.HTTPException) as error:
            raise SimulatorError(f"POST {self.url} failed: {error}") from error
