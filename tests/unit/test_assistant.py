"""AiFlowAssistant as a webhook: real assistants, real stores, real request bodies in and responses out."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

import pytest

from aiflow import (
    AiFlowAssistant,
    InMemorySessionStore,
    StateConflict,
    StoredState,
    UserInputTimeout,
    UserSpeak,
    WebhookResponse,
    hangup,
    parse_event,
    speak,
)
from aiflow.assistant import DEFAULT_FALLBACK_TEXT

SID = "550e8400-e29b-41d4-a716-446655440000"
TOKEN = "s3cr3t-webhook-token"


def payload(event_type: str, session_id: str = SID, **fields: Any) -> dict[str, Any]:
    return {"type": event_type, "session": {"id": session_id, "account_id": "acc-1"}, **fields}


def body(event_type: str, session_id: str = SID, **fields: Any) -> bytes:
    return json.dumps(payload(event_type, session_id, **fields), ensure_ascii=False).encode()


def said(text: str = "Hello", session_id: str = SID) -> bytes:
    return body("user_speak", session_id, text=text)


def speak_wire(text: str, session_id: str = SID) -> dict[str, Any]:
    return {"type": "speak", "session_id": session_id, "text": text}


FALLBACK = speak_wire(DEFAULT_FALLBACK_TEXT)

# One body for every event type a handler can be registered for.
EVENT_BODIES: dict[str, bytes] = {
    "on_session_start": body("session_start"),
    "on_user_speak": said(),
    "on_user_barge_in": body("user_barge_in", text="Wait"),
    "on_assistant_speak": body("assistant_speak", text="Hi", duration_ms=1200, speech_started_at=1700000000000),
    "on_assistant_speech_ended": body("assistant_speech_ended"),
    "on_user_input_timeout": body("user_input_timeout"),
    "on_dtmf_received": body("dtmf_received", digit="#"),
    "on_user_speech_started": body("user_speech_started"),
    "on_session_end": body("session_end", reason="hangup"),
    "on_sms_failed": body("sms_failed"),
}
NO_REPLY_HANDLERS = {"on_user_speech_started", "on_session_end"}


def fail(*_args: Any) -> None:
    raise RuntimeError("the handler broke")


class CountingStore(InMemorySessionStore):
    """A real in-memory store that also counts how often it was written to."""

    def __init__(self) -> None:
        super().__init__()
        self.saves = 0

    def save(self, session_id: str, data: Mapping[str, Any], *, expected_version: int) -> int:
        self.saves += 1
        return super().save(session_id, data, expected_version=expected_version)


class RacedStore(InMemorySessionStore):
    """A real store where, just before each of the first ``races`` saves, another turn saves first.

    The other writer increments ``other_writer`` on the then-current state, so the racing save finds a
    newer version and the store raises StateConflict by its own rules.
    """

    def __init__(self, races: int) -> None:
        super().__init__()
        self.races = races

    def save(self, session_id: str, data: Mapping[str, Any], *, expected_version: int) -> int:
        if self.races > 0:
            self.races -= 1
            current = self.load(session_id)
            other = {**current.data, "other_writer": current.data.get("other_writer", 0) + 1}
            super().save(session_id, other, expected_version=current.version)
        return super().save(session_id, data, expected_version=expected_version)


class UnavailableStore(InMemorySessionStore):
    """A store whose backend is down: every call raises, as a network client would."""

    def load(self, session_id: str) -> StoredState:
        raise ConnectionError("store unavailable")

    def save(self, session_id: str, data: Mapping[str, Any], *, expected_version: int) -> int:
        raise ConnectionError("store unavailable")

    def delete(self, session_id: str) -> None:
        raise ConnectionError("store unavailable")


class ReadOnlyStore(InMemorySessionStore):
    """Loads work, saves fail."""

    def save(self, session_id: str, data: Mapping[str, Any], *, expected_version: int) -> int:
        raise ConnectionError("store is read-only")


# ---------------------------------------------------------------------------------------------------
# What a handler returns, and what sipgate gets.
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("result", "wire"),
    [
        pytest.param("Hi there", speak_wire("Hi there"), id="str-is-speak"),
        pytest.param(hangup(), {"type": "hangup", "session_id": SID}, id="action"),
        pytest.param(speak("Hallo"), speak_wire("Hallo"), id="builder-without-session-id"),
        pytest.param({"type": "hangup"}, {"type": "hangup", "session_id": SID}, id="dict-without-session-id"),
        pytest.param(
            {"type": "speak", "text": "Hi", "barge_in": {"strategy": "none"}},
            {**speak_wire("Hi"), "barge_in": {"strategy": "none"}},
            id="dict-with-sub-object",
        ),
        pytest.param(["Bye", hangup()], [speak_wire("Bye"), {"type": "hangup", "session_id": SID}], id="list"),
        pytest.param(
            [["One", ["Two"]], None, [], {"type": "hangup"}],
            [speak_wire("One"), speak_wire("Two"), {"type": "hangup", "session_id": SID}],
            id="nested-list",
        ),
        pytest.param(("Bye", hangup()), [speak_wire("Bye"), {"type": "hangup", "session_id": SID}], id="tuple"),
        pytest.param(["Only one"], speak_wire("Only one"), id="list-of-one-is-an-object"),
    ],
)
def test_handler_result_becomes_the_response_body(result: Any, wire: Any) -> None:
    assistant = AiFlowAssistant(on_user_speak=lambda event: result)

    response = assistant.handle(said())

    assert response.status_code == 200
    assert response.headers == {"Content-Type": "application/json"}
    assert json.loads(response.body) == wire
    assert response.used_fallback is False
    assert response.actions == (wire if isinstance(wire, list) else [wire])


@pytest.mark.parametrize("result", [None, [], [None, []]], ids=["none", "empty-list", "nothing-nested"])
def test_nothing_to_do_is_204_with_an_empty_body(result: Any) -> None:
    response = AiFlowAssistant(on_user_speak=lambda event: result).handle(said())
    assert response.status_code == 204
    assert response.body == ""
    assert response.actions == []
    assert response.used_fallback is False


def test_the_handler_gets_the_typed_event() -> None:
    seen: list[Any] = []
    assistant = AiFlowAssistant(on_user_speak=lambda event: seen.append(event))

    assistant.handle(body("user_speak", text="I need an appointment", barged_in=True))

    assert len(seen) == 1
    assert isinstance(seen[0], UserSpeak)
    assert seen[0].text == "I need an appointment"
    assert seen[0].barged_in is True
    assert seen[0].session_id == SID


def test_actions_get_the_session_id_of_their_own_event() -> None:
    assistant = AiFlowAssistant(on_user_speak=lambda event: [f"You said {event.text}", hangup()])

    first = assistant.handle(said("one", session_id="call-1"))
    second = assistant.handle(said("two", session_id="call-2"))

    assert first.actions == [speak_wire("You said one", "call-1"), {"type": "hangup", "session_id": "call-1"}]
    assert second.actions == [speak_wire("You said two", "call-2"), {"type": "hangup", "session_id": "call-2"}]


def test_response_carries_the_parsed_event() -> None:
    response = AiFlowAssistant(on_user_speak=lambda event: "ok").handle(said("hi"))
    assert response.event == parse_event(said("hi"))


# ---------------------------------------------------------------------------------------------------
# Events that never get an action.
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("result", ["Goodbye", [hangup(), "Bye"], None])
def test_session_end_is_always_204_and_forgets_the_state(result: Any) -> None:
    store = InMemorySessionStore()
    store.save(SID, {"name": "Ada"}, expected_version=0)
    seen: list[dict[str, Any]] = []

    def on_session_end(event: Any, state: dict[str, Any]) -> Any:
        seen.append(dict(state))
        return result

    response = AiFlowAssistant(on_session_end=on_session_end, session_store=store).handle(body("session_end"))

    assert response.status_code == 204
    assert response.body == ""
    assert seen == [{"name": "Ada"}], "the handler still runs, with the call's last state"
    assert store.load(SID) == StoredState()


def test_session_end_forgets_the_state_without_a_handler() -> None:
    store = InMemorySessionStore()
    store.save(SID, {"name": "Ada"}, expected_version=0)
    assert AiFlowAssistant(session_store=store).handle(body("session_end")).status_code == 204
    assert store.load(SID) == StoredState()


def test_session_end_forgets_the_state_even_when_its_handler_fails() -> None:
    store = InMemorySessionStore()
    store.save(SID, {"name": "Ada"}, expected_version=0)

    response = AiFlowAssistant(on_session_end=fail, session_store=store).handle(body("session_end"))

    assert response.status_code == 204
    assert store.load(SID) == StoredState(), "the call is over: its state must go even if the handler broke"


def test_session_end_with_a_failing_store_is_still_204() -> None:
    response = AiFlowAssistant(session_store=UnavailableStore()).handle(body("session_end"))
    assert response.status_code == 204


@pytest.mark.parametrize("handler", [lambda event: "Hello?", fail], ids=["replies", "fails"])
def test_user_speech_started_is_204(handler: Any) -> None:
    response = AiFlowAssistant(on_user_speech_started=handler).handle(body("user_speech_started"))
    assert response.status_code == 204
    assert response.body == ""


def every_handler(reply: str = "handled") -> dict[str, Any]:
    return {name: (lambda event, name=name: f"{reply} by {name}") for name in EVENT_BODIES}


def test_unknown_event_type_is_204_even_with_every_handler_registered() -> None:
    response = AiFlowAssistant(**every_handler()).handle(body("call_recording_ready", url="https://x"))
    assert response.status_code == 204
    assert response.body == ""


@pytest.mark.parametrize("name", sorted(EVENT_BODIES))
def test_no_handler_registered_is_204(name: str) -> None:
    assert AiFlowAssistant().handle(EVENT_BODIES[name]).status_code == 204


# ---------------------------------------------------------------------------------------------------
# Requests that are refused: 400, 401, 413.
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "request_body",
    [
        pytest.param(b"\xff\xfe\x00", id="not-utf8"),
        pytest.param(b"", id="empty"),
        pytest.param(b"type=user_speak", id="form-encoded"),
        pytest.param(b"[]", id="array"),
        pytest.param(b'{"session": {"id": "s"}}', id="no-type"),
        pytest.param(b'{"type": "user_speak", "text": "hi"}', id="no-session"),
        pytest.param(b'{"type": "user_speak", "text": "hi", "session": {}}', id="no-session-id"),
        pytest.param(body("user_speak", text=["hi"]), id="text-is-a-list"),
        pytest.param(body("dtmf_received", digit="12"), id="two-digits"),
        pytest.param("{not json", id="str-body"),
        pytest.param(said()[:-1] + b', "n": ' + b"9" * 5000 + b"}", id="integer-too-long-for-python"),
    ],
)
def test_malformed_body_is_400_with_the_reason(request_body: bytes | str) -> None:
    assistant = AiFlowAssistant(**every_handler())

    response = assistant.handle(request_body)

    assert response.status_code == 400
    assert response.headers == {"Content-Type": "application/json"}
    error = json.loads(response.body)
    assert set(error) == {"error"}
    assert isinstance(error["error"], str)
    assert error["error"]
    assert response.actions == []


def test_400_reason_is_the_parse_error() -> None:
    response = AiFlowAssistant().handle(b'{"type": "user_speak", "session": {"id": ""}}')
    assert json.loads(response.body) == {"error": "event has no 'session.id' string"}


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(None, id="no-headers"),
        pytest.param({}, id="empty-headers"),
        pytest.param({"content-type": "application/json"}, id="header-missing"),
        pytest.param({"x-api-token": "wrong"}, id="wrong"),
        pytest.param({"x-api-token": ""}, id="empty"),
        pytest.param({"x-api-token": TOKEN[:-1]}, id="prefix"),
        pytest.param({"x-api-token": TOKEN + "x"}, id="longer"),
        pytest.param({"x-api-token": TOKEN.upper()}, id="value-case-differs"),
        pytest.param({"x-api-token": f" {TOKEN}"}, id="leading-space"),
        pytest.param({"authorization": f"Bearer {TOKEN}"}, id="bearer-instead"),
        pytest.param({"x-api-key": TOKEN}, id="other-header"),
        pytest.param({"x-api-token": TOKEN[:-1] + "\ud800"}, id="lone-surrogate"),
        pytest.param({"x-api-token": "\udcff" + TOKEN}, id="undecodable-byte"),
    ],
)
def test_missing_or_wrong_token_is_401(headers: dict[str, str] | None) -> None:
    calls: list[Any] = []
    assistant = AiFlowAssistant(webhook_token=TOKEN, on_user_speak=lambda event: calls.append(event))

    response = assistant.handle(said(), headers)

    assert response.status_code == 401
    assert set(json.loads(response.body)) == {"error"}
    assert calls == [], "an unauthenticated request never reaches a handler"


def test_401_comes_before_parsing() -> None:
    assistant = AiFlowAssistant(webhook_token=TOKEN)
    assert assistant.handle(b"not even json", {"x-api-token": "wrong"}).status_code == 401


@pytest.mark.parametrize("name", ["X-API-TOKEN", "x-api-token", "X-Api-Token", "x-API-token"])
def test_token_header_name_is_case_insensitive(name: str) -> None:
    assistant = AiFlowAssistant(webhook_token=TOKEN, on_user_speak=lambda event: "ok")
    response = assistant.handle(said(), {"content-type": "application/json", name: TOKEN})
    assert response.status_code == 200
    assert response.actions == [speak_wire("ok")]


@pytest.mark.parametrize("headers", [None, {}, {"x-api-token": "anything"}])
def test_no_token_configured_means_no_check(headers: dict[str, str] | None) -> None:
    assistant = AiFlowAssistant(on_user_speak=lambda event: "ok")
    assert assistant.handle(said(), headers).status_code == 200


def sized_body(size: int) -> bytes:
    """A valid user_speak body of exactly ``size`` bytes."""
    empty = said("")
    padded = said("x" * (size - len(empty)))
    assert len(padded) == size
    return padded


@pytest.mark.parametrize("form", ["bytes", "str"])
def test_body_over_the_limit_is_413(form: str) -> None:
    assistant = AiFlowAssistant(max_body_bytes=200, on_user_speak=lambda event: "ok")
    at_limit, over_limit = sized_body(200), sized_body(201)
    if form == "str":
        at_limit, over_limit = at_limit.decode(), over_limit.decode()

    assert assistant.handle(at_limit).status_code == 200
    response = assistant.handle(over_limit)
    assert response.status_code == 413
    assert set(json.loads(response.body)) == {"error"}


def test_body_limit_counts_bytes_not_characters() -> None:
    # API Gateway hands the body over as text; 60 "ü" are 60 characters but 120 bytes on the wire.
    text_body = said("ü" * 60).decode()
    assert len(text_body) < 200 < len(text_body.encode())
    response = AiFlowAssistant(max_body_bytes=200, on_user_speak=lambda event: "ok").handle(text_body)
    assert response.status_code == 413


# ---------------------------------------------------------------------------------------------------
# A failing handler: the caller hears the fallback, sipgate never sees a 5xx.
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fallback", "wire"),
    [
        pytest.param({}, FALLBACK, id="default-text"),
        pytest.param({"fallback": "Einen Moment bitte."}, speak_wire("Einen Moment bitte."), id="custom-text"),
        pytest.param(
            {"fallback": lambda event: [f"Sorry ({event.type})", hangup()]},
            [speak_wire("Sorry (user_speak)"), {"type": "hangup", "session_id": SID}],
            id="custom-callable",
        ),
        pytest.param({"fallback": fail}, FALLBACK, id="callable-that-raises"),
        pytest.param({"fallback": lambda event: 42}, FALLBACK, id="callable-returning-garbage"),
        pytest.param({"fallback": ""}, FALLBACK, id="empty-text"),
    ],
)
def test_handler_that_raises_gets_the_fallback(fallback: dict[str, Any], wire: Any) -> None:
    response = AiFlowAssistant(on_user_speak=fail, **fallback).handle(said())

    assert response.status_code == 200
    assert json.loads(response.body) == wire
    assert response.used_fallback is True


def test_fallback_returning_nothing_is_204() -> None:
    response = AiFlowAssistant(on_user_speak=fail, fallback=lambda event: None).handle(said())
    assert response.status_code == 204
    assert response.used_fallback is True


@pytest.mark.parametrize(
    "garbage",
    [
        pytest.param(42, id="int"),
        pytest.param(3.5, id="float"),
        pytest.param(True, id="bool"),
        pytest.param(object(), id="object"),
        pytest.param(b"bytes", id="bytes"),
        pytest.param("", id="empty-string"),
        pytest.param({"type": "speak"}, id="speak-without-text"),
        pytest.param({"type": "dance"}, id="unknown-action"),
        pytest.param({"text": "Hi"}, id="dict-without-type"),
        pytest.param({"type": "hangup", "extra": 1}, id="unknown-field"),
        pytest.param({"type": "transfer", "target_phone_number": "support"}, id="invalid-transfer"),
        pytest.param(["fine", 42], id="list-with-garbage"),
        pytest.param({1, 2}, id="set"),
    ],
)
def test_handler_returning_garbage_gets_the_fallback(garbage: Any) -> None:
    response = AiFlowAssistant(on_user_speak=lambda event: garbage).handle(said())

    assert response.status_code == 200
    assert json.loads(response.body) == FALLBACK
    assert response.used_fallback is True


def test_actions_are_sent_as_strict_json() -> None:
    # A float that JSON cannot carry must never reach sipgate as "Infinity".
    def on_user_speak(event: Any) -> Any:
        return {"type": "speak", "text": "Take your time.", "user_input_timeout_seconds": float("inf")}

    response = AiFlowAssistant(on_user_speak=on_user_speak).handle(said())

    assert response.status_code in {200, 204}
    if response.status_code == 200:
        json.loads(response.body, parse_constant=lambda name: pytest.fail(f"{name} is not JSON"))


# ---------------------------------------------------------------------------------------------------
# Registration: constructor keywords, decorators, async handlers, legacy events.
# ---------------------------------------------------------------------------------------------------


async def async_reply(event: Any) -> str:
    return f"async {event.type}"


async def async_counter(event: Any, state: dict[str, Any]) -> str:
    state["n"] = state.get("n", 0) + 1
    return f"turn {state['n']}"


def test_async_handler_is_awaited() -> None:
    response = AiFlowAssistant(on_user_speak=async_reply).handle(said())
    assert response.actions == [speak_wire("async user_speak")]


def test_async_handler_with_state() -> None:
    assistant = AiFlowAssistant(on_user_speak=async_counter)
    assert assistant.handle(said()).actions == [speak_wire("turn 1")]
    assert assistant.handle(said()).actions == [speak_wire("turn 2")]


async def async_fail(event: Any) -> None:
    raise RuntimeError("async handler broke")


def test_async_handler_that_raises_gets_the_fallback() -> None:
    response = AiFlowAssistant(on_user_speak=async_fail).handle(said())
    assert response.status_code == 200
    assert response.used_fallback is True


@pytest.mark.parametrize("name", sorted(EVENT_BODIES))
def test_decorator_registration_equals_constructor_registration(name: str) -> None:
    def handler(event: Any) -> str:
        return f"{name} saw {event.type}"

    by_constructor = AiFlowAssistant(**{name: handler})
    by_decorator = AiFlowAssistant()
    assert getattr(by_decorator, name)(handler) is handler, "the decorator returns the function unchanged"

    expected = by_constructor.handle(EVENT_BODIES[name])
    got = by_decorator.handle(EVENT_BODIES[name])

    assert (got.status_code, got.body) == (expected.status_code, expected.body)
    if name in NO_REPLY_HANDLERS:
        assert got.status_code == 204
    else:
        assert got.actions == [speak_wire(f"{name} saw {json.loads(EVENT_BODIES[name])['type']}")]


def test_registering_something_not_callable_fails_early() -> None:
    with pytest.raises(TypeError):
        AiFlowAssistant(on_user_speak="Hello")  # type: ignore[arg-type]


def test_a_keyword_that_names_no_handler_fails_early() -> None:
    with pytest.raises(TypeError, match="on_user_speek"):
        AiFlowAssistant(on_user_speek=lambda event: "Hello")


def test_legacy_barge_in_goes_to_its_own_handler_when_registered() -> None:
    assistant = AiFlowAssistant(
        on_user_barge_in=lambda event: f"barge-in handler: {event.text}",
        on_user_speak=lambda event: "speak handler",
    )
    assert assistant.handle(body("user_barge_in", text="Wait")).actions == [speak_wire("barge-in handler: Wait")]


@pytest.mark.parametrize(("fields", "text"), [({"text": "Wait"}, "Wait"), ({}, "")])
def test_legacy_barge_in_is_user_speak_with_barged_in_for_a_speak_only_assistant(
    fields: dict[str, Any], text: str
) -> None:
    seen: list[Any] = []

    def on_user_speak(event: Any) -> str:
        seen.append(event)
        return "Yes?"

    response = AiFlowAssistant(on_user_speak=on_user_speak).handle(body("user_barge_in", **fields))

    assert response.actions == [speak_wire("Yes?")]
    assert len(seen) == 1
    assert isinstance(seen[0], UserSpeak)
    assert seen[0].barged_in is True
    assert seen[0].text == text
    assert seen[0].session_id == SID


@pytest.mark.parametrize("event_type", ["user_input_timeout", "timeout"])
def test_timeout_alias_reaches_on_user_input_timeout(event_type: str) -> None:
    seen: list[Any] = []

    def on_user_input_timeout(event: Any) -> str:
        seen.append(event)
        return "Are you still there?"

    response = AiFlowAssistant(on_user_input_timeout=on_user_input_timeout).handle(body(event_type))

    assert response.actions == [speak_wire("Are you still there?")]
    assert [type(event) for event in seen] == [UserInputTimeout]


# ---------------------------------------------------------------------------------------------------
# State between turns.
# ---------------------------------------------------------------------------------------------------


def remember_name(event: Any, state: dict[str, Any]) -> str:
    if "name" in state:
        return f"Welcome back, {state['name']}."
    state["name"] = event.text
    return f"Nice to meet you, {event.text}."


def test_a_handler_with_state_sees_what_the_previous_turn_stored() -> None:
    assistant = AiFlowAssistant(on_user_speak=remember_name)

    assert assistant.handle(said("Ada")).actions == [speak_wire("Nice to meet you, Ada.")]
    assert assistant.handle(said("Grace")).actions == [speak_wire("Welcome back, Ada.")]
    assert assistant.session_store.load(SID).data == {"name": "Ada"}


def test_state_is_per_session() -> None:
    assistant = AiFlowAssistant(on_user_speak=remember_name)

    assistant.handle(said("Ada", session_id="call-1"))
    response = assistant.handle(said("Grace", session_id="call-2"))

    assert response.actions == [speak_wire("Nice to meet you, Grace.", "call-2")]


def test_state_is_shared_between_handlers_of_one_call() -> None:
    def on_session_start(event: Any, state: dict[str, Any]) -> str:
        state["greeted"] = True
        return "Hello"

    def on_dtmf_received(event: Any, state: dict[str, Any]) -> str:
        return f"greeted={state.get('greeted')} digit={event.digit}"

    assistant = AiFlowAssistant(on_session_start=on_session_start, on_dtmf_received=on_dtmf_received)
    assistant.handle(body("session_start"))

    assert assistant.handle(body("dtmf_received", digit="5")).actions == [speak_wire("greeted=True digit=5")]


def test_a_handler_that_does_not_change_state_causes_no_save() -> None:
    store = CountingStore()
    store.save(SID, {"name": "Ada"}, expected_version=0)
    store.saves = 0
    assistant = AiFlowAssistant(on_user_speak=lambda event, state: f"Hi {state['name']}", session_store=store)

    for _ in range(3):
        assert assistant.handle(said()).actions == [speak_wire("Hi Ada")]

    assert store.saves == 0
    assert store.load(SID).version == 1


def test_a_handler_that_changes_state_saves_once_per_turn() -> None:
    store = CountingStore()
    assistant = AiFlowAssistant(on_user_speak=async_counter, session_store=store)

    for _ in range(3):
        assistant.handle(said())

    assert store.saves == 3
    assert store.load(SID) == StoredState({"n": 3}, 3)


def test_a_handler_without_state_never_touches_the_store() -> None:
    response = AiFlowAssistant(on_user_speak=lambda event: "ok", session_store=UnavailableStore()).handle(said())
    assert response.status_code == 200
    assert response.used_fallback is False


def test_a_handler_cannot_change_the_stored_state_by_keeping_a_reference() -> None:
    kept: list[dict[str, Any]] = []

    def on_user_speak(event: Any, state: dict[str, Any]) -> None:
        state.setdefault("texts", []).append(event.text)
        kept.append(state)

    assistant = AiFlowAssistant(on_user_speak=on_user_speak)
    assistant.handle(said("one"))
    kept[0]["texts"].append("tampered")
    assistant.handle(said("two"))

    assert assistant.session_store.load(SID).data == {"texts": ["one", "two"]}


def test_conflict_reruns_the_turn_on_fresh_state() -> None:
    store = RacedStore(races=1)
    runs: list[dict[str, Any]] = []

    def on_user_speak(event: Any, state: dict[str, Any]) -> str:
        runs.append(dict(state))
        state["turns"] = state.get("turns", 0) + 1
        return f"turn {state['turns']}"

    response = AiFlowAssistant(on_user_speak=on_user_speak, session_store=store).handle(said())

    assert response.actions == [speak_wire("turn 1")]
    assert response.used_fallback is False
    assert runs == [{}, {"other_writer": 1}], "the second run sees what the other writer saved"
    assert store.load(SID) == StoredState({"other_writer": 1, "turns": 1}, 2), "no update is lost"


def test_exhausted_conflicts_get_the_fallback() -> None:
    store = RacedStore(races=100)
    runs: list[int] = []

    def on_user_speak(event: Any, state: dict[str, Any]) -> str:
        runs.append(1)
        state["turns"] = state.get("turns", 0) + 1
        return "never said"

    assistant = AiFlowAssistant(on_user_speak=on_user_speak, session_store=store, max_conflict_retries=2)
    response = assistant.handle(said())

    assert response.status_code == 200
    assert json.loads(response.body) == FALLBACK
    assert response.used_fallback is True
    assert len(runs) == 3, "one try and two retries"
    assert "turns" not in store.load(SID).data


def test_state_conflict_is_a_public_error() -> None:
    store = InMemorySessionStore()
    store.save(SID, {}, expected_version=0)
    with pytest.raises(StateConflict):
        store.save(SID, {}, expected_version=0)


@pytest.mark.parametrize("store", [UnavailableStore(), ReadOnlyStore()], ids=["load-fails", "save-fails"])
def test_a_failing_store_gets_the_fallback_never_an_exception(store: InMemorySessionStore) -> None:
    assistant = AiFlowAssistant(on_user_speak=async_counter, session_store=store)

    response = assistant.handle(said())

    assert response.status_code == 200
    assert json.loads(response.body) == FALLBACK
    assert response.used_fallback is True


def test_state_that_is_not_json_gets_the_fallback() -> None:
    def on_user_speak(event: Any, state: dict[str, Any]) -> str:
        state["seen"] = {event.text}
        return "ok"

    assistant = AiFlowAssistant(on_user_speak=on_user_speak)
    response = assistant.handle(said())

    assert response.used_fallback is True
    assert assistant.session_store.load(SID) == StoredState()


# ---------------------------------------------------------------------------------------------------
# Lambda: API Gateway proxy events in, proxy results out.
# ---------------------------------------------------------------------------------------------------


def http_api_event(raw: bytes, headers: dict[str, str] | None = None, *, encode: bool = False) -> dict[str, Any]:
    """An API Gateway HTTP API (payload format 2.0) request; header names arrive lower-cased."""
    return {
        "version": "2.0",
        "routeKey": "POST /webhook",
        "rawPath": "/webhook",
        "rawQueryString": "",
        "headers": {"content-type": "application/json", **(headers or {})},
        "requestContext": {"http": {"method": "POST", "path": "/webhook"}, "stage": "$default"},
        "body": base64.b64encode(raw).decode() if encode else raw.decode(),
        "isBase64Encoded": encode,
    }


def rest_api_event(raw: bytes, headers: dict[str, str] | None = None, *, encode: bool = False) -> dict[str, Any]:
    """An API Gateway REST API (payload format 1.0) request; header names keep the client's case."""
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    return {
        "resource": "/webhook",
        "path": "/webhook",
        "httpMethod": "POST",
        "headers": all_headers,
        "multiValueHeaders": {name: [value] for name, value in all_headers.items()},
        "queryStringParameters": None,
        "requestContext": {"httpMethod": "POST", "stage": "prod"},
        "body": base64.b64encode(raw).decode() if encode else raw.decode(),
        "isBase64Encoded": encode,
    }


