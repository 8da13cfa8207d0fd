"""A fake of sipgate's REST API on loopback, for testing code that places calls over the wire.

``FakeSipgate(token=..., ai_flow_id=...)`` serves ``POST /v3/ai-flows/{id}/call`` as sipgate documents it: the
bearer token first (``401``), then the flow (``404``) and the body (``400`` unless it has a ``billingDevice``
and a ``toPhoneNumber`` that is a phone number, sent as ``application/json``). A valid request gets the next
scripted :class:`Reply`, ``201`` unless a test says otherwise. Faults come on demand, as they come on the wire:

- ``Reply(503)``, ``Reply(429, {"Retry-After": "2"})``, ``Reply(403)``: refused, no call placed;
- ``rings_then(502)``: the call is placed and the phone rings, and then the answer is a 5xx;
- ``Reply(delay=30)``: the answer hangs (``stop()`` ends the wait); ``Reply(DROPPED)``: the call is taken and
  the connection dies before any answer; ``undecodable_201()``: placed, with a body no client can decode.

``script(*replies)`` sets the answers to the calls to come, in order, the last one repeating, and
``script(*replies, to=number)`` those to one number, ahead of the rest. Every request is kept in ``received``
with the reply it got; ``rang()``, ``rings_per_callee()`` and ``calls_per_second()`` count what sipgate did.

A placed call rings the callee. One given a script with ``callee(number, script)`` (see
:mod:`aiflow.testing.callees`) picks up after ``ring_seconds``, and the call is played against ``webhook_url``
with the :class:`~aiflow.testing.CallSimulator` as sipgate would play it; its transcript goes on the request's
record. A callee without a script lets the phone ring out: sipgate sends the webhook nothing.

It also serves ``POST /v2/sessions/sms`` (Web SMS): the token first (``401``), then the body (``415`` unless
JSON, ``403`` for an ``smsId`` other than ``sms_id``, ``400`` unless it has a ``recipient`` that is a phone number
and a ``message``). A valid request gets the next :meth:`script_sms` reply, ``204`` unless a test says otherwise:
``Reply(402)`` (no credit), ``Reply(403)``, ``Reply(500)`` (refused, not sent), ``sent_then(502)`` (sent, then
a 5xx), ``Reply(204, delay=30)`` (sent, and the answer hangs). ``texts_per_recipient()`` counts the messages
sent, ``texts()`` lists them.

The endpoints are one table of routes (``_routes``): another endpoint of sipgate's API is a route and a method.
The listen backlog is 128, not socketserver's 5, so that a burst of dialling threads is not refused.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiflow import phone
from aiflow.testing.callees import CalleeScript
from aiflow.testing.errors import SimulatorError
from aiflow.testing.loopback import LoopbackFake, RequestHandler
from aiflow.testing.simulator import DEFAULT_FLOW_NUMBER, CallSimulator, SimulatedCall
from aiflow.testing.targets import HttpTarget

__all__ = [
    "BROKEN_GZIP",
    "DROPPED",
    "FakeSipgate",
    "Received",
    "Reply",
    "SentText",
    "rings_then",
    "sent_then",
    "undecodable_201",
]

DROPPED = 0  # a Reply status: sipgate takes the call, then the connection dies before any answer
# A body no gzip decoder can read: with ``Content-Encoding: gzip`` the client cannot decode the answer.
BROKEN_GZIP = b"\x1f\x8b\x08\x00this is not deflate data"
_JSON = {"Content-Type": "application/json"}


@dataclass(frozen=True)
class Reply:
    """One scripted answer: ``status``, ``headers`` and ``body``, sent after ``delay`` seconds.

    ``rings``: sipgate placed the call before it answered (a 5xx after the ringing). A ``201``, however
    late, and a ``DROPPED`` connection place the call too; any other reply places none.
    """

    status: int = 201
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    rings: bool = False
    body: bytes = b""

    @property
    def placed(self) -> bool:
        return self.rings or self.status in (201, DROPPED)

    @property
    def texted(self) -> bool:
        """An SMS request with this reply was sent: a ``2xx`` (however late), a dropped connection, ``rings``."""
        return self.rings or self.status == DROPPED or 200 <= self.status < 300


def rings_then(status: int) -> Reply:
    """sipgate places the call, and then it (or a proxy in front of it) answers ``status``."""
    return Reply(status, rings=True)


def sent_then(status: int) -> Reply:
    """sipgate sends the SMS, and then it (or a proxy in front of it) answers ``status``."""
    return Reply(status, rings=True)


def undecodable_201() -> Reply:
    """The call is placed and confirmed, but the 201's body cannot be decoded (a broken gzip encoding)."""
    return Reply(201, {"Content-Encoding": "gzip"}, body=BROKEN_GZIP)


def _refusal(status: int, message: str) -> Reply:
    return Reply(status, _JSON, body=json.dumps({"message": message}).encode())


