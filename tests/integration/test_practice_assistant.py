"""The example practice assistant (examples/practice_assistant.py) behind the fake Bedrock, over real HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from aiflow.testing import CallSimulator
from aiflow.testing.bedrock import FakeBedrock, text, tool_use
from examples.practice_assistant import GOODBYES, GREETINGS, OPENING_HOURS, CallbackBook, create_agent, main

CALLER = "+4915790000687"


@pytest.fixture
def bedrock(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBedrock]:
    with FakeBedrock() as fake:
        for name, value in fake.environment().items():
            monkeypatch.setenv(name, value)
        yield fake


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_caller_asks_for_the_hours_and_hears_the_tools_answer(bedrock: FakeBedrock, language: str) -> None:
    agent = create_agent(book=CallbackBook(), language=language, deadline_seconds=None)  # type: ignore[arg-type]
    bedrock.script(tool_use("opening_hours", {"day": "friday"}), text("Friday 8 to 1."))

    call = CallSimulator(agent.assistant).start_call(from_phone_number=CALLER)
    call.assert_said(GREETINGS[language])
    call.say("When are you open on Friday?")

    call.assert_said("Friday 8 to 1.")
    result = bedrock.received[1].messages[-1]["content"][0]["toolResult"]
    assert result["content"] == [{"json": {"day": "friday", "hours": OPENING_HOURS["friday"]}}]
    assert bedrock.received[0].tool_names == ["opening_hours", "request_callback"]


def test_a_callback_request_is_recorded_with_the_number_the_model_never_saw(bedrock: FakeBedrock) -> None:
    book = CallbackBook()
    agent = create_agent(book=book, deadline_seconds=None)
    bedrock.script(
        tool_use(
            "request_callback", {"name": "Erika Mustermann", "reason": "Laborwerte", "preferred_time": "morgen früh"}
        )
    )

    call = CallSimulator(agent.assistant).start_call(from_phone_number=CALLER)
    call.say("Erika Mustermann, bitte rufen Sie mich morgen früh wegen der Laborwerte zurück")

    call.assert_said(GOODBYES["de"])
    call.assert_hung_up()
    (request,) = book.requests
    assert (request.number, request.name, request.reason, request.preferred_time) == (
        CALLER.removeprefix("+"),
        "Erika Mustermann",
        "Laborwerte",
        "morgen früh",
    )
    schema = bedrock.received[0].body["toolConfig"]["tools"][1]["toolSpec"]["inputSchema"]["json"]
    assert set(schema["properties"]) == {"name", "reason", "preferred_time"}, "the call's context is not the model's"
    assert CALLER.removeprefix("+") not in json.dumps([r.body for r in bedrock.received])


def test_a_callback_request_without_a_name_goes_back_to_the_model(bedrock: FakeBedrock) -> None:
    book = CallbackBook()
    agent = create_agent(book=book, deadline_seconds=None)
    bedrock.script(tool_use("request_callback", {"reason": "Rezept"}), text("Wie ist Ihr Name?"))

    call = CallSimulator(agent.assistant).start_call()
    call.say("Rufen Sie mich zurück, wegen eines Rezepts")

    call.assert_said("Wie ist Ihr Name?")
    assert book.requests == []


def test_the_example_runs_as_a_script(capsys: pytest.CaptureFixture[str]) -> None:
    main()

    printed = capsys.readouterr().out
    assert "Freitags haben wir von 8 bis 13 Uhr geöffnet." in printed
    assert "assistant: [hung up]" in printed
    assert "Erika Mustermann" in printed