PROXY_EVENTS = [
    pytest.param(http_api_event, {"x-api-token": TOKEN}, id="http-api-2.0"),
    pytest.param(rest_api_event, {"X-API-TOKEN": TOKEN}, id="rest-api-1.0"),
]


@pytest.mark.parametrize(("make_event", "auth"), PROXY_EVENTS)
@pytest.mark.parametrize("encode", [False, True], ids=["plain", "base64"])
def test_lambda_handler_answers_proxy_events(make_event: Any, auth: dict[str, str], encode: bool) -> None:
    assistant = AiFlowAssistant(webhook_token=TOKEN, on_user_speak=lambda event: [f"Echo: {event.text}", hangup()])

    result = assistant.lambda_handler(make_event(said("Grüß Gott"), auth, encode=encode), None)

    assert result["statusCode"] == 200
    assert result["headers"] == {"Content-Type": "application/json"}
    assert result["isBase64Encoded"] is False
    assert json.loads(result["body"]) == [speak_wire("Echo: Grüß Gott"), {"type": "hangup", "session_id": SID}]


@pytest.mark.parametrize(("make_event", "auth"), PROXY_EVENTS)
def test_lambda_handler_status_codes(make_event: Any, auth: dict[str, str]) -> None:
    assistant = AiFlowAssistant(webhook_token=TOKEN, on_user_speak=lambda event: None)

    assert assistant.lambda_handler(make_event(said(), auth))["statusCode"] == 204
    assert assistant.lambda_handler(make_event(said()))["statusCode"] == 401
    assert assistant.lambda_handler(make_event(b"{oops", auth))["statusCode"] == 400
    assert assistant.lambda_handler(make_event(body("session_end"), auth))["statusCode"] == 204


