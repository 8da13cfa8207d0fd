"""The webhook behind real servers on loopback: the ASGI app under uvicorn, the WSGI app under wsgiref.

The FastAPI and Flask examples each place a reminder call through a fake sipgate, whose callee then
plays the call against the example's webhook over HTTP with the SDK's call simulator. The same statuses
as on Lambda are checked over the wire for both kinds of app.
"""

from __future__ import annotations

import asyncio
import http.client
import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from aiflow import AiFlowAssistant, UserSpeak, speak
from aiflow.assistant import DEFAULT_FALLBACK_TEXT
from aiflow.testing.callees import presses, says
from aiflow.testing.sipgate import FakeSipgate
from examples import fastapi_app, flask_app
from tests.servers import uvicorn_serving, wsgiref_serving

WEBHOOK_TOKEN = "web-example-webhook-token"
SIPGATE_TOKEN = "web-example-sipgate-token"
FLOW = "flow-web-1"
CALLEE = "+4915790000687"


def request(url: str, method: str, body: bytes = b"", headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        connection.request(method, parts.path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.fixture
def sipgate() -> Iterator[FakeSipgate]:
    fake = FakeSipgate(token=SIPGATE_TOKEN, ai_flow_id=FLOW, flow_number="+4921155660", ring_seconds=0.1)
    fake.start()
    fake.webhook_token = WEBHOOK_TOKEN
    yield fake
    fake.stop()


EXAMPLES: dict[str, tuple[Callable[..., Any], Callable[[Any], Any]]] = {
    "fastapi-uvicorn": (fastapi_app.create_app, uvicorn_serving),
    "flask-wsgiref": (flask_app.create_app, wsgiref_serving),
}


@pytest.mark.parametrize("example", EXAMPLES)
@pytest.mark.parametrize(
    ("callee_does", "outcome"),
    [(presses("1"), "is confirmed"), (says("No, I have to cancel."), "is cancelled")],
    ids=["presses-1", "says-no"],
)
def test_the_example_places_a_call_and_answers_it(
    sipgate: FakeSipgate, example: str, callee_does: Callable[..., None], outcome: str
) -> None:
    create_app, serving = EXAMPLES[example]
    app = create_app(
        webhook_token=WEBHOOK_TOKEN,
        sipgate_token=SIPGATE_TOKEN,
        ai_flow_id=FLOW,
        billing_device="e2",
        sipgate_base_url=sipgate.url,
    )
    sipgate.callee(CALLEE, callee_does)

    with serving(app) as url:
        sipgate.webhook_url = f"{url}/webhook"
        status, body = request(
            f"{url}/calls",
            "POST",
            json.dumps({"to_phone_number": CALLEE}).encode(),
            {"Content-Type": "application/json"},
        )
        sipgate.wait_for_callees()

    assert (status, json.loads(body)) == (201, {"to_phone_number": "4915790000687"})
    [call] = sipgate.received
    assert call.error is None, call.error
    transcript = "\n".join(call.transcript)
    assert "You have an appointment with us tomorrow at 10:30" in transcript
    assert outcome in transcript
    assert call.transcript[-1] == "assistant: [hung up]"


# The protocol's statuses over real HTTP, for both kinds of app.


def _assistant() -> AiFlowAssistant:
    assistant = AiFlowAssistant(webhook_token=WEBHOOK_TOKEN)

    @assistant.on_user_speak
    async def answer(event: UserSpeak) -> Any:
        await asyncio.sleep(0)  # under ASGI on the server's loop; under WSGI on a loop of its own
        if event.text == "break":
            raise RuntimeError("the handler fails")
        return speak(f"You said {event.text}")

    return assistant


SERVERS = {"asgi-uvicorn": lambda a: uvicorn_serving(a.asgi), "wsgi-wsgiref": lambda a: wsgiref_serving(a.wsgi)}
TOKEN_HEADERS = {"Content-Type": "application/json", "X-API-TOKEN": WEBHOOK_TOKEN}


def event(event_type: str, **fields: Any) -> bytes:
    return json.dumps({"type": event_type, "session": {"id": "web-session-1"}, **fields}).encode()


@pytest.mark.parametrize("server", SERVERS)
def test_the_webhook_answers_over_http_as_on_lambda(server: str) -> None:
    with SERVERS[server](_assistant()) as url:
        said = request(url, "POST", event("user_speak", text="hello"), TOKEN_HEADERS)
        failed = request(url, "POST", event("user_speak", text="break"), TOKEN_HEADERS)
        ended = request(url, "POST", event("session_end"), TOKEN_HEADERS)
        malformed = request(url, "POST", b"{not json", TOKEN_HEADERS)
        no_token = request(url, "POST", event("user_speak", text="hello"), {"Content-Type": "application/json"})
        wrong_bytes = request(url, "POST", event("user_speak", text="hello"), {"X-API-TOKEN": "w\xe9b"})
        too_large = request(url, "POST", b" " * (64 * 1024 + 1), TOKEN_HEADERS)
        fetched = request(url, "GET")

    assert (said[0], json.loads(said[1])) == (
        200,
        {"type": "speak", "session_id": "web-session-1", "text": "You said hello"},
    )
    assert failed[0] == 200, "a handler's failure is the fallback, never a 5xx"
    assert json.loads(failed[1])["text"] == DEFAULT_FALLBACK_TEXT
    assert ended == (204, b"")
    assert malformed[0] == 400
    assert no_token[0] == 401
    assert wrong_bytes[0] == 401
    assert too_large[0] == 413
    assert fetched[0] == 405
