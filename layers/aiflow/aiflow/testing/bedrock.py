"""A fake of Amazon Bedrock's Converse API on loopback, for testing agents over the wire with real boto3.

``FakeBedrock()`` serves ``POST /model/{modelId}/converse`` with the JSON of botocore's ``bedrock-runtime``
service model, so an unmodified ``boto3.client("bedrock-runtime")`` reaches it through the standard
``AWS_ENDPOINT_URL_BEDROCK_RUNTIME`` (``fake.environment()``, or ``with fake.applied():``) and parses every
answer. moto has no Converse.

Each test scripts the model's replies, in order, one per request (``script(...)``):

- ``text("...")``: an answer, ``stopReason`` ``end_turn``; ``text(..., stop_reason="max_tokens")`` a cut one;
- ``tool_use("name", {...})``: the model calls a tool (``stopReason`` ``tool_use``), optionally with text;
- ``error("ThrottlingException")``: one of Bedrock's errors, with its HTTP status and ``x-amzn-ErrorType``
  (:data:`ERRORS`);
- any of them ``delay=`` seconds late (added to the fake's own ``latency``), and ``hang()``: no answer
  until the client gives up or the fake stops.

A request with nothing left in the script gets ``default`` (``None``: an ``InternalServerException``
saying so, loud in the test). Every request is kept in ``received`` with the reply it got. Requests are
checked as Bedrock checks them where an agent's history can go wrong: messages start with a ``user``
message and alternate, no message is empty, every ``toolResult`` answers a ``toolUse`` of the message
before, and a history with tool blocks comes with a ``toolConfig``; a request that fails gets a
``ValidationException``, as from Bedrock.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
import urllib.parse
import uuid
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from aiflow.testing.loopback import LoopbackFake, RequestHandler

__all__ = [
    "ERRORS",
    "BedrockReply",
    "ConverseRequest",
    "FakeBedrock",
    "error",
    "hang",
    "text",
    "tool_use",
]

# Converse's errors (botocore's service model) and the HTTP status each comes with.
ERRORS: Mapping[str, int] = {
    "AccessDeniedException": 403,
    "ResourceNotFoundException": 404,
    "ModelTimeoutException": 408,
    "ThrottlingException": 429,
    "ModelNotReadyException": 429,
    "ModelErrorException": 424,
    "ValidationException": 400,
    "InternalServerException": 500,
    "ServiceUnavailableException": 503,
}
_PATH_PREFIX, _PATH_SUFFIX = "/model/", "/converse"


@dataclass(frozen=True)
class BedrockReply:
    """One scripted answer of the model: content blocks and a stop reason, or an error; ``delay`` seconds late."""

    content: tuple[dict[str, Any], ...] = ()
    stop_reason: str = "end_turn"
    error: str | None = None
    message: str = ""
    delay: float = 0.0
    hangs: bool = False


def text(answer: str, *, stop_reason: str = "end_turn", delay: float = 0.0) -> BedrockReply:
    """The model answers ``answer``."""
    return BedrockReply(({"text": answer},), stop_reason, delay=delay)


def tool_use(
    name: str,
    arguments: Mapping[str, Any],
    *,
    say: str | None = None,
    tool_use_id: str | None = None,
    delay: float = 0.0,
) -> BedrockReply:
    """The model calls the tool ``name`` with ``arguments`` (after saying ``say``, if given)."""
    call = {
        "toolUse": {
            "toolUseId": tool_use_id or f"tooluse_{uuid.uuid4().hex[:20]}",
            "name": name,
            "input": dict(arguments),
        }
    }
    return BedrockReply(((({"text": say},) if say else ()) + (call,)), "tool_use", delay=delay)


def error(kind: str, message: str | None = None, *, delay: float = 0.0) -> BedrockReply:
    """Bedrock answers with the error ``kind`` (a key of :data:`ERRORS`)."""
    if kind not in ERRORS:
        raise ValueError(f"{kind!r} is not an error of Converse; one of {', '.join(ERRORS)}")
    return BedrockReply(error=kind, message=message or f"{kind} (scripted)", delay=delay)


def hang() -> BedrockReply:
    """No answer at all: the request waits until the client's read timeout (or the fake's ``stop()``)."""
    return BedrockReply(hangs=True)


@dataclass
class ConverseRequest:
    """One request to the fake: the model asked for, the JSON body, the headers, and the reply it got."""

    model_id: str
    body: dict[str, Any]
    headers: dict[str, str]  # lower-cased names
    at: float  # time.monotonic() on arrival
    reply: BedrockReply | None = None

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages") or [])

    @property
    def system(self) -> str:
        """The system prompt's text blocks, joined."""
        return "\n".join(block["text"] for block in self.body.get("system") or [] if "text" in block)

    @property
    def tool_names(self) -> list[str]:
        tools = (self.body.get("toolConfig") or {}).get("tools") or []
        return [tool["toolSpec"]["name"] for tool in tools if "toolSpec" in tool]


