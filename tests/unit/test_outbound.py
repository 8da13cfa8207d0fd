"""OutboundClient against a scripted HTTP server on loopback: what goes over the wire, and when it is retried."""

from __future__ import annotations

import email.utils
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests
import urllib3.util.connection

from aiflow.outbound import (
    CallRateLimited,
    CallRejected,
    CallServerError,
    CallTransportError,
    OutboundCallError,
    OutboundClient,
    PlacedCall,
)
from aiflow.phone import InvalidPhoneNumber

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "outbound"
TOKEN = "test-token-0123456789abcdef"
FLOW_ID = "e3670012-96a3-4ae5-ac42-87abe22015c3"
NUMBER = "+4915790000687"


@dataclass(frozen=True)
class Reply:
    """One scripted answer: a response, optionally after ``delay`` seconds, or a dropped connection."""

    status: int = 201
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    body: bytes
    at: float  # time.monotonic() on arrival


class ScriptedServer(ThreadingHTTPServer):
    """Answers requests with the scripted replies in order (the last one repeats) and records them all."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.replies: list[Reply] = [Reply()]
        self.received: list[Received] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def script(self, *replies: Reply) -> None:
        self.replies = list(replies)

    def record(self, request: Received) -> Reply:
        with self._lock:
            self.received.append(request)
            return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]


class _Handler(BaseHTTPRequestHandler):
    server: ScriptedServer

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        headers = {name.lower(): value for name, value in self.headers.items()}
        reply = self.server.record(Received(self.command, self.path, headers, body, time.monotonic()))
        if reply.delay:
            self.server.stopping.wait(reply.delay)
        if reply.drop:
            self.close_connection = True
            return
        payload = reply.body.encode()
        try:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting, which is what the timeout test wants

    do_GET = do_POST  # so that a followed redirect would be seen

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    srv = ScriptedServer()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield srv
    srv.stopping.set()
    srv.shutdown()
    srv.server_close()
    thread.join()


@pytest.fixture
def make_client(server: ScriptedServer) -> Iterator[Callable[..., OutboundClient]]:
    clients: list[OutboundClient] = []

    def make(**kwargs: Any) -> OutboundClient:
        options: dict[str, Any] = {"base_url": server.url + "/", "max_retries": 2, "backoff_factor": 0}
        options.update(kwargs)
        client = OutboundClient(TOKEN, **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def place(client: OutboundClient, number: str = NUMBER) -> PlacedCall:
    return client.call(ai_flow_id=FLOW_ID, billing_device="e2", to_phone_number=number)


def fail(client: OutboundClient, expected: type[OutboundCallError]) -> OutboundCallError:
    with pytest.raises(expected) as caught:
        place(client)
    assert TOKEN not in str(caught.value)
    assert TOKEN not in repr(caught.value.args)
    return caught.value


@pytest.mark.parametrize(
    ("fixture", "number", "options"),
    [
        ("call_request_digits.json", "4915790000687", {}),
        ("call_request_digits.json", "+4915790000687", {}),
        ("call_request_digits.json", "004915790000687", {}),
        ("call_request_digits.json", "49 157 90000687", {}),
        ("call_request_digits.json", "0157 90000687", {"default_country": "49"}),
        ("call_request_plus.json", "+4915790000687", {"plus_prefix": True}),
        ("call_request_plus.json", "4915790000687", {"plus_prefix": True}),
    ],
)
def test_201_sends_exactly_the_documented_request(
    server: ScriptedServer,
    make_client: Callable[..., OutboundClient],
    fixture: str,
    number: str,
    options: dict[str, Any],
) -> None:
    expected = json.loads((FIXTURES / fixture).read_text())
    server.script(Reply(expected["success_status"], '{"callId": "abc"}'))
    flow_id = expected["path"].split("/")[3]

    placed = make_client(**options).call(
        ai_flow_id=flow_id, billing_device=expected["body"]["billingDevice"], to_phone_number=number
    )

    assert placed == PlacedCall(expected["body"]["toPhoneNumber"], 201, '{"callId": "abc"}')
    [request] = server.received
    assert request.method == expected["method"]
    assert request.path == expected["path"]
    for name, value in expected["headers"].items():
        assert request.headers[name.lower()] == value.replace("<token>", TOKEN)
    assert json.loads(request.body) == expected["body"]


def test_success_logs_one_masked_info_line(
    server: ScriptedServer, make_client: Callable[..., OutboundClient], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="aiflow.outbound"):
        place(make_client())

    info = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert info == ["outbound call to 49157******87: HTTP 201"]
    assert all(TOKEN not in r.getMessage() and "4915790000687" not in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_4xx_is_rejected_without_retry(
    server: ScriptedServer, make_client: Callable[..., OutboundClient], status: int
) -> None:
    server.script(Reply(status, '{"message": "nope"}'))

    error = fail(make_client(), CallRejected)

    assert (error.status, error.body, error.retryable) == (status, '{"message": "nope"}', False)
    assert str(status) in str(error)
    assert "nope" in str(error)
    assert len(server.received) == 1


def test_token_echoed_by_the_server_is_redacted(
    server: ScriptedServer, make_client: Callable[..., OutboundClient]
) -> None:
    server.script(Reply(401, f"invalid token Bearer {TOKEN}"))

    error = fail(make_client(), CallRejected)

    assert TOKEN not in error.body
    assert error.body == "invalid token Bearer ***"


@pytest.mark.parametrize(
    "reply",
    [Reply(200, "ok"), Reply(302, "", {"Location": "/elsewhere"})],
    ids=["200", "302"],
)
def test_other_statuses_are_errors_and_not_followed(
    server: ScriptedServer, make_client: Callable[..., OutboundClient], reply: Reply
) -> None:
    server.script(reply)

    error = fail(make_client(), OutboundCallError)

    assert type(error) is OutboundCallError
    assert (error.status, error.retryable) == (reply.status, False)
    assert len(server.received) == 1


@pytest.mark.parametrize("first", [Reply(429, "slow down", {"Retry-After": "0"}), Reply(503, "busy")])
def test_retryable_status_then_201_succeeds(
    server: ScriptedServer, make_client: Callable[..., OutboundClient], first: Reply
) -> None:
    server.script(first, Reply(201))

    placed = place(make_client())

    assert placed.status_code == 201
    assert len(server.received) == 2
    assert server.received[0].body == server.received[1].body


def test_retry_after_seconds_is_waited_for(server: ScriptedServer, make_client: Callable[..., OutboundClient]) -> None:
    server.script(Reply(429, "", {"Retry-After": "1"}), Reply(201))

    place(make_client())

    first, second = server.received
    assert second.at - first.at >= 0.9


@pytest.mark.parametrize(
    ("reply", "expected", "low", "high"),
    [
        (Reply(429, "later", {"Retry-After": "120"}), CallRateLimited, 120, 120),
        (
            Reply(429, "later", {"Retry-After": email.utils.formatdate(time.time() + 3600, usegmt=True)}),
            CallRateLimited,
            60,
            3600,
        ),
        (Reply(503, "maintenance", {"Retry-After": "600"}), CallServerError, 600, 600),
    ],
    ids=["429-seconds", "429-http-date", "503-seconds"],
)
def test_retry_after_beyond_the_limit_raises_at_once(
    server: ScriptedServer,
    make_client: Callable[..., OutboundClient],
    reply: Reply,
    expected: type[OutboundCallError],
    low: float,
    high: float,
) -> None:
    server.script(reply, Reply(201))

    error = fail(make_client(max_retry_after=30), expected)

    assert len(server.received) == 1
    assert (error.status, error.body, error.retryable) == (reply.status, reply.body, True)
    assert error.retry_after is not None
    assert low <= error.retry_after <= high


@pytest.mark.parametrize(
    ("reply", "expected", "retry_after"),
    [
        (Reply(503, "busy"), CallServerError, None),
        (Reply(503, "busy", {"Retry-After": "0"}), CallServerError, 0.0),
        (Reply(429, "slow down", {"Retry-After": "0"}), CallRateLimited, 0.0),
    ],
    ids=["503", "503-retry-after", "429"],
)
def test_retryable_status_gives_up_after_max_retries(
    server: ScriptedServer,
    make_client: Callable[..., OutboundClient],
    reply: Reply,
    expected: type[OutboundCallError],
    retry_after: float | None,
) -> None:
    server.script(reply)

    error = fail(make_client(max_retries=3), expected)

    assert len(server.received) == 4
    assert (error.status, error.body, error.retryable, error.retry_after) == (
        reply.status,
        reply.body,
        True,
        retry_after,
    )


@pytest.mark.parametrize("status", [500, 502, 504])
def test_a_5xx_that_may_follow_a_placed_call_is_never_retried(
    server: ScriptedServer, make_client: Callable[..., OutboundClient], status: int
) -> None:
    # A proxy in front of sipgate answers 502/504 when sipgate is slow, and sipgate may answer 500 after it
    # placed the call: only 503 (and 429) say that nothing was done.
    server.script(Reply(status, "upstream trouble"), Reply(201))

    error = fail(make_client(max_retries=3), CallServerError)

    assert (error.status, error.body, error.retryable) == (status, "upstream trouble", False)
    assert len(server.received) == 1


@pytest.mark.parametrize("reply", [Reply(201, delay=2.0), Reply(drop=True)], ids=["read-timeout", "dropped-connection"])
def test_no_answer_after_sending_is_never_retried(
    server: ScriptedServer, make_client: Callable[..., OutboundClient], reply: Reply
) -> None:
    server.script(reply, Reply(201))

    error = fail(make_client(read_timeout=0.2, max_retries=3), CallTransportError)

    assert (error.status, error.body, error.retryable) == (None, "", False), "the call may have been placed"
    assert len(server.received) == 1


def test_a_201_whose_body_cannot_be_decoded_is_a_typed_maybe_placed_error(
    server: ScriptedServer, make_client: Callable[..., OutboundClient]
) -> None:
    # gzip's magic bytes, then garbage: requests raises ContentDecodingError while reading the body.
    server.script(Reply(201, "\x1f\x8b\x08\x00 not deflate", {"Content-Encoding": "gzip"}), Reply(201))

    error = fail(make_client(max_retries=3), CallTransportError)

    assert (error.status, error.retryable) == (201, False)
    assert "ContentDecodingError" in str(error)
    assert len(server.received) == 1


def test_connection_refused_is_retried_then_raises(
    make_client: Callable[..., OutboundClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[tuple[str, int]] = []
    connect = urllib3.util.connection.create_connection

    def counting(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        attempts.append(address)
        return connect(address, *args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", counting)
    with socket.socket() as unused:  # bound but not listening: connects are refused
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]

        error = fail(make_client(base_url=f"http://127.0.0.1:{port}", max_retries=2), CallTransportError)

    assert (error.status, error.retryable) == (None, True)
    assert attempts == [("127.0.0.1", port)] * 3


@pytest.mark.parametrize("number", ["", "abc", "015790000687", "12345", "+49 157 9000 0687 1234 5"])
def test_invalid_number_raises_before_any_request(
    server: ScriptedServer, make_client: Callable[..., OutboundClient], number: str
) -> None:
    with pytest.raises(InvalidPhoneNumber) as caught:
        place(make_client(), number)

    assert TOKEN not in str(caught.value)
    assert server.received == []


@pytest.mark.parametrize(("flow_id", "device"), [("", "e2"), (FLOW_ID, "")])
def test_empty_ids_raise_before_any_request(
    server: ScriptedServer, make_client: Callable[..., OutboundClient], flow_id: str, device: str
) -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        make_client().call(ai_flow_id=flow_id, billing_device=device, to_phone_number=NUMBER)

    assert server.received == []


def test_given_session_gets_the_retrying_adapter_and_stays_open(server: ScriptedServer) -> None:
    server.script(Reply(503), Reply(201))
    with requests.Session() as session:
        with OutboundClient(TOKEN, base_url=server.url, backoff_factor=0, session=session) as client:
            place(client)
        assert len(server.received) == 2

        server.script(Reply(201))
        assert session.post(f"{server.url}/ping", timeout=2).status_code == 201
