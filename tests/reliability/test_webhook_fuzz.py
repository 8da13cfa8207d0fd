"""The webhook fuzzed through ``functions/webhook/app.py:lambda_handler``, as API Gateway's HTTP API calls it.

Whatever arrives (events with random fields, the protocol's own examples mutated, random bytes, bodies past
the size limit, the wrong text encoding, broken Base64, a missing or wrong token), the webhook answers with
a status of the protocol and never with a ``5xx`` (a live caller would hear silence); every ``200`` carries
only actions the SDK's models accept, each for the event's session. A second test plays whole calls about
real reminders with random events in random order: each is decided exactly once, unless a mailbox (or
someone else) took the attempt, which leaves it open for the next; the calls it found are played again
step by step below it.

``AIFLOW_FUZZ_EXAMPLES`` sets how many requests the first test generates (``make fuzz``: 10,000); the
number actually sent is printed at the end of the run.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from aiflow import InvalidEvent, parse_event
from aiflow.assistant import DEFAULT_MAX_BODY_BYTES
from aiflow.testing import FakeLambdaContext, http_api_event
from reminders.model.history import HistoryEvent
from reminders.model.reminder import Language, Outcome, ReminderStatus
from tests.harness.events import EVENT_FIELDS, extras, json_values, mangled_events, phone_numbers
from tests.harness.reliability import announced_outcome, check_reply, dialled, outcome_events
from tests.harness.webhook import TOKEN, Webhook

FUZZ_EXAMPLES = int(os.environ.get("AIFLOW_FUZZ_EXAMPLES", "200"))
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "events"
# Events the reminder conversation has a handler for; every other event is answered 204.
ANSWERED = frozenset(
    {
        "session_start",
        "user_speak",
        "user_barge_in",
        "dtmf_received",
        "user_input_timeout",
        "timeout",
        "assistant_speech_ended",
    }
)
ANSWERS = [
    "Ja",
    "ja, ich komme",
    "Nein",
    "Bitte absagen.",
    "Nein, nicht absagen!",
    "Wie bitte?",
    "Yes",
    "No, cancel it.",
    "Kann ich mit einem Mitarbeiter sprechen?",
    "",
    "   ",
]
CALLEES = ["+4915790000101", "+4915790000102", "+4915790000103"]
# pyproject's 120 s per test is for the few hundred requests of `make test`; `make fuzz` sends 10,000.
pytestmark = pytest.mark.timeout(max(120, FUZZ_EXAMPLES // 10))


# The request and what the protocol lets the webhook answer to it.


@dataclass(frozen=True)
class Request:
    """One webhook request as API Gateway hands it over: the body text, whether it is Base64, the headers."""

    body: str
    base64: bool
    headers: dict[str, str] | None

    def event(self) -> dict[str, Any]:
        event = http_api_event("", {})
        event["body"] = self.body
        event["isBase64Encoded"] = self.base64
        if self.headers is None:
            del event["headers"]
        else:
            event["headers"] = {**event["headers"], "content-length": str(len(self.body)), **self.headers}
        return event

    def expected(self) -> tuple[frozenset[int], str | None]:
        """The statuses the protocol allows for this request, and the session id a 200 must answer."""
        body: bytes | str = self.body
        if self.base64:
            try:
                body = base64.b64decode(self.body, validate=True)
            except (binascii.Error, ValueError):
                return frozenset({400}), None
        size = len(body) if isinstance(body, bytes) else len(body.encode("utf-8", errors="surrogatepass"))
        if size > DEFAULT_MAX_BODY_BYTES:
            return frozenset({413}), None
        presented = next((value for name, value in (self.headers or {}).items() if name.lower() == "x-api-token"), None)
        if presented != TOKEN:
            return frozenset({401}), None
        try:
            event = parse_event(body)
        except InvalidEvent:
            return frozenset({400}), None
        return (frozenset({200, 204}) if event.type in ANSWERED else frozenset({204})), event.session_id


# Strategies: bodies.


def _fixture_payloads() -> list[dict[str, Any]]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(FIXTURES.glob("*.json"))]


FIXTURE_PAYLOADS = _fixture_payloads()


@st.composite
def sessions(draw: st.DrawFn, live: list[dict[str, str]]) -> dict[str, Any]:
    """A call in progress (whole, or only its id as later events often carry), or a new one."""
    if live and draw(st.booleans()):
        ongoing = dict(draw(st.sampled_from(live)))
        return ongoing if draw(st.booleans()) else {"id": ongoing["id"]}
    remote = st.sampled_from(CALLEES) | st.sampled_from([number.lstrip("+") for number in CALLEES]) | phone_numbers
    session: dict[str, Any] = {"id": draw(st.uuids().map(str) | st.text(min_size=1, max_size=40))}
    optional = {
        "account_id": st.text(max_size=20),
        "phone_number": phone_numbers,
        "direction": st.sampled_from(["inbound", "outbound", "sideways"]),
        "from_phone_number": remote,
        "to_phone_number": remote,
    }
    for name, strategy in optional.items():
        if draw(st.booleans()):
            session[name] = draw(strategy)
    return session


@st.composite
def valid_events(draw: st.DrawFn, live: list[dict[str, str]]) -> dict[str, Any]:
    """An event of any type, known or not, with random values in its fields and random extra fields."""
    event_type = draw(st.sampled_from(sorted(EVENT_FIELDS)) | st.sampled_from(sorted(ANSWERED)))
    _, own_fields = EVENT_FIELDS[event_type]
    fields = dict(draw(own_fields))
    if "text" in fields and draw(st.booleans()):
        fields["text"] = draw(st.sampled_from(ANSWERS))
    return {"type": event_type, "session": draw(sessions(live)), **fields, **draw(extras)}


@st.composite
def mutated_fixtures(draw: st.DrawFn) -> str:
    """One of the protocol's example events with fields removed, retyped or renamed, or its JSON text broken."""
    payload = json.loads(json.dumps(draw(st.sampled_from(FIXTURE_PAYLOADS))))
    for _ in range(draw(st.integers(0, 3))):
        target = payload["session"] if isinstance(payload.get("session"), dict) and draw(st.booleans()) else payload
        if not target:
            break
        name = draw(st.sampled_from(sorted(target)))
        match draw(st.sampled_from(["delete", "replace", "rename"])):
            case "delete":
                del target[name]
            case "replace":
                target[name] = draw(json_values)
            case "rename":
                target[name.upper()] = target.pop(name)
    text = json.dumps(payload, ensure_ascii=draw(st.booleans()))
    match draw(st.sampled_from(["whole", "truncated", "inserted", "trailing", "array", "duplicate key"])):
        case "truncated":
            text = text[: draw(st.integers(0, len(text)))]
        case "inserted":
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.text(min_size=1, max_size=5)) + text[at:]
        case "trailing":
            text += draw(st.sampled_from([" ", "\n", "}", ",", "x", "\x00"]))
        case "array":
            text = f"[{text}]"
        case "duplicate key":
            text = text[:-1] + ', "session": ' + json.dumps(draw(json_values)) + "}"
    return text


