"""aiflow.llm's pieces without the wire: tool specs from signatures, tool calls checked, the history kept valid."""

from __future__ import annotations

from typing import Annotated, Literal

import pytest
from pydantic import Field

from aiflow import hangup
from aiflow.llm import CALL_CONNECTED, EndTurn, Tool, cut_to_heard, heard_words, tool
from aiflow.llm.history import add_user_text, opening


def opening_hours(day: Literal["monday", "tuesday", "saturday"], *, week: int = 0) -> dict[str, str]:
    """The practice's opening hours on a day.

    Args:
        day: the weekday, in English
        week: 0 for this week, 1 for the next
    """
    return {"day": day, "hours": "closed" if day == "saturday" else "08:00-18:00", "week": str(week)}


def test_a_typed_function_becomes_a_converse_tool_spec_with_its_docstring() -> None:
    spec = Tool.of(opening_hours).spec()["toolSpec"]

    assert spec["name"] == "opening_hours"
    assert spec["description"] == "The practice's opening hours on a day."
    schema = spec["inputSchema"]["json"]
    assert schema["required"] == ["day"]
    assert schema["properties"]["day"]["enum"] == ["monday", "tuesday", "saturday"]
    assert schema["properties"]["day"]["description"] == "the weekday, in English"
    assert schema["properties"]["week"] == {
        "default": 0,
        "description": "0 for this week, 1 for the next",
        "title": "Week",
        "type": "integer",
    }
    assert schema["additionalProperties"] is False


def test_annotated_fields_describe_themselves() -> None:
    @tool
    def call_me_back(name: Annotated[str, Field(min_length=2, description="who to call")]) -> str:
        """Record a callback request."""
        return f"noted: {name}"

    schema = call_me_back.spec()["toolSpec"]["inputSchema"]["json"]
    assert schema["properties"]["name"]["description"] == "who to call"
    assert call_me_back.call("t1", {"name": "Erika"}).block["toolResult"]["content"] == [{"text": "noted: Erika"}]


def test_a_call_returns_json_content_with_status_success() -> None:
    outcome = Tool.of(opening_hours).call("t1", {"day": "saturday"})

    assert outcome.block == {
        "toolResult": {
            "toolUseId": "t1",
            "content": [{"json": {"day": "saturday", "hours": "closed", "week": "0"}}],
            "status": "success",
        }
    }
    assert not outcome.failed


@pytest.mark.parametrize(
    ("arguments", "reason"),
    [
        ({"day": "sunday"}, "day: Input should be"),
        ({}, "day: Field required"),
        ({"day": "monday", "x": 1}, "x: Extra inputs"),
    ],
)
def test_bad_arguments_go_back_as_an_error_result_and_the_function_is_not_called(
    arguments: dict[str, object], reason: str
) -> None:
    calls: list[str] = []

    def booked(day: Literal["monday"]) -> str:
        calls.append(day)
        return "ok"

    outcome = Tool.of(booked).call("t1", arguments)

    assert outcome.failed
    assert reason in outcome.block["toolResult"]["content"][0]["text"]
    assert calls == []


def test_a_tool_that_raises_is_an_error_result_for_the_model() -> None:
    def broken() -> str:
        raise RuntimeError("calendar offline")

    outcome = Tool.of(broken).call("t1", {})

    assert outcome.failed
    assert outcome.block["toolResult"]["content"] == [{"text": "broken failed: calendar offline"}]


def test_a_tool_ends_the_turn_with_actions() -> None:
    def goodbye() -> EndTurn:
        return EndTurn(say="Auf Wiederhören!", actions=[hangup()], result="the call ends")

    outcome = Tool.of(goodbye).call("t1", {})

    assert outcome.ended is not None
    assert outcome.ended.say == "Auf Wiederhören!"
    assert outcome.block["toolResult"]["content"] == [{"text": "the call ends"}]


def test_untyped_parameters_and_bad_names_are_refused_at_definition() -> None:
    def untyped(day):  # type: ignore[no-untyped-def]
        return day

    with pytest.raises(TypeError, match="needs a type annotation"):
        Tool.of(untyped)
    with pytest.raises(ValueError, match="tool name"):
        Tool.of(opening_hours, name="opening hours")


def test_the_history_opens_with_a_user_turn_and_merges_speech_the_model_has_not_answered() -> None:
    history = opening("Praxis Dr. Weber, guten Tag!")
    add_user_text(history, "Hallo")
    add_user_text(history, "Sind Sie noch da?")

    assert [message["role"] for message in history] == ["user", "assistant", "user"]
    assert history[0]["content"] == [{"text": CALL_CONNECTED}]
    assert history[2]["content"] == [{"text": "Hallo"}, {"text": "Sind Sie noch da?"}]


def test_heard_words_follow_the_share_of_the_speech_that_played() -> None:
    text = "eins zwei drei vier fünf sechs sieben acht"

    assert heard_words(text, started_at_ms=1000, duration_ms=4000, interrupted_at_ms=2000) == "eins zwei"
    assert heard_words(text, started_at_ms=1000, duration_ms=4000, interrupted_at_ms=6000) == text
    assert heard_words(text, started_at_ms=1000, duration_ms=4000, interrupted_at_ms=900) == ""


def test_an_interrupted_answer_is_cut_to_what_was_heard_and_a_filler_cuts_nothing() -> None:
    history = opening("Guten Tag, hier ist die Praxis Dr. Weber, wie kann ich Ihnen heute helfen?")
    spoken = {"text": history[1]["content"][0]["text"], "started_at_ms": 0, "duration_ms": 3000}

    assert not cut_to_heard(history, {**spoken, "text": "Einen Moment bitte ..."}, 1000)
    assert cut_to_heard(history, spoken, 1000)
    assert history[1]["content"][0]["text"] == "Guten Tag, hier ist die ..."
