"""``assistant.asgi`` and ``assistant.wsgi`` driven directly, for what a server rarely shows: ASGI lifespan,
WebSockets, a body streamed in chunks past the limit, a WSGI body without a length."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Mapping
from typing import Any

from aiflow import AiFlowAssistant

SPEAK = json.dumps({"type": "user_speak", "text": "hi", "session": {"id": "s-1"}}).encode()


def assistant() -> AiFlowAssistant:
    return AiFlowAssistant(on_user_speak=lambda event: f"you said {event.text}", max_body_bytes=1024)


def asgi(scope: dict[str, Any], messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Run the ASGI app on one connection: ``messages`` are received in order, what it sends is returned."""
    sent: list[dict[str, Any]] = []
    incoming = list(messages)

    async def receive() -> dict[str, Any]:
        return incoming.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(assistant().asgi(scope, receive, send))
    return sent


def http_scope(method: str = "POST", headers: list[tuple[bytes, bytes]] | None = None) -> dict[str, Any]:
    return {"type": "http", "method": method, "path": "/webhook", "headers": headers or []}


def test_asgi_answers_lifespan() -> None:
    sent = asgi({"type": "lifespan"}, [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])

    assert [message["type"] for message in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


def test_asgi_closes_websockets() -> None:
    assert asgi({"type": "websocket", "path": "/webhook"}, [{"type": "websocket.connect"}]) == [
        {"type": "websocket.close", "code": 1003}
    ]


def test_asgi_reads_a_body_in_chunks() -> None:
    chunks = [
        {"type": "http.request", "body": SPEAK[:10], "more_body": True},
        {"type": "http.request", "body": SPEAK[10:]},
    ]

    start, body = asgi(http_scope(), chunks)

    assert start["status"] == 200
    assert json.loads(body["body"])["text"] == "you said hi"
    assert (b"content-length", str(len(body["body"])).encode()) in start["headers"]


def test_asgi_refuses_a_streamed_body_as_soon_as_it_passes_the_limit() -> None:
    chunk = {"type": "http.request", "body": b" " * 600, "more_body": True}
    never_read = {"type": "http.request", "body": b"not reached"}

    start, body = asgi(http_scope(), [chunk, chunk, never_read])

    assert start["status"] == 413
    assert json.loads(body["body"]) == {"error": "body larger than 1024 bytes"}


def test_asgi_refuses_a_declared_length_over_the_limit_before_reading() -> None:
    start, _ = asgi(http_scope(headers=[(b"content-length", b"5000")]), [])  # nothing to receive: not read

    assert start["status"] == 413


def wsgi(environ: Mapping[str, Any]) -> tuple[str, dict[str, str], bytes]:
    answered: list[Any] = []
    chunks = assistant().wsgi(
        {"REQUEST_METHOD": "POST", "wsgi.input": io.BytesIO(b""), **environ},
        lambda status, headers: answered.extend([status, dict(headers)]),
    )
    return answered[0], answered[1], b"".join(chunks)


def test_wsgi_reads_exactly_the_declared_length() -> None:
    status, headers, body = wsgi({"CONTENT_LENGTH": str(len(SPEAK)), "wsgi.input": io.BytesIO(SPEAK + b"garbage")})

    assert status == "200 OK"
    assert headers["Content-Length"] == str(len(body))
    assert json.loads(body)["text"] == "you said hi"


def test_wsgi_reads_to_the_end_only_when_the_server_says_the_input_ends() -> None:
    terminated = wsgi({"wsgi.input": io.BytesIO(SPEAK), "wsgi.input_terminated": True})
    unknown = wsgi({"wsgi.input": io.BytesIO(SPEAK)})

    assert terminated[0] == "200 OK"
    assert unknown[0] == "400 Bad Request", "no length and no end marker: nothing is read"


def test_wsgi_takes_the_token_from_the_environ_and_refuses_other_methods() -> None:
    guarded = AiFlowAssistant(webhook_token="t0ken", on_user_speak=lambda event: "ok")

    def call(environ: dict[str, Any]) -> str:
        answered: list[str] = []
        guarded.wsgi(
            {"REQUEST_METHOD": "POST", "CONTENT_LENGTH": str(len(SPEAK)), "wsgi.input": io.BytesIO(SPEAK), **environ},
            lambda status, headers: answered.append(status),
        )
        return answered[0]

    assert call({"HTTP_X_API_TOKEN": "t0ken"}) == "200 OK"
    assert call({"HTTP_X_API_TOKEN": "t\xc3\xa9"}) == "401 Unauthorized"  # latin-1 text of UTF-8 bytes
    assert call({}) == "401 Unauthorized"
    assert call({"REQUEST_METHOD": "GET"}) == "405 Method Not Allowed"