@dataclass
class Received:
    """One request to the fake and the reply it got; for a call that a callee answered, how the call went."""

    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    body: dict[str, Any]  # the JSON object sent; empty when the body was none
    at: float  # time.time() on arrival: the wall clock a calls-per-second cap is about
    reply: Reply = field(default_factory=Reply)
    to_phone_number: str | None = None  # the callee of a valid call request, as E.164 digits
    sms_recipient: str | None = None  # the recipient of a valid SMS request, as E.164 digits
    transcript: list[str] = field(default_factory=list)  # the callee's call, line by line
    error: str | None = None  # why the callee's call could not go on

    @property
    def status(self) -> int:
        return self.reply.status


@dataclass(frozen=True)
class SentText:
    """An SMS the fake sent: to whom (E.164 digits), what, and from which extension."""

    recipient: str
    message: str
    sms_id: str


@dataclass(frozen=True)
class _Route:
    method: str
    path: re.Pattern[str]
    answer: Callable[[Received, re.Match[str]], Reply]


class FakeSipgate(LoopbackFake):
    """sipgate's REST API on 127.0.0.1, and the callees of the calls it places (see the module's notes).

    ``token`` is the API token a request must bear and ``ai_flow_id`` the one flow there is. A callee's call
    reaches ``webhook_url`` with ``webhook_token`` as ``X-API-TOKEN``, from ``flow_number``; ``on_line(number,
    line)`` sees each of its lines as it happens. Use it as a context manager, or ``start()`` and ``stop()``.
    """

    name = "fake-sipgate"

    def __init__(
        self,
        *,
        token: str,
        ai_flow_id: str,
        flow_number: str = DEFAULT_FLOW_NUMBER,
        sms_id: str = "s0",
        ring_seconds: float = 0.5,
        on_line: Callable[[str, str], None] | None = None,
    ) -> None:
        self.token = token
        self.ai_flow_id = ai_flow_id
        self.sms_id = sms_id
        self.flow_number = flow_number
        self.ring_seconds = ring_seconds
        self.webhook_url = ""
        self.webhook_token: str | None = None
        self.received: list[Received] = []
        self._on_line = on_line or _unseen
        self._routes = (
            _Route("POST", re.compile(r"/v3/ai-flows/(?P<flow>[^/]+)/call"), self._place_call),
            _Route("POST", re.compile(r"/v2/sessions/sms"), self._send_sms),
        )
        self._replies: list[Reply] = [Reply()]
        self._replies_to: dict[str, list[Reply]] = {}
        self._sms_replies: list[Reply] = [Reply(204)]
        self._sms_replies_to: dict[str, list[Reply]] = {}
        self._callees: dict[str, CalleeScript] = {}
        self._ringing: list[threading.Thread] = []
        self._lock = threading.Lock()
        super().__init__()

    # What the test sets.

    def script(self, *replies: Reply, to: str | None = None) -> None:
        """Answer the calls to come with ``replies`` in order, the last one repeating; ``to``: only calls to it.

        Without replies, the calls go back to the default: ``201``, or for ``to``, the script of every call.
        """
        with self._lock:
            if to is None:
                self._replies = list(replies) or [Reply()]
            elif replies:
                self._replies_to[phone.normalize(to)] = list(replies)
            else:
                self._replies_to.pop(phone.normalize(to), None)

    def script_sms(self, *replies: Reply, to: str | None = None) -> None:
        """Answer the SMS requests to come with ``replies`` in order, the last one repeating; ``to``: only to it.

        Without replies, the requests go back to the default: ``204``, or for ``to``, the script of every SMS.
        """
        with self._lock:
            if to is None:
                self._sms_replies = list(replies) or [Reply(204)]
            elif replies:
                self._sms_replies_to[phone.normalize(to)] = list(replies)
            else:
                self._sms_replies_to.pop(phone.normalize(to), None)

    def callee(self, number: str, script: CalleeScript | None) -> None:
        """What the callee at ``number`` does when the phone rings; ``None`` (``NO_ANSWER``): it rings out."""
        with self._lock:
            if script is None:
                self._callees.pop(phone.normalize(number), None)
            else:
                self._callees[phone.normalize(number)] = script

    # What the test reads.

    def wait_for_callees(self, timeout: float = 30.0) -> None:
        """Wait until every callee who picked up has finished the call."""
        deadline = time.monotonic() + timeout
        with self._lock:
            ringing = list(self._ringing)
        for thread in ringing:
            thread.join(max(0.0, deadline - time.monotonic()))

    def take_received(self) -> list[Received]:
        """The requests received since the last take, which are forgotten."""
        with self._lock:
            received, self.received = self.received, []
        return received

    def numbers(self) -> list[str]:
        """The callee of every valid call request, in the order they arrived."""
        return [number for number, _ in self._calls()]

    def rang(self) -> list[str]:
        """The numbers of the calls sipgate placed (the callee's phone rang), in the order they arrived."""
        return [number for number, reply in self._calls() if reply.placed]

    def rings_per_callee(self) -> Counter[str]:
        return Counter(self.rang())

    def texts(self) -> list[SentText]:
        """The SMS sent (the reply sent it, see :attr:`Reply.texted`), in the order the requests arrived."""
        with self._lock:
            sent = [r for r in self.received if r.sms_recipient is not None and r.reply.texted]
        return [SentText(r.sms_recipient or "", str(r.body["message"]), str(r.body["smsId"])) for r in sent]

    def texts_per_recipient(self) -> Counter[str]:
        return Counter(text.recipient for text in self.texts())

    def calls_per_second(self) -> Counter[int]:
        """How many requests arrived in each second of the wall clock."""
        with self._lock:
            return Counter(int(request.at) for request in self.received)

    def _calls(self) -> list[tuple[str, Reply]]:
        with self._lock:
            return [(r.to_phone_number, r.reply) for r in self.received if r.to_phone_number is not None]

    # The API.

    def _serve(self, http: RequestHandler) -> None:
        request = _read(http)
        request.reply = self._answer(request)
        with self._lock:
            self.received.append(request)
        self._send(http, request.reply)

    def _answer(self, request: Received) -> Reply:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return _refusal(401, "Unauthorized")
        for route in self._routes:
            match = route.path.fullmatch(request.path)
            if match is not None and route.method == request.method:
                return route.answer(request, match)
        return _refusal(404, "Not Found")

    def _place_call(self, request: Received, path: re.Match[str]) -> Reply:
        if path["flow"] != self.ai_flow_id:
            return _refusal(404, "AI flow not found")
        number = _phone_number(request.body.get("toPhoneNumber"))
        if number is None or not request.body.get("billingDevice") or not _sent_as_json(request):
            return _refusal(400, "a billingDevice and a toPhoneNumber are required, as application/json")
        request.to_phone_number = number
        with self._lock:
            replies = self._replies_to.get(number) or self._replies
            reply = replies.pop(0) if len(replies) > 1 else replies[0]
        if reply.placed:
            self._ring(request, number)
        return reply

    def _send_sms(self, request: Received, path: re.Match[str]) -> Reply:
        if not _sent_as_json(request):
            return _refusal(415, "Content-Type must be application/json")
        if request.body.get("smsId") != self.sms_id:
            return _refusal(403, "no permission to use this SMS extension")
        number = _phone_number(request.body.get("recipient"))
        message = request.body.get("message")
        if number is None or not isinstance(message, str) or not message.strip():
            return _refusal(400, "a recipient and a message are required")
        request.sms_recipient = number
        with self._lock:
            replies = self._sms_replies_to.get(number) or self._sms_replies
            return replies.pop(0) if len(replies) > 1 else replies[0]

    def _send(self, http: RequestHandler, reply: Reply) -> None:
        if reply.status == DROPPED:
            http.close_connection = True  # no status line: the client reads the connection closing
            return
        if reply.delay:
            self._stopping.wait(reply.delay)
        try:
            http.send_response(reply.status)
            for name, value in reply.headers.items():
                http.send_header(name, value)
            http.send_header("Content-Length", str(len(reply.body)))
            http.end_headers()
            http.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting: what a read-timeout test wants

    # The callees.

    def _ring(self, request: Received, number: str) -> None:
        with self._lock:
            script = self._callees.get(number)
        if script is None:
            self._on_line(number, "[rings, nobody answers]")
            return
        callee = threading.Thread(
            target=self._pick_up, args=(request, number, script), name=f"callee-{number}", daemon=True
        )
        with self._lock:
            self._ringing.append(callee)
        callee.start()

    def _pick_up(self, request: Received, number: str, script: CalleeScript) -> None:
        """The callee picks up after the ringing and plays ``script``; hangs up if the assistant did not."""
        if self._stopping.wait(self.ring_seconds):
            return
        call: SimulatedCall | None = None
        try:
            target = HttpTarget(self.webhook_url, timeout_seconds=10)
            call = CallSimulator(target, self.webhook_token, flow_number=self.flow_number).start_call(
                direction="outbound", to_phone_number=number
            )
            self._show(request, number, call)
            script(call)
            if not call.ended:
                call.hang_up()
        except (SimulatorError, ValueError) as error:  # ValueError: there is no webhook_url to call
            request.error = str(error)
        if call is not None:
            self._show(request, number, call)
        if request.error is not None:
            self._on_line(number, f"[call failed: {request.error}]")

    def _show(self, request: Received, number: str, call: SimulatedCall) -> None:
        """Put the call's new lines on the request's transcript, and show them to ``on_line``."""
        for line in call.transcript[len(request.transcript) :]:
            request.transcript.append(str(line))
            self._on_line(number, str(line))


def _unseen(number: str, line: str) -> None:
    """The default ``on_line``: the lines are on the requests' transcripts."""


def _read(http: RequestHandler) -> Received:
    arrived = time.time()
    raw = http.rfile.read(int(http.headers.get("Content-Length") or 0))
    headers = {name.lower(): value for name, value in http.headers.items()}
    try:
        body = json.loads(raw) if raw else {}
    except ValueError:  # not JSON, or not UTF-8
        body = {}
    return Received(http.command, http.path, headers, body if isinstance(body, dict) else {}, arrived)


def _phone_number(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return phone.normalize(value)
    except phone.InvalidPhoneNumber:
        return None


def _sent_as_json(request: Received) -> bool:
    media_type = request.headers.get("content-type", "").split(";")[0]
    return media_type.strip().lower() == "application/json"
