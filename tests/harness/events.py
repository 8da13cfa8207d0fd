"""Events as sipgate sends them, and mangled: hypothesis strategies for the property and fuzz tests.

:func:`strict_json` parses what is sent back as sipgate would (no NaN, no Infinity).
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from aiflow import (
    AssistantSpeak,
    AssistantSpeechEnded,
    DtmfReceived,
    SessionEnd,
    SessionStart,
    SmsFailed,
    UnknownEvent,
    UserBargeIn,
    UserInputTimeout,
    UserSpeak,
    UserSpeechStarted,
)


def strict_json(text: str) -> Any:
    """Parse JSON as sipgate would: NaN and Infinity are not JSON."""

    def reject(name: str) -> Any:
        raise AssertionError(f"{name} is not JSON")

    return json.loads(text, parse_constant=reject)


json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()


json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


phone_numbers = st.from_regex(r"\+?[1-9][0-9]{6,14}", fullmatch=True) | st.sampled_from(["anonymous", ""])


extra_names = st.from_regex(r"x_[a-z0-9_]{1,10}", fullmatch=True)


extras = st.dictionaries(extra_names, json_values, max_size=3)


@st.composite
def sessions(draw: st.DrawFn) -> dict[str, Any]:
    session: dict[str, Any] = {"id": draw(st.text(min_size=1, max_size=40))}
    optional = {
        "account_id": st.text(max_size=20),
        "phone_number": phone_numbers,
        "direction": st.sampled_from(["inbound", "outbound"]),
        "from_phone_number": phone_numbers,
        "to_phone_number": phone_numbers,
    }
    for name, strategy in optional.items():
        if draw(st.booleans()):
            session[name] = draw(strategy)
    session.update(draw(extras))
    return session


EVENT_FIELDS: dict[str, tuple[type, Any]] = {
    "session_start": (SessionStart, st.just({})),
    "user_speak": (
        UserSpeak,
        st.fixed_dictionaries({"text": st.text()}, optional={"barged_in": st.booleans()}),
    ),
    "user_barge_in": (UserBargeIn, st.fixed_dictionaries({}, optional={"text": st.text()})),
    "user_speech_started": (UserSpeechStarted, st.just({})),
    "assistant_speak": (
        AssistantSpeak,
        st.fixed_dictionaries(
            {},
            optional={
                "text": st.text(),
                "duration_ms": st.integers(0, 600_000) | st.floats(0, 600_000),
                "speech_started_at": st.integers(0, 2**45),
            },
        ),
    ),
    "assistant_speech_ended": (AssistantSpeechEnded, st.just({})),
    "user_input_timeout": (UserInputTimeout, st.just({})),
    "timeout": (UserInputTimeout, st.just({})),
    "dtmf_received": (DtmfReceived, st.fixed_dictionaries({"digit": st.sampled_from(list("0123456789*#"))})),
    "session_end": (SessionEnd, st.fixed_dictionaries({}, optional={"reason": st.text()})),
    "sms_failed": (SmsFailed, st.just({})),
    "future_event": (UnknownEvent, st.just({})),
}


@st.composite
def valid_events(draw: st.DrawFn) -> tuple[dict[str, Any], type]:
    event_type = draw(st.sampled_from(sorted(EVENT_FIELDS)))
    event_class, own_fields = EVENT_FIELDS[event_type]
    payload = {"type": event_type, "session": draw(sessions()), **draw(own_fields), **draw(extras)}
    return payload, event_class


@st.composite
def mangled_events(draw: st.DrawFn) -> dict[str, Any]:
    """A valid event with some of its fields (top level or in the session) replaced or removed."""
    payload, _ = draw(valid_events())
    for _ in range(draw(st.integers(1, 3))):
        target = payload["session"] if draw(st.booleans()) and isinstance(payload.get("session"), dict) else payload
        if not target:
            continue
        name = draw(st.sampled_from(sorted(target)))
        if draw(st.booleans()):
            del target[name]
        else:
            target[name] = draw(json_values)
    return payload
