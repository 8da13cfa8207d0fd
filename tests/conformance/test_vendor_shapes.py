"""What sipgate's own code sends, taken from its sources: each shape is accepted and comes back unchanged.

Each file in ``vendor/`` names its ``source`` (repository, commit, file and what in it) and holds one
``payload``: an ``action`` (or a list of them) as sipgate's n8n node or flow-io server answers, an ``event``
as sipgate sends it, or a ``rejected`` action that sipgate's documentation calls invalid, with the one
readable ``error`` line the SDK must give for it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aiflow import AiFlowAssistant, InvalidAction, dump_action, parse_action, parse_event

VENDOR = Path(__file__).resolve().parent / "vendor"
FIXTURES = {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(VENDOR.glob("*.json"))}


def _of_kind(kind: str) -> list[str]:
    return [name for name, fixture in FIXTURES.items() if fixture["kind"] == kind]


def _canonical(value: Any) -> str:
    """JSON text that differs whenever two values differ in keys, values or JSON types (1 vs 1.0, null vs absent)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, allow_nan=False)


def test_every_fixture_names_its_source() -> None:
    assert len(FIXTURES) >= 15
    for name, fixture in FIXTURES.items():
        assert set(fixture) >= {"source", "kind", "payload"}, name
        assert fixture["kind"] in {"action", "event", "rejected"}, name
        assert len(fixture["source"]) > 20, f"{name}: say where the shape comes from"


@pytest.mark.parametrize("name", _of_kind("action"))
def test_the_action_round_trips_unchanged(name: str) -> None:
    payload = FIXTURES[name]["payload"]
    wanted = payload if isinstance(payload, list) else [payload]

    dumped = [dump_action(parse_action(action)) for action in wanted]

    assert [_canonical(action) for action in dumped] == [_canonical(action) for action in wanted]


@pytest.mark.parametrize("name", _of_kind("action"))
def test_a_handler_returning_the_action_sends_it_on_unchanged(name: str) -> None:
    payload = FIXTURES[name]["payload"]
    session_id = (payload[0] if isinstance(payload, list) else payload)["session_id"]
    assistant = AiFlowAssistant(on_session_start=lambda event: payload)

    response = assistant.handle(json.dumps({"type": "session_start", "session": {"id": session_id}}))

    assert response.status_code == 200, response.body
    assert not response.used_fallback
    assert _canonical(json.loads(response.body)) == _canonical(payload)


@pytest.mark.parametrize("name", _of_kind("event"))
def test_the_event_is_accepted_with_its_fields_as_sent(name: str) -> None:
    payload = FIXTURES[name]["payload"]

    event = parse_event(json.dumps(payload))

    assert event.type == payload["type"]
    for field, value in payload.items():
        if field not in {"type", "session"}:
            assert _canonical(getattr(event, field)) == _canonical(value), f"{field} kept as sent, JSON type too"
    answered = AiFlowAssistant().handle(json.dumps(payload))
    assert answered.status_code == 204


def test_user_speak_without_text_is_empty_speech() -> None:
    heard: list[str] = []
    assistant = AiFlowAssistant(on_user_speak=lambda event: heard.append(event.text) or "Sorry?")

    response = assistant.handle(json.dumps(FIXTURES["issue10_user_speak_without_text"]["payload"]))

    assert (response.status_code, heard) == (200, [""])
    assert response.actions[0]["text"] == "Sorry?"


@pytest.mark.parametrize("name", _of_kind("rejected"))
def test_a_documented_invalid_action_is_refused_in_one_readable_line(name: str) -> None:
    fixture = FIXTURES[name]

    with pytest.raises(InvalidAction) as refused:
        parse_action(fixture["payload"])

    assert str(refused.value) == fixture["error"]