HUGE_SIZES = st.sampled_from([DEFAULT_MAX_BODY_BYTES - 1, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_BODY_BYTES + 1])


@st.composite
def huge_events(draw: st.DrawFn, live: list[dict[str, str]]) -> str:
    """A user_speak near or far past the 64 KiB limit, in one-byte or multi-byte characters."""
    event = {"type": "user_speak", "text": "", "session": draw(sessions(live))}
    room = DEFAULT_MAX_BODY_BYTES - len(json.dumps(event, ensure_ascii=False).encode())
    size = draw(HUGE_SIZES.map(lambda limit: limit - DEFAULT_MAX_BODY_BYTES + room) | st.integers(room, 2_000_000))
    char = draw(st.sampled_from(["a", "ä", "€", "😀"]))
    event["text"] = char * max(0, size // len(char.encode()))
    return json.dumps(event, ensure_ascii=False)


deep_nesting = st.integers(500, 20_000).map(lambda depth: "[" * depth + "]" * depth) | st.integers(500, 5_000).map(
    lambda depth: '{"type": "user_speak", "session": {"id": "s"}, "text": ' + "[" * depth + "]" * depth + "}"
)
huge_numbers = st.integers(4_000, 20_000).map(
    lambda digits: '{"type": "dtmf_received", "digit": ' + "9" * digits + ', "session": {"id": "s"}}'
)

lone_surrogates = st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=3).map(
    lambda surrogate: f"ja {surrogate}"
) | st.builds(lambda surrogate: {"id": surrogate}, st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF))
WRONG_ENCODINGS = ["latin-1", "cp1252", "utf-16", "utf-16-le", "utf-32", "utf-8-sig"]


