"""sipgate on loopback: the outbound-call REST API, and a callee for every call it places.

``POST /v3/ai-flows/{id}/call`` checks the bearer token, the flow id and the body exactly as
AIFLOW.md section 4 describes, and answers ``201``, or the status set in ``outages`` for that number.
For every call placed it plays the callee against the webhook over HTTP with the SDK's call simulator, following the
script registered for that number: answer, listen, reply, hang up, be a mailbox, or never answer at all.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiflow import phone
from aiflow.testing import CallSimulator, HttpTarget, SimulatedCall, SimulatorError

_CALL_PATH = re.compile(r"^/v3/ai-flows/(?P<flow>[^/]+)/call$")

CalleeScript = Callable[[SimulatedCall], None]


def confirms_by_voice(words: str) -> CalleeScript:
    return says(words)


def says(words: str) -> CalleeScript:
    """The callee listens to the question and answers with ``words``."""

    def play(call: SimulatedCall) -> None:
        call.say(words)

    return play


def mailbox(greeting: str) -> CalleeScript:
    """A mailbox: its greeting talks into our question, then it records in silence until we hang up."""

    def play(call: SimulatedCall) -> None:
        call.say(greeting, barged_in=True)
        while not call.ended:
            call.stay_silent()

    return play


def presses(keys: str) -> CalleeScript:
    def play(call: SimulatedCall) -> None:
        call.press(keys)

    return play


def stays_silent(call: SimulatedCall) -> None:
    while not call.ended:
        call.stay_silent()


NO_ANSWER: CalleeScript | None = None  # the phone rings out: sipgate sends no event at all


@dataclass
class PlacedCallRecord:
    at: float
    flow_id: str
    to_phone_number: str
    status: int
    transcript: list[str] = field(default_factory=list)
    error: str | None = None


class FakeSipgate:
    """The REST API and the callees. ``outages[number] = 503`` makes every call to that number fail with 503."""

    def __init__(
        self,
        *,
        token: str,
        ai_flow_id: str,
        flow_number: str,
        on_line: Callable[[str, str], None] | None = None,
        ring_seconds: float = 0.5,
    ) -> None:
        self.token = token
        self.ai_flow_id = ai_flow_id
        self.flow_number = flow_number
        self.webhook_url = ""  # set once the gateway is up
        self.webhook_token: str | None = None
        self.outages: dict[str, int] = {}
        self.scripts: dict[str, CalleeScript | None] = {}
        self.calls: list[PlacedCallRecord] = []
        self._on_line = on_line or (lambda number, line: None)
        self._ring_seconds = ring_seconds
        self._lock = threading.Lock()
        self._callees: list[threading.Thread] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                status, body = fake._place(self)
                payload = json.dumps(body).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: every call is recorded in ``calls``."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-sipgate", daemon=True)

    def start(self) -> str:
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def script(self, number: str, script: CalleeScript | None) -> None:
        """What the callee at ``number`` does when called (``NO_ANSWER``: never picks up)."""
        self.scripts[phone.normalize(number)] = script

    def wait_for_callees(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        for thread in list(self._callees):
            thread.join(max(0.0, deadline - time.monotonic()))

    def _place(self, request: BaseHTTPRequestHandler) -> tuple[int, dict[str, Any]]:
        match = _CALL_PATH.fullmatch(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length)
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return 401, {"message": "Unauthorized"}
        if match is None or match.group("flow") != self.ai_flow_id:
            return 404, {"message": "AI flow not found"}
        try:
            body = json.loads(raw)
            number = phone.normalize(body["toPhoneNumber"])
            if not body.get("billingDevice") or request.headers.get("Content-Type") != "application/json":
                raise ValueError("billingDevice and Content-Type: application/json are required")
        except (ValueError, KeyError, TypeError) as error:
            return 400, {"message": f"bad request: {error}"}
        status = self.outages.get(number, 201)
        record = PlacedCallRecord(time.time(), match.group("flow"), number, status)
        with self._lock:
            self.calls.append(record)
        if status != 201:
            return status, {"message": "Service Unavailable"}
        callee = threading.Thread(target=self._ring, args=(record,), name=f"callee-{number}", daemon=True)
        self._callees.append(callee)
        callee.start()
        return 201, {}

    def _ring(self, record: PlacedCallRecord) -> None:
        script = self.scripts.get(record.to_phone_number)
        if script is None:
            self._on_line(record.to_phone_number, "[rings, nobody answers]")
            return
        time.sleep(self._ring_seconds)
        simulator = CallSimulator(
            HttpTarget(self.webhook_url, timeout_seconds=10), self.webhook_token, flow_number=self.flow_number
        )
        shown = 0
        try:
            call = simulator.start_call(direction="outbound", to_phone_number=record.to_phone_number)
            shown = self._show(record, call, shown)
            script(call)
            shown = self._show(record, call, shown)
            if not call.ended:
                call.hang_up()
        except SimulatorError as error:
            record.error = str(error)
            self._on_line(record.to_phone_number, f"[call failed: {error}]")

    def _show(self, record: PlacedCallRecord, call: SimulatedCall, shown: int) -> int:
        for line in call.transcript[shown:]:
            record.transcript.append(str(line))
            self._on_line(record.to_phone_number, str(line))
        return len(call.transcript)
