"""parse_event: what is rejected (with a reason fit for a 400) and where the parser is lenient on purpose."""

from __future__ import annotations

import json
from typing import Any

import pytest

from aiflow import (
    InvalidEvent,
    Session,
    SessionStart,
    SmsFailed,
    UnknownEvent,
    UserBargeIn,
    UserInputTimeout,
    UserSpeak,
    parse_event,
)

SESSION_ID = "550e8400-e29b-41d4-a716-446655440000"


def event(event_type: str = "user_speak", session: Any = None, **fields: Any) -> dict[str, Any]:
    """An event payload; ``session`` defaults to one with just an id."""
    return {"type": event_type, "session": {"id": SESSION_ID} if session is None else session, **fields}


# ---------------------------------------------------------------------------------------------------
# Rejected bodies, and the reason each one gets.
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "reason_mentions"),
    [
        pytest.param(b"\xff\xfe{}", "UTF-8", id="not-utf8"),
        pytest.param(b'{"type": "session_start", "session": {"id": "\xe9"}}', "UTF-8", id="latin1-inside-json"),
        pytest.param("hello", "not JSON", id="not-json"),
        pytest.param("", "not JSON", id="empty-body"),
        pytest.param('{"type": "session_start",', "not JSON", id="truncated-json"),
        pytest.param("[]", "JSON object", id="json-list"),
        pytest.param("42", "JSON object", id="json-number"),
        pytest.param('"session_start"', "JSON object", id="json-string"),
        pytest.param("null", "JSON object", id="json-null"),
        pytest.param("true", "JSON object", id="json-bool"),
    ],
)
def test_body_that_is_not_a_json_object_is_rejected(body: bytes | str, reason_mentions: str) -> None:
    with pytest.raises(InvalidEvent) as raised:
        parse_event(body)
    assert reason_mentions in raised.value.reason


def test_json_with_an_integer_too_long_for_python_is_an_invalid_event_not_a_crash() -> None:
    # Python refuses to convert integer literals of more than 4300 digits (ValueError, not JSONDecodeError).
    # Such a body is well under the default body limit and must be a 400, never an exception.
    body = '{"type": "user_speak", "text": "hi", "session": {"id": "s"}, "n": ' + "9" * 5000 + "}"
    with pytest.raises(InvalidEvent):
        parse_event(body)


@pytest.mark.parametrize(
    ("payload", "reason_mentions"),
    [
        pytest.param({"session": {"id": SESSION_ID}}, "'type'", id="no-type"),
        pytest.param(event(5), "'type'", id="type-number"),
        pytest.param(event(None), "'type'", id="type-null"),
        pytest.param(event(["user_speak"]), "'type'", id="type-list"),
        pytest.param(event(""), "'type'", id="type-empty"),
        pytest.param({"type": "session_start"}, "'session'", id="no-session"),
        pytest.param(event(session="abc"), "'session'", id="session-string"),
        pytest.param(event(session=[SESSION_ID]), "'session'", id="session-list"),
        pytest.param(event(session={}), "session.id", id="no-session-id"),
        pytest.param(event(session={"id": ""}), "session.id", id="empty-session-id"),
        pytest.param(event(session={"id": 42}), "session.id", id="session-id-number"),
        pytest.param(event(session={"id": None}), "session.id", id="session-id-null"),
        pytest.param(event("user_speak", text=["hello"]), "text", id="user-speak-text-list"),
        pytest.param(event("user_speak", text={"de": "hallo"}), "text", id="user-speak-text-object"),
        pytest.param(event("user_speak", text="hi", barged_in="sometimes"), "barged_in", id="barged-in-not-bool"),
        pytest.param(event("dtmf_received"), "digit", id="dtmf-without-digit"),
        pytest.param(event("dtmf_received", digit="12"), "digit", id="dtmf-two-keys"),
        pytest.param(event("dtmf_received", digit="a"), "digit", id="dtmf-letter"),
        pytest.param(event("dtmf_received", digit=""), "digit", id="dtmf-empty"),
        pytest.param(event("dtmf_received", digit="1\n"), "digit", id="dtmf-trailing-newline"),
        pytest.param(event("assistant_speak", duration_ms="long"), "duration_ms", id="duration-not-number"),
        pytest.param(event(session={"id": SESSION_ID, "account_id": {"x": 1}}), "account_id", id="account-object"),
    ],
)
@pytest.mark.parametrize("form", ["dict", "str", "bytes"])
def test_malformed_event_is_rejected_with_a_reason(payload: dict[str, Any], reason_mentions: str, form: str) -> None:
    text = json.dumps(payload)
    given = {"dict": payload, "str": text, "bytes": text.encode()}[form]
    with pytest.raises(InvalidEvent) as raised:
        parse_event(given)
    assert reason_mentions in raised.value.reason
    assert str(raised.value) == raised.value.reason


# ---------------------------------------------------------------------------------------------------
# Leniency: what must parse although it is not the textbook form.
# ---------------------------------------------------------------------------------------------------


def test_extra_fields_are_kept_on_the_event_and_on_the_session() -> None:
    parsed = parse_event(
        event(
            "user_speak",
            session={"id": SESSION_ID, "tenant": "acme", "labels": ["a", "b"]},
            text="Hello",
            confidence=0.93,
            alternatives=[{"text": "Yellow"}],
        )
    )
    assert isinstance(parsed, UserSpeak)
    assert parsed.model_extra == {"confidence": 0.93, "alternatives": [{"text": "Yellow"}]}
    assert parsed.session.model_extra == {"tenant": "acme", "labels": ["a", "b"]}