@st.composite
def requests(draw: st.DrawFn, live: list[dict[str, str]]) -> Request:
    kind = draw(
        st.sampled_from(
            [
                "valid",
                "valid",
                "valid",
                "mutated fixture",
                "mutated event",
                "random text",
                "random bytes",
                "huge",
                "deep or long",
                "wrong encoding",
                "broken base64",
            ]
        )
    )
    base64_body = False
    match kind:
        case "valid":
            text = json.dumps(draw(valid_events(live)), ensure_ascii=draw(st.booleans()))
            base64_body = draw(st.integers(0, 4)) == 0  # API Gateway encodes bodies it takes for binary
            body = base64.b64encode(text.encode()).decode() if base64_body else text
        case "mutated fixture":
            body = draw(mutated_fixtures())
        case "mutated event":
            body = json.dumps(draw(mangled_events()), ensure_ascii=False)
        case "random text":
            body = draw(st.text(max_size=300))
        case "random bytes":
            data = draw(st.binary(max_size=300))
            base64_body = draw(st.booleans())
            body = base64.b64encode(data).decode() if base64_body else data.decode("latin-1")
        case "huge":
            text = draw(huge_events(live))
            base64_body = draw(st.booleans())
            body = base64.b64encode(text.encode()).decode() if base64_body else text
        case "deep or long":
            body = draw(deep_nesting | huge_numbers)
        case "wrong encoding":
            event = draw(valid_events(live))
            event.setdefault("text", draw(st.sampled_from(["Ja, natürlich", "Grüß Gott", "Nein, danke schön"])))
            if draw(st.booleans()):  # a lone surrogate: valid JSON escapes, but no Unicode text
                event[draw(st.sampled_from(["text", "session"]))] = draw(lone_surrogates)
                body = json.dumps(event, ensure_ascii=draw(st.booleans()))
            else:
                encoding = draw(st.sampled_from(WRONG_ENCODINGS))
                encoded = json.dumps(event, ensure_ascii=False).encode(encoding, "replace")
                base64_body = True
                body = base64.b64encode(encoded).decode()
        case "broken base64":
            valid = base64.b64encode(json.dumps(draw(valid_events(live))).encode()).decode()
            at = draw(st.integers(0, len(valid)))
            broken = draw(st.sampled_from(["%", "\n", " ", "=", "-_", "ä"]))
            body = draw(st.sampled_from([valid[:at] + broken + valid[at:], valid.rstrip("=") + "A", "%%% nope %%%"]))
            base64_body = True
    return Request(body, base64_body, draw(token_headers()))


TOKEN_FORMS = {
    "right": TOKEN,
    "empty": "",
    "wrong": "webhook-test-tokem",
    "prefix": TOKEN[:-1],
    "padded": f" {TOKEN} ",
    "twice": f"{TOKEN},{TOKEN}",  # API Gateway joins a repeated header with commas
    "non-ascii": "wébhook-test-token",
    # Not text at all: what a header's undecodable bytes become (surrogateescape), or a broken \u escape.
    "lone-surrogate": TOKEN[:-1] + "\ud800",
    "escaped-byte": "\udcff" + TOKEN,
}


@st.composite
def token_headers(draw: st.DrawFn) -> dict[str, str] | None:
    shape = draw(st.sampled_from(["right"] * 6 + ["no headers", "no token", "random", *TOKEN_FORMS]))
    if shape == "no headers":
        return None
    headers = {"content-type": draw(st.sampled_from(["application/json", "text/plain", "application/octet-stream"]))}
    if shape == "no token":
        return headers
    name = draw(st.sampled_from(["x-api-token", "x-api-token", "X-API-TOKEN", "X-Api-Token"]))
    headers[name] = draw(st.text(max_size=30)) if shape == "random" else TOKEN_FORMS[shape]
    return headers