class FakeBedrock(LoopbackFake):
    """Bedrock's Converse on 127.0.0.1 (see the module's notes); a context manager, or ``start()`` and ``stop()``.

    ``latency`` is added to every answer; ``default`` answers requests the script has no reply left for.
    """

    name = "fake-bedrock"
    protocol_version = "HTTP/1.1"  # keep-alive, as Bedrock: botocore reuses its connections

    def __init__(self, *, latency: float = 0.0, default: BedrockReply | None = None) -> None:
        self.latency = latency
        self.default = default
        self.received: list[ConverseRequest] = []
        self._script: deque[BedrockReply] = deque()
        self._lock = threading.Lock()
        super().__init__()

    def environment(self) -> dict[str, str]:
        """The environment that points boto3 here (with placeholder credentials and region if none are set)."""
        return {
            "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": self.url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "eu-central-1",
        }

    @contextlib.contextmanager
    def applied(self) -> Iterator[None]:
        """Point boto3 here for the block: :meth:`environment` set in ``os.environ``, as it was after."""
        saved = {name: os.environ.get(name) for name in self.environment()}
        os.environ.update(self.environment())
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

    def script(self, *replies: BedrockReply) -> None:
        """Answer the requests to come with ``replies``, one each, in order (after any still scripted)."""
        with self._lock:
            self._script.extend(replies)

    def pending(self) -> int:
        """How many scripted replies no request has taken yet."""
        with self._lock:
            return len(self._script)

    # The API.

    def _serve(self, http: RequestHandler) -> None:
        request, problem = _read(http)
        reply = self._answer(request, problem)
        request.reply = reply
        with self._lock:
            self.received.append(request)
        self._send(http, reply)

    def _answer(self, request: ConverseRequest, problem: str | None) -> BedrockReply:
        if problem is not None:
            return BedrockReply(error="ValidationException", message=problem)
        with self._lock:
            if self._script:
                return self._script.popleft()
        return self.default or BedrockReply(
            error="InternalServerException", message="the fake Bedrock has no scripted reply left for this request"
        )

    def _send(self, http: RequestHandler, reply: BedrockReply) -> None:
        wait = self.latency + reply.delay
        if reply.hangs:
            self._stopping.wait()
            return
        if wait and self._stopping.wait(wait):
            return
        if reply.error is not None:
            status, headers = ERRORS[reply.error], {"x-amzn-ErrorType": f"{reply.error}:http://internal.amazon.com/"}
            body: dict[str, Any] = {"message": reply.message}
        else:
            status, headers, body = 200, {}, _converse_output(reply, latency_ms=round(wait * 1000))
        raw = json.dumps(body).encode()
        try:
            http.send_response(status)
            for name, value in {
                **headers,
                "Content-Type": "application/json",
                "x-amzn-RequestId": str(uuid.uuid4()),
            }.items():
                http.send_header(name, value)
            http.send_header("Content-Length", str(len(raw)))
            http.end_headers()
            http.wfile.write(raw)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting: what a timeout test wants


def _converse_output(reply: BedrockReply, *, latency_ms: int) -> dict[str, Any]:
    words = sum(len(block.get("text", "").split()) for block in reply.content)
    output_tokens = max(1, round(words * 1.3))
    return {
        "output": {"message": {"role": "assistant", "content": list(reply.content)}},
        "stopReason": reply.stop_reason,
        "usage": {"inputTokens": 100, "outputTokens": output_tokens, "totalTokens": 100 + output_tokens},
        "metrics": {"latencyMs": latency_ms},
    }


def _read(http: RequestHandler) -> tuple[ConverseRequest, str | None]:
    arrived = time.monotonic()
    raw = http.rfile.read(int(http.headers.get("Content-Length") or 0))
    headers = {name.lower(): value for name, value in http.headers.items()}
    path = urllib.parse.urlsplit(http.path).path
    model_id = urllib.parse.unquote(path.removeprefix(_PATH_PREFIX).removesuffix(_PATH_SUFFIX))
    try:
        body = json.loads(raw) if raw else {}
    except ValueError:
        body = None
    request = ConverseRequest(model_id, body if isinstance(body, dict) else {}, headers, arrived)
    if http.command != "POST" or not path.startswith(_PATH_PREFIX) or not path.endswith(_PATH_SUFFIX) or not model_id:
        return request, f"{http.command} {path} is not Converse (POST /model/{{modelId}}/converse)"
    if not isinstance(body, dict):
        return request, "the request body is not a JSON object"
    return request, _invalid(body)


def _invalid(body: Mapping[str, Any]) -> str | None:
    """What Bedrock would refuse in this request's messages, or ``None``."""
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "messages must be a non-empty list"
    previous_tool_uses: set[str] = set()
    for number, message in enumerate(messages):
        role, content = message.get("role"), message.get("content")
        expected = "user" if number % 2 == 0 else "assistant"
        if role != expected:
            return f"A conversation must start with a user message and alternate: message {number} is {role!r}"
        if not isinstance(content, list) or not content:
            return f"message {number} has no content"
        if any(not isinstance(block, dict) or not block for block in content):
            return f"message {number} has an empty content block"
        results = {block["toolResult"].get("toolUseId") for block in content if "toolResult" in block}
        if not results <= previous_tool_uses:
            return f"message {number}: a toolResult answers no toolUse of the message before"
        if (results or previous_tool_uses) and not body.get("toolConfig"):
            return "toolConfig field must be defined when using toolUse and toolResult content blocks"
        previous_tool_uses = {block["toolUse"].get("toolUseId") for block in content if "toolUse" in block}
    return None
