"""The webhook as an ASGI or a WSGI application, without a web framework: ``assistant.asgi``, ``assistant.wsgi``.

sipgate's TypeScript SDK serves its webhook from Express (``app.post("/webhook", assistant.express())``);
these are the Python equivalents. Any path answers (mount the app where the flow's webhook URL points);
only ``POST`` is allowed (``405`` otherwise). The answers are :meth:`AiFlowAssistant.handle`'s, the same
as on Lambda: ``200`` with the actions, ``204``, ``400``, ``401``, ``413`` for a body over the assistant's
``max_body_bytes`` (refused before it is read in full), never a ``5xx`` for a handler's failure.

Header values are decoded as UTF-8 (undecodable bytes kept as lone surrogates, which fail the token
check like any wrong token). The ASGI app awaits :meth:`AiFlowAssistant.handle_async` on the server's
running event loop, so async handlers run there; it answers ASGI ``lifespan`` and refuses WebSockets.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aiflow.assistant import AiFlowAssistant, WebhookResponse

__all__ = ["AsgiWebhook", "WsgiWebhook"]

type Receive = Callable[[], Awaitable[Mapping[str, Any]]]
type Send = Callable[[dict[str, Any]], Awaitable[None]]
type StartResponse = Callable[[str, list[tuple[str, str]]], Any]
type _Answer = tuple[int, dict[str, str], bytes]  # status, headers, body

_REASONS = {200: "OK", 204: "No Content", 400: "Bad Request", 401: "Unauthorized", 405: "Method Not Allowed"}
_REASONS |= {413: "Content Too Large"}


def _plain(status: int, reason: str, extra_headers: Mapping[str, str] | None = None) -> _Answer:
    headers = {"Content-Type": "application/json", **(extra_headers or {})}
    return status, headers, json.dumps({"error": reason}).encode()


def _wire(response: WebhookResponse) -> _Answer:
    return response.status_code, dict(response.headers), response.body.encode("utf-8")


def _not_post() -> _Answer:
    return _plain(405, "the webhook takes POST only", {"Allow": "POST"})


def _too_large(limit: int) -> _Answer:
    return _plain(413, f"body larger than {limit} bytes")


def _header_text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="surrogateescape")


def _declared_length(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


# ASGI


class AsgiWebhook:
    """``assistant.asgi``: an ASGI application (an object, not a function, so Starlette routes to it as one)."""

    def __init__(self, assistant: AiFlowAssistant) -> None:
        self.assistant = assistant

    async def __call__(self, scope: Mapping[str, Any], receive: Receive, send: Send) -> None:
        await _serve_asgi(self.assistant, scope, receive, send)


async def _serve_asgi(assistant: AiFlowAssistant, scope: Mapping[str, Any], receive: Receive, send: Send) -> None:
    """Serve one ASGI connection: ``lifespan``, or one ``http`` request to the webhook."""
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1003})  # AI Flow's WebSocket variant is not served
        return
    if scope["type"] != "http":
        raise ValueError(f"unsupported ASGI scope type {scope['type']!r}")
    if scope["method"] != "POST":
        await _asgi_answer(send, *_not_post())
        return
    headers = {_header_text(name): _header_text(value) for name, value in scope.get("headers", [])}
    body = await _asgi_body(receive, assistant.max_body_bytes, _declared_length(headers.get("content-length")))
    if body is None:
        await _asgi_answer(send, *_too_large(assistant.max_body_bytes))
        return
    await _asgi_answer(send, *_wire(await assistant.handle_async(body, headers)))


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _asgi_body(receive: Receive, limit: int, declared: int | None) -> bytes | None:
    """The request body, or ``None`` as soon as it is known to be over ``limit`` bytes."""
    if declared is not None and declared > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _asgi_answer(send: Send, status: int, headers: Mapping[str, str], body: bytes) -> None:
    wire_headers = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]
    wire_headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": wire_headers})
    await send({"type": "http.response.body", "body": body})


# WSGI


class WsgiWebhook:
    """``assistant.wsgi``: a WSGI application."""

    def __init__(self, assistant: AiFlowAssistant) -> None:
        self.assistant = assistant

    def __call__(self, environ: Mapping[str, Any], start_response: StartResponse) -> list[bytes]:
        return _serve_wsgi(self.assistant, environ, start_response)


def _serve_wsgi(assistant: AiFlowAssistant, environ: Mapping[str, Any], start_response: StartResponse) -> list[bytes]:
    """Serve one WSGI request to the webhook."""
    if environ.get("REQUEST_METHOD") != "POST":
        return _wsgi_answer(start_response, *_not_post())
    body = _wsgi_body(environ, assistant.max_body_bytes)
    if body is None:
        return _wsgi_answer(start_response, *_too_large(assistant.max_body_bytes))
    return _wsgi_answer(start_response, *_wire(assistant.handle(body, _wsgi_headers(environ))))


def _wsgi_headers(environ: Mapping[str, Any]) -> dict[str, str]:
    # WSGI hands header values over as latin-1 text; their bytes are re-read as UTF-8, like ASGI's.
    named = {"CONTENT_TYPE": "content-type", "CONTENT_LENGTH": "content-length"}
    headers = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            name = key[5:].replace("_", "-").lower()
        elif key in named:
            name = named[key]
        else:
            continue
        headers[name] = _header_text(str(value).encode("latin-1", errors="replace"))
    return headers


def _wsgi_body(environ: Mapping[str, Any], limit: int) -> bytes | None:
    """The request body, or ``None`` when it is over ``limit`` bytes (an over-long one is not read)."""
    declared = _declared_length(environ.get("CONTENT_LENGTH"))
    stream = environ["wsgi.input"]
    if declared is None:
        # Without a length only a server that marks its input as terminated lets us read to the end.
        whole: bytes = stream.read(limit + 1) if environ.get("wsgi.input_terminated") else b""
        return whole if len(whole) <= limit else None
    if declared > limit:
        return None
    body: bytes = stream.read(declared)
    return body


def _wsgi_answer(start_response: StartResponse, status: int, headers: Mapping[str, str], body: bytes) -> list[bytes]:
    wire_headers = [*headers.items(), ("Content-Length", str(len(body)))]
    start_response(f"{status} {_REASONS.get(status, 'Unknown')}", wire_headers)
    return [body] if body else []