# A few calls in progress for fuzzed events to land in.


@pytest.fixture
def live_calls(webhook: Webhook) -> list[dict[str, str]]:
    calls = []
    for index, number in enumerate(CALLEES):
        dialled(webhook.repository, f"fuzz-{index}", number, language=[Language.GERMAN, Language.ENGLISH][index % 2])
        call = webhook.simulator().start_call(direction="outbound", to_phone_number=number)
        calls.append(dict(call.session))
    return calls


@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_every_request_gets_a_protocol_answer_and_never_a_5xx(
    webhook: Webhook, live_calls: list[dict[str, str]], fuzz_tally: Any, data: st.DataObject
) -> None:
    request = data.draw(requests(live_calls))
    allowed, session_id = request.expected()

    reply = webhook.app.lambda_handler(request.event(), FakeLambdaContext())

    fuzz_tally.count(reply["statusCode"])
    check_reply(reply, allowed, session_id)


# Whole calls in random order.


def reminder_call(webhook: Webhook, fuzz_tally: Any) -> type[RuleBasedStateMachine]:
    """The state machine of one outbound reminder call on ``webhook``: the callee's moves, and sipgate's events."""
    headers = {"Content-Type": "application/json", "X-API-TOKEN": TOKEN}

    class ReminderCall(RuleBasedStateMachine):
        """An outbound reminder call: the callee's moves, and sipgate's events, in any order and repeated."""

        @initialize(language=st.sampled_from(Language), sparse=st.booleans())
        def ring(self, language: Language, sparse: bool) -> None:
            self.language = language
            self.sparse = sparse  # later events carry only the session id, as in several of sipgate's examples
            self.reminder_id = f"machine-{uuid.uuid4().hex[:12]}"
            self.number = f"+49157{uuid.uuid4().int % 10**8:08d}"
            dialled(webhook.repository, self.reminder_id, self.number, language=language)
            self.session = {
                "id": str(uuid.uuid4()),
                "account_id": "account-1",
                "phone_number": self.number,
                "direction": "outbound",
                "from_phone_number": "+4921155660",
                "to_phone_number": self.number,
            }
            self.announced: list[Outcome] = []
            self.hung_up = False
            self.send("session_start")

        def send(self, event_type: str, **fields: Any) -> None:
            session = {"id": self.session["id"]} if self.sparse and event_type != "session_start" else self.session
            event = {"type": event_type, **fields, "session": session}
            reply = webhook.post(json.dumps(event), headers)
            fuzz_tally.count(reply["statusCode"])
            check_reply(reply, frozenset({200, 204}), self.session["id"])
            if reply["statusCode"] == 200:
                payload = json.loads(reply["body"])
                for action in payload if isinstance(payload, list) else [payload]:
                    outcome = announced_outcome(action.get("text") or "", self.language)
                    if outcome is not None:
                        self.announced.append(outcome)

        @rule(text=st.sampled_from(ANSWERS) | st.text(max_size=40), barged_in=st.booleans())
        def say(self, text: str, barged_in: bool) -> None:
            self.send("user_speak", text=text, barged_in=barged_in)

        @rule(text=st.none() | st.sampled_from(ANSWERS))
        def barge_in_the_legacy_way(self, text: str | None) -> None:
            self.send("user_barge_in", **({} if text is None else {"text": text}))

        @rule(key=st.sampled_from("0123456789*#"))
        def press(self, key: str) -> None:
            self.send("dtmf_received", digit=key)

        @rule(name=st.sampled_from(["user_input_timeout", "timeout"]))
        def stay_silent(self, name: str) -> None:
            self.send(name)

        @rule()
        def speech_plays_out(self) -> None:
            self.send("assistant_speak", text="...", duration_ms=1200, speech_started_at=1_700_000_000_000)
            self.send("assistant_speech_ended")

        @rule()
        def session_starts_again(self) -> None:  # as after a transfer nobody took
            self.send("session_start")

        @rule()
        def something_new(self) -> None:
            self.send("call_recording_ready")

        @rule()
        def hang_up(self) -> None:
            self.send("session_end", reason="caller hung up")
            self.hung_up = True

        @invariant()
        def decided_at_most_once_and_as_announced(self) -> None:
            record = webhook.repository.get(self.reminder_id)
            assert record is not None
            assert len(outcome_events(record)) <= 1
            if record.outcome is not None:
                assert record.outcome_session_id in (self.session["id"], None)
            for outcome in self.announced:
                assert outcome == record.outcome, f"the caller heard {outcome}, the reminder says {record.outcome}"

        def teardown(self) -> None:
            if not hasattr(self, "session"):
                return
            if not self.hung_up:
                self.send("session_end")
            record = webhook.repository.get(self.reminder_id)
            assert record is not None
            if record.is_decided:
                assert len(outcome_events(record)) == 1
                assert webhook.repository.find_line(self.number) is None, "the line is free once decided"
                return
            # Undecided only where the attempt ended as a mailbox's or someone else's: the reminder waits for
            # its next attempt, the line claimed for a callback (reminders.conversation.mailbox).
            assert record.attempts in (record.voicemail_attempt, record.third_party_attempt), (
                f"the call ended and the reminder is still {record.status}"
            )
            assert outcome_events(record) == []
            assert webhook.repository.find_line(self.number) is not None, "a callback still finds the reminder"

    return ReminderCall