def test_only_the_session_id_is_required() -> None:
    parsed = parse_event(event("session_start"))
    assert isinstance(parsed, SessionStart)
    assert parsed.session == Session(id=SESSION_ID)
    assert parsed.session.account_id is None
    assert parsed.session.phone_number is None
    assert parsed.session.direction is None
    assert parsed.session.from_phone_number is None
    assert parsed.session.to_phone_number is None
    assert parsed.session.is_outbound is False


def test_user_speak_without_the_flag_did_not_barge_in() -> None:
    parsed = parse_event(event("user_speak", text="Hello"))
    assert isinstance(parsed, UserSpeak)
    assert parsed.barged_in is False


@pytest.mark.parametrize(
    ("number", "kept_as"),
    [
        ("+4915790000687", "+4915790000687"),
        ("4915790000687", "4915790000687"),
        (4915790000687, "4915790000687"),
    ],
)
def test_numbers_with_and_without_plus_are_accepted(number: object, kept_as: str) -> None:
    session = {"id": SESSION_ID, "direction": "outbound", "phone_number": number, "to_phone_number": number}
    parsed = parse_event(event("session_start", session=session))
    assert parsed.session.phone_number == kept_as
    assert parsed.session.to_phone_number == kept_as
    assert parsed.session.remote_number == "4915790000687"


def test_an_unknown_direction_is_kept_not_rejected() -> None:
    parsed = parse_event(event("session_start", session={"id": SESSION_ID, "direction": "forwarded"}))
    assert parsed.session.direction == "forwarded"
    assert parsed.session.is_outbound is False


@pytest.mark.parametrize(("fields", "text"), [({"text": "Wait"}, "Wait"), ({}, None)])
def test_legacy_user_barge_in_parses(fields: dict[str, Any], text: str | None) -> None:
    parsed = parse_event(event("user_barge_in", **fields))
    assert isinstance(parsed, UserBargeIn)
    assert parsed.text == text


@pytest.mark.parametrize("event_type", ["user_input_timeout", "timeout"])
def test_timeout_alias_parses_to_user_input_timeout(event_type: str) -> None:
    parsed = parse_event(event(event_type))
    assert isinstance(parsed, UserInputTimeout)
    assert parsed.type == event_type


def test_sms_failed_reads_its_likely_fields_and_keeps_the_others() -> None:
    parsed = parse_event(event("sms_failed", phone_number="4915790000687", error="unreachable", code=7))
    assert isinstance(parsed, SmsFailed)
    assert (parsed.phone_number, parsed.reason, parsed.message) == ("4915790000687", "unreachable", None)
    assert parsed.model_extra == {"code": 7}


@pytest.mark.parametrize(
    ("fields", "reason", "number"),
    [
        pytest.param({}, None, None, id="no-fields"),
        pytest.param({"reason": "no credit"}, "no credit", None, id="reason"),
        pytest.param({"error_message": "blocked"}, "blocked", None, id="error_message"),
        pytest.param({"error": {"code": 5, "text": "x"}}, '{"code": 5, "text": "x"}', None, id="error-object"),
        pytest.param({"phone_number": 4915790000687}, None, "4915790000687", id="number-as-json-number"),
    ],
)
def test_sms_failed_is_lenient_about_the_shape_of_its_fields(
    fields: dict[str, Any], reason: str | None, number: str | None
) -> None:
    parsed = parse_event(event("sms_failed", **fields))
    assert isinstance(parsed, SmsFailed)
    assert (parsed.reason, parsed.phone_number) == (reason, number)


@pytest.mark.parametrize("event_type", ["call_recording_ready", "USER_SPEAK", "user_speak_v2"])
def test_unknown_type_parses_to_unknown_event_keeping_the_raw_payload(event_type: str) -> None:
    payload = event(event_type, session={"id": SESSION_ID, "account_id": "a-1"}, foo={"bar": [1, 2]}, text=3)
    parsed = parse_event(json.dumps(payload))
    assert isinstance(parsed, UnknownEvent)
    assert parsed.type == event_type
    assert parsed.session_id == SESSION_ID
    assert parsed.session.account_id == "a-1"
    assert parsed.raw == payload


# ---------------------------------------------------------------------------------------------------
# Session.remote_number: the other party, digits-only E.164, or None.
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("session", "remote"),
    [
        pytest.param(
            {"direction": "inbound", "from_phone_number": "+4921155660", "to_phone_number": "+4915790000687"},
            "4921155660",
            id="inbound-is-the-caller",
        ),
        pytest.param(
            {"from_phone_number": "+4921155660", "to_phone_number": "+4915790000687"},
            "4921155660",
            id="no-direction-is-the-caller",
        ),
        pytest.param(
            {"direction": "outbound", "from_phone_number": "4921155660", "to_phone_number": "4915790000687"},
            "4915790000687",
            id="outbound-is-the-callee",
        ),
        pytest.param(
            {"direction": "outbound", "from_phone_number": "+4921155660", "to_phone_number": "+4915790000687"},
            "4915790000687",
            id="outbound-plus-is-digits",
        ),
        pytest.param({"direction": "inbound", "to_phone_number": "+4915790000687"}, None, id="inbound-missing"),
        pytest.param({"direction": "outbound", "from_phone_number": "+4921155660"}, None, id="outbound-missing"),
        pytest.param({"from_phone_number": "anonymous"}, None, id="anonymous"),
        pytest.param({"from_phone_number": ""}, None, id="empty"),
        pytest.param({"from_phone_number": "+49"}, None, id="too-short"),
    ],
)
def test_remote_number(session: dict[str, Any], remote: str | None) -> None:
    parsed = parse_event(event("session_start", session={"id": SESSION_ID, **session}))
    assert parsed.session.remote_number == remote