@pytest.mark.parametrize("bad", ["not base64!", "abc", "w6TDtsO8*"])
@pytest.mark.parametrize(("make_event", "auth"), PROXY_EVENTS)
def test_lambda_handler_invalid_base64_is_400(make_event: Any, auth: dict[str, str], bad: str) -> None:
    event = {**make_event(said(), auth), "body": bad, "isBase64Encoded": True}

    result = AiFlowAssistant(webhook_token=TOKEN, on_user_speak=lambda event: "ok").lambda_handler(event)

    assert result["statusCode"] == 400
    assert set(json.loads(result["body"])) == {"error"}


def test_lambda_handler_without_headers_or_body() -> None:
    assistant = AiFlowAssistant(on_user_speak=lambda event: "ok")
    result = assistant.lambda_handler({"httpMethod": "POST", "headers": None, "body": None, "isBase64Encoded": False})
    assert result["statusCode"] == 400


def test_to_api_gateway_shape() -> None:
    response = WebhookResponse(204)
    assert response.to_api_gateway() == {"statusCode": 204, "headers": {}, "body": "", "isBase64Encoded": False}


@pytest.mark.parametrize(
    ("response", "actions"),
    [
        (WebhookResponse(200, body=json.dumps({"type": "hangup", "session_id": SID})), [{"type": "hangup"}]),
        (
            WebhookResponse(200, body=json.dumps([{"type": "barge_in"}, {"type": "hangup"}])),
            [{"type": "barge_in"}, {"type": "hangup"}],
        ),
        (WebhookResponse(204), []),
        (WebhookResponse(400, body=json.dumps({"error": "event has no 'type' string"})), []),
        (WebhookResponse(401, body=json.dumps({"error": "missing or wrong X-API-TOKEN"})), []),
    ],
)
def test_webhook_response_actions_is_always_a_list(response: WebhookResponse, actions: list[dict[str, Any]]) -> None:
    assert [{"type": action["type"]} for action in response.actions] == actions