def test_calls_with_events_in_random_order_decide_each_reminder_exactly_once(
    start_webhook: Any, fuzz_tally: Any
) -> None:
    webhook: Webhook = start_webhook(TRANSFER_NUMBER="+4921155667788")
    run_state_machine_as_test(
        reminder_call(webhook, fuzz_tally),
        settings=settings(
            max_examples=max(8, FUZZ_EXAMPLES // 50),
            stateful_step_count=20,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


# The calls the random order found, played step by step, each step followed by the machine's invariant.


def _play(call: RuleBasedStateMachine, *steps: tuple[str, dict[str, Any]]) -> None:
    for name, arguments in steps:
        getattr(call, name)(**arguments)
        call.decided_at_most_once_and_as_announced()
    call.teardown()


def test_a_call_that_falls_silent_after_a_missed_greeting_leaves_the_reminder_to_its_next_attempt(
    start_webhook: Any, fuzz_tally: Any
) -> None:
    webhook: Webhook = start_webhook()
    call = reminder_call(webhook, fuzz_tally)()
    _play(
        call,
        ("ring", {"language": Language.GERMAN, "sparse": False}),
        ("barge_in_the_legacy_way", {"text": "Ja"}),  # speech, but nothing a person answers with
        ("stay_silent", {"name": "user_input_timeout"}),
        ("stay_silent", {"name": "user_input_timeout"}),  # taken for a mailbox
    )

    record = webhook.reminder(call.reminder_id)
    assert (record.status, record.voicemail_attempt, record.outcome) == (ReminderStatus.CALLING, 1, None)


def test_a_session_started_again_after_a_mailbox_hung_up_is_decided_once_beside_the_mailbox_note(
    start_webhook: Any, fuzz_tally: Any
) -> None:
    webhook: Webhook = start_webhook()
    call = reminder_call(webhook, fuzz_tally)()
    _play(
        call,
        ("ring", {"language": Language.GERMAN, "sparse": False}),
        ("barge_in_the_legacy_way", {"text": "Ja"}),
        ("stay_silent", {"name": "user_input_timeout"}),
        ("stay_silent", {"name": "user_input_timeout"}),
        ("hang_up", {}),  # the mailbox hung up before the message: a note, the reminder open
        ("session_starts_again", {}),
        ("hang_up", {}),
    )

    record = webhook.reminder(call.reminder_id)
    events = [entry.event for entry in record.history]
    assert (record.outcome, events.count(HistoryEvent.VOICEMAIL)) == (Outcome.NO_DECISION, 1)
