"""Properties that hold for any input: the parser never crashes, the webhook never answers outside the protocol."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiflow import (
    AiFlowAssistant,
    AssistantSpeak,
    AssistantSpeechEnded,
    DtmfReceived,
    InvalidEvent,
    SessionEnd,
    SessionStart,
    SmsFailed,
    UnknownEvent,
    UserBargeIn,
    UserInputTimeout,
    UserSpeak,
    UserSpeechStarted,
    hangup,
    parse_action,
    parse_event,
    speak,
)
from tests.harness.events import json_values, mangled_events, phone_numbers, strict_json, valid_events

PROPERTY_SETTINGS = settings(
    max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

EVENT_CLASSES = (
    SessionStart,
    UserSpeak,
    UserBargeIn,
    UserSpeechStarted,
    AssistantSpeak,
    AssistantSpeechEnded,
    UserInputTimeout,
    DtmfReceived,
    SessionEnd,
    SmsFailed,
    UnknownEvent,
)
PROTOCOL_STATUSES = {200, 204, 400, 401, 413}
TOKEN = "prop-token"


# ---------------------------------------------------------------------------------------------------
# Strategies.
# ---------------------------------------------------------------------------------------------------


# For each event type: the class it must parse to, and a strategy for its own fields.
def serialised(payloads: Any) -> Any:
    return payloads.map(lambda payload: json.dumps(payload, ensure_ascii=False))


bodies = (
    st.binary(max_size=300)
    | st.text(max_size=300)
    | serialised(json_values)
    | serialised(mangled_events())
    | serialised(valid_events().map(lambda pair: pair[0]))
    | serialised(valid_events().map(lambda pair: pair[0])).map(str.encode)
)

token_headers = st.sampled_from(["x-api-token", "X-API-TOKEN", "X-Api-Token"]).flatmap(
    lambda name: st.fixed_dictionaries({name: st.just(TOKEN) | st.text(max_size=12)})
)
headers = st.none() | st.dictionaries(st.text(max_size=20), st.text(max_size=30), max_size=4) | token_headers

ACTION_TYPES = [
    "speak",
    "audio",
    "mix_audio",
    "hangup",
    "transfer",
    "barge_in",
    "configure_transcription",
    "configure_voice_to_voice",
    "send_sms",
]
action_fields = {
    "session_id": st.none() | st.text(max_size=10),
    "text": st.text(max_size=20),
    "ssml": st.text(max_size=20),
    "audio": st.text(max_size=20),
    "stop": st.booleans(),
    "volume": st.floats(),
    "temperature": st.floats(),
    "user_input_timeout_seconds": st.integers() | st.floats(),
    "timeout": st.integers(),
    "target_phone_number": phone_numbers,
    "caller_id_name": st.text(max_size=10),
    "caller_id_number": phone_numbers,
    "phone_number": phone_numbers,
    "message": st.text(max_size=20),
    "system_prompt": st.text(max_size=20),
    "languages": st.lists(st.sampled_from(["de-DE", "en-US", "x"]), max_size=5),
    "barge_in": st.fixed_dictionaries(
        {"strategy": st.sampled_from(["none", "manual", "minimum_characters", "immediate", "bogus"])},
        optional={"minimum_characters": st.integers(-5, 120), "allow_after_ms": st.integers(-5, 20_000)},
    ),
    "vad": st.fixed_dictionaries({"end_of_turn_silence_ms": st.integers(0, 3000)}),
    "bogus_field": json_values,
}
action_dicts = st.fixed_dictionaries(
    {"type": st.sampled_from([*ACTION_TYPES, "dance", ""])},
    optional=action_fields,
)
handler_results = st.recursive(
    st.none()
    | st.text(max_size=30)
    | action_dicts
    | st.builds(speak, st.text(min_size=1, max_size=30))
    | st.builds(hangup)
    | st.integers()
    | st.floats()
    | json_values,
    lambda children: st.lists(children, max_size=4) | st.tuples(children, children),
    max_leaves=8,
)


# ---------------------------------------------------------------------------------------------------
# parse_event: an Event or InvalidEvent, nothing else.
# ---------------------------------------------------------------------------------------------------


def parses_or_is_invalid(data: Any) -> None:
    outcome: Any
    try:
        outcome = parse_event(data)
    except InvalidEvent as error:
        outcome = error
    if isinstance(outcome, InvalidEvent):
        assert isinstance(outcome.reason, str)
        assert outcome.reason
    else:
        assert isinstance(outcome, EVENT_CLASSES)
        assert isinstance(outcome.session_id, str)
        assert outcome.session_id


@PROPERTY_SETTINGS
@given(st.binary(max_size=500))
def test_any_bytes_parse_or_are_invalid(data: bytes) -> None:
    parses_or_is_invalid(data)


@PROPERTY_SETTINGS
@given(st.text(max_size=500) | serialised(json_values) | serialised(mangled_events()))
def test_any_text_parses_or_is_invalid(data: str) -> None:
    parses_or_is_invalid(data)


@PROPERTY_SETTINGS
@given(json_values | mangled_events())
def test_any_json_value_parses_or_is_invalid(data: Any) -> None:
    parses_or_is_invalid(data)


@PROPERTY_SETTINGS
@given(valid_events(), st.sampled_from(["dict", "str", "bytes"]))
def test_valid_events_parse_to_their_class(drawn: tuple[dict[str, Any], type], form: str) -> None:
    payload, event_class = drawn
    text = json.dumps(payload, ensure_ascii=False)
    given_data = {"dict": payload, "str": text, "bytes": text.encode()}[form]

    event = parse_event(given_data)

    assert type(event) is event_class
    assert event.type == payload["type"]
    assert event.session_id == payload["session"]["id"]
    own = {name: value for name, value in payload.items() if name not in {"type", "session"}}
    if isinstance(event, UnknownEvent):
        assert event.raw == payload
        return
    for name, value in own.items():
        if name.startswith("x_"):
            assert event.model_extra is not None
            assert event.model_extra[name] == value
        else:
            assert getattr(event, name) == value
    for name, value in payload["session"].items():
        assert getattr(event.session, name) == value


# ---------------------------------------------------------------------------------------------------
# The webhook: only protocol status codes, only valid actions.
# ---------------------------------------------------------------------------------------------------


def echo(event: Any) -> Any:
    return [f"You said {event.text}" if getattr(event, "text", None) else "Hello", {"type": "barge_in"}]


def fail(event: Any) -> None:
    raise RuntimeError("the handler broke")


def remember(event: Any, state: dict[str, Any]) -> str:
    state["turns"] = state.get("turns", 0) + 1
    return f"Turn {state['turns']}"


ALL_HANDLERS = {
    "on_session_start": remember,
    "on_user_speak": echo,
    "on_user_barge_in": echo,
    "on_assistant_speak": lambda event: None,
    "on_assistant_speech_ended": lambda event: hangup(),
    "on_user_input_timeout": lambda event: "Are you there?",
    "on_dtmf_received": lambda event, state: f"You pressed {event.digit}",
    "on_user_speech_started": echo,
    "on_session_end": remember,
    "on_sms_failed": fail,
}


def assert_protocol_response(response: Any) -> None:
    assert response.status_code in PROTOCOL_STATUSES
    if response.status_code == 200:
        payload = strict_json(response.body)
        assert isinstance(payload, dict | list)
        assert response.actions
        for wire in response.actions:
            assert wire["session_id"]
            parse_action(wire)
    elif response.status_code == 204:
        assert response.body == ""
    else:
        assert set(strict_json(response.body)) == {"error"}


@PROPERTY_SETTINGS
@given(bodies, headers, st.sampled_from([None, TOKEN]), st.sampled_from([256, 64 * 1024]))
def test_handle_answers_only_with_protocol_statuses(
    body: bytes | str, request_headers: dict[str, str] | None, token: str | None, max_body_bytes: int
) -> None:
    assistant = AiFlowAssistant(**ALL_HANDLERS, webhook_token=token, max_body_bytes=max_body_bytes)
    assert_protocol_response(assistant.handle(body, request_headers))


@PROPERTY_SETTINGS
@given(handler_results, valid_events())
def test_any_handler_result_gives_a_valid_response(result: Any, drawn: tuple[dict[str, Any], type]) -> None:
    payload, _ = drawn
    handlers = {name: (lambda event, result=result: result) for name in ALL_HANDLERS}
    assistant = AiFlowAssistant(**handlers)

    response = assistant.handle(json.dumps(payload).encode())

    assert response.status_code in {200, 204}
    assert_protocol_response(response)


@PROPERTY_SETTINGS
@given(json_values | st.builds(set) | st.just(math.inf), st.text(min_size=1, max_size=20))
def test_any_state_written_by_a_handler_gives_a_valid_response(value: Any, session_id: str) -> None:
    def on_user_speak(event: Any, state: dict[str, Any]) -> str:
        state["value"] = value
        return "ok"

    assistant = AiFlowAssistant(on_user_speak=on_user_speak)
    said = json.dumps({"type": "user_speak", "text": "hi", "session": {"id": session_id}})

    for _ in range(2):
        response = assistant.handle(said)
        assert response.status_code == 200
        assert_protocol_response(response)