# Which handlers take the state: parameters without defaults decide.


def test_a_second_parameter_with_a_default_is_an_option_not_the_state() -> None:
    def greet(event: Any, greeting: str = "Hi") -> str:
        return f"{greeting}, caller"

    assistant = AiFlowAssistant(on_session_start=greet)

    response = assistant.handle(body("session_start"))

    assert response.actions == [speak_wire("Hi, caller")]


def test_a_keyword_only_state_parameter_is_not_positional_either() -> None:
    def greet(event: Any, *, loud: bool = False) -> str:
        return "HI" if loud else "hi"

    assert AiFlowAssistant(on_session_start=greet).handle(body("session_start")).actions == [speak_wire("hi")]


# Async hosts: handle_async awaits handlers on the running loop.


def test_handle_async_awaits_the_handler_on_the_running_loop() -> None:
    import asyncio

    loops: list[asyncio.AbstractEventLoop] = []

    async def answer(event: UserSpeak, state: dict[str, Any]) -> str:
        loops.append(asyncio.get_running_loop())
        await asyncio.sleep(0)
        state["turns"] = state.get("turns", 0) + 1
        return f"turn {state['turns']}"

    assistant = AiFlowAssistant(on_user_speak=answer)

    async def two_turns() -> tuple[list[WebhookResponse], asyncio.AbstractEventLoop]:
        first = await assistant.handle_async(said())
        second = await assistant.handle_async(said())
        return [first, second], asyncio.get_running_loop()

    responses, loop = asyncio.run(two_turns())

    assert [response.actions for response in responses] == [[speak_wire("turn 1")], [speak_wire("turn 2")]]
    assert loops == [loop, loop], "on the caller's loop, not one of its own"


def test_handle_async_answers_a_failing_async_handler_with_the_fallback() -> None:
    import asyncio

    async def broken(event: UserSpeak) -> str:
        raise RuntimeError("boom")

    response = asyncio.run(AiFlowAssistant(on_user_speak=broken).handle_async(said()))

    assert (response.status_code, response.used_fallback, response.actions) == (200, True, [FALLBACK])


def test_the_sync_handle_inside_a_running_loop_answers_with_the_fallback_not_a_crash() -> None:
    import asyncio

    async def answer(event: UserSpeak) -> str:
        return "hello"

    async def misuse() -> WebhookResponse:
        return AiFlowAssistant(on_user_speak=answer).handle(said())  # handle_async is the right call here

    response = asyncio.run(misuse())

    assert (response.status_code, response.used_fallback) == (200, True)
