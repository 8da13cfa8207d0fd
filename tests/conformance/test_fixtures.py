"""The published examples: every event fixture parses, every action fixture round-trips unchanged.

Fixture files are discovered by glob, so a file dropped into ``tests/fixtures/events`` or
``tests/fixtures/actions`` is tested without touching this module.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aiflow import (
    AssistantSpeak,
    AssistantSpeechEnded,
    DtmfReceived,
    EventType,
    SessionEnd,
    SessionStart,
    SmsFailed,
    UserBargeIn,
    UserInputTimeout,
    UserSpeak,
    UserSpeechStarted,
    dump_action,
    parse_action,
    parse_event,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EVENT_FILES = sorted((FIXTURES / "events").glob("*.json"))
ACTION_FILES = sorted((FIXTURES / "actions").glob("*.json"))

# The typed class each event type must parse to. A fixture with a type missing here fails loudly.
EXPECTED_EVENT_CLASS: dict[str, type] = {
    "session_start": SessionStart,
    "user_speak": UserSpeak,
    "user_barge_in": UserBargeIn,
    "user_speech_started": UserSpeechStarted,
    "assistant_speak": AssistantSpeak,
    "assistant_speech_ended": AssistantSpeechEnded,
    "user_input_timeout": UserInputTimeout,
    "timeout": UserInputTimeout,
    "dtmf_received": DtmfReceived,
    "session_end": SessionEnd,
    "sms_failed": SmsFailed,
}


def _canonical(value: Any) -> str:
    """JSON text that differs whenever two values differ in keys, order of arrays, values or types (1 vs 1.0)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, allow_nan=False)


def test_fixture_sets_are_not_empty() -> None:
    assert EVENT_FILES, f"no event fixtures found in {FIXTURES / 'events'}"
    assert ACTION_FILES, f"no action fixtures found in {FIXTURES / 'actions'}"


def test_every_event_type_has_an_expected_class() -> None:
    assert set(EventType) <= set(EXPECTED_EVENT_CLASS)


@pytest.mark.parametrize("path", EVENT_FILES, ids=lambda path: path.stem)
@pytest.mark.parametrize("form", ["bytes", "str", "dict"])
def test_event_fixture_parses_to_its_typed_class(path: Path, form: str) -> None:
    raw = json.loads(path.read_text(encoding="utf-8"))
    given: bytes | str | dict[str, Any] = {
        "bytes": path.read_bytes(),
        "str": path.read_text(encoding="utf-8"),
        "dict": raw,
    }[form]

    event = parse_event(given)

    assert type(event) is EXPECTED_EVENT_CLASS[raw["type"]]
    assert event.type == raw["type"]
    assert event.session_id == raw["session"]["id"]
    session = event.session.model_dump(exclude_none=True)
    assert session == raw["session"], "every session field is kept as sent"
    for name, value in raw.items():
        if name not in {"type", "session"}:
            assert getattr(event, name) == value, f"field {name!r} is kept as sent"


@pytest.mark.parametrize("path", ACTION_FILES, ids=lambda path: path.stem)
def test_action_fixture_round_trips_exactly(path: Path) -> None:
    raw = json.loads(path.read_text(encoding="utf-8"))
    expected = raw if isinstance(raw, list) else [raw]

    dumped = [dump_action(parse_action(item)) for item in expected]

    assert len(dumped) == len(expected)
    for got, want in zip(dumped, expected, strict=True):
        assert got == want
        assert _canonical(got) == _canonical(want), "same keys, same JSON types, no added nulls"
