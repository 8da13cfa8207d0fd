"""The SDK's fake Bedrock driven by a real boto3 ``bedrock-runtime`` client: every answer parses as Converse's."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ReadTimeoutError

from aiflow.testing.bedrock import ERRORS, FakeBedrock, error, hang, text, tool_use

MODEL = "eu.amazon.nova-micro-v1:0"
TOOLS = {"tools": [{"toolSpec": {"name": "opening_hours", "inputSchema": {"json": {"type": "object"}}}}]}


@pytest.fixture
def bedrock(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBedrock]:
    with FakeBedrock() as fake:
        for name, value in fake.environment().items():
            monkeypatch.setenv(name, value)
        yield fake


def client(read_timeout: float = 5) -> Any:
    """A client as a user makes it: the endpoint from AWS_ENDPOINT_URL_BEDROCK_RUNTIME, retries off."""
    config = Config(retries={"total_max_attempts": 1}, read_timeout=read_timeout, connect_timeout=1)
    return boto3.client("bedrock-runtime", config=config)


def user(words: str) -> dict[str, Any]:
    return {"role": "user", "content": [{"text": words}]}


def test_a_text_answer_parses_with_its_stop_reason_usage_and_latency(bedrock: FakeBedrock) -> None:
    bedrock.script(text("Wir haben bis 18 Uhr geöffnet.", delay=0.05))

    answer = client().converse(
        modelId=MODEL,
        messages=[user("Wann haben Sie offen?")],
        system=[{"text": "Du bist die Praxis."}],
        inferenceConfig={"maxTokens": 200, "temperature": 0.2},
    )

    assert answer["output"]["message"] == {"role": "assistant", "content": [{"text": "Wir haben bis 18 Uhr geöffnet."}]}
    assert answer["stopReason"] == "end_turn"
    assert answer["usage"]["totalTokens"] == answer["usage"]["inputTokens"] + answer["usage"]["outputTokens"]
    assert answer["metrics"]["latencyMs"] >= 50
    (request,) = bedrock.received
    assert request.model_id == MODEL  # the colon arrives percent-encoded in the path
    assert request.system == "Du bist die Praxis."
    assert request.body["inferenceConfig"] == {"maxTokens": 200, "temperature": 0.2}


def test_a_tool_use_comes_back_as_a_tool_use_block_and_its_result_is_accepted(bedrock: FakeBedrock) -> None:
    bedrock.script(
        tool_use("opening_hours", {"day": "monday"}, say="Ich schaue nach.", tool_use_id="t1"), text("Bis 18 Uhr.")
    )
    history = [user("Montags offen?")]

    first = client().converse(modelId=MODEL, messages=history, toolConfig=TOOLS)
    history += [
        first["output"]["message"],
        {"role": "user", "content": [{"toolResult": {"toolUseId": "t1", "content": [{"json": {"until": "18:00"}}]}}]},
    ]
    second = client().converse(modelId=MODEL, messages=history, toolConfig=TOOLS)

    assert first["stopReason"] == "tool_use"
    assert first["output"]["message"]["content"] == [
        {"text": "Ich schaue nach."},
        {"toolUse": {"toolUseId": "t1", "name": "opening_hours", "input": {"day": "monday"}}},
    ]
    assert second["output"]["message"]["content"] == [{"text": "Bis 18 Uhr."}]
    assert bedrock.received[0].tool_names == ["opening_hours"]


def test_a_cut_answer_says_max_tokens(bedrock: FakeBedrock) -> None:
    bedrock.script(text("Wir haben", stop_reason="max_tokens"))

    assert client().converse(modelId=MODEL, messages=[user("Hallo")])["stopReason"] == "max_tokens"


@pytest.mark.parametrize("kind", sorted(ERRORS))
def test_each_error_arrives_as_the_modelled_exception_with_its_status(bedrock: FakeBedrock, kind: str) -> None:
    bedrock.script(error(kind, "scripted failure"))
    bedrock_runtime = client()

    with pytest.raises(ClientError) as raised:
        bedrock_runtime.converse(modelId=MODEL, messages=[user("Hallo")])

    assert isinstance(raised.value, getattr(bedrock_runtime.exceptions, kind))
    assert raised.value.response["Error"] == {"Code": kind, "Message": "scripted failure"}
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == ERRORS[kind]


def test_a_hanging_model_meets_the_clients_read_timeout(bedrock: FakeBedrock) -> None:
    bedrock.script(hang())
    started = time.monotonic()

    with pytest.raises(ReadTimeoutError):
        client(read_timeout=0.3).converse(modelId=MODEL, messages=[user("Hallo")])

    assert time.monotonic() - started < 3


def test_latency_applies_to_every_answer_and_the_default_answers_past_the_script(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with FakeBedrock(latency=0.2, default=text("Immer dasselbe.")) as fake:
        for name, value in fake.environment().items():
            monkeypatch.setenv(name, value)
        answers = [client().converse(modelId=MODEL, messages=[user("Hallo")]) for _ in range(2)]

    assert [a["output"]["message"]["content"][0]["text"] for a in answers] == ["Immer dasselbe."] * 2
    assert all(a["metrics"]["latencyMs"] >= 200 for a in answers)


def test_nothing_scripted_is_an_internal_server_error_that_says_so(bedrock: FakeBedrock) -> None:
    with pytest.raises(ClientError, match="no scripted reply left"):
        client().converse(modelId=MODEL, messages=[user("Hallo")])


@pytest.mark.parametrize(
    ("messages", "problem"),
    [
        ([{"role": "assistant", "content": [{"text": "Hallo"}]}], "start with a user message"),
        ([user("a"), user("b")], "alternate"),
        ([{"role": "user", "content": []}], "no content"),
        (
            [
                user("a"),
                {"role": "assistant", "content": [{"text": "b"}]},
                {"role": "user", "content": [{"toolResult": {"toolUseId": "x", "content": [{"text": "r"}]}}]},
            ],
            "answers no toolUse",
        ),
    ],
)
def test_a_history_bedrock_refuses_is_a_validation_exception(
    bedrock: FakeBedrock, messages: list[dict[str, Any]], problem: str
) -> None:
    bedrock.script(text("never sent"))
    bedrock_runtime = client()

    with pytest.raises(bedrock_runtime.exceptions.ValidationException, match=problem):
        bedrock_runtime.converse(modelId=MODEL, messages=messages, toolConfig=TOOLS)

    assert bedrock.pending() == 1, "a refused request takes no scripted reply"


def test_tool_blocks_without_a_tool_config_are_refused(bedrock: FakeBedrock) -> None:
    call = {"toolUse": {"toolUseId": "t1", "name": "opening_hours", "input": {}}}
    result = {"toolResult": {"toolUseId": "t1", "content": [{"text": "18:00"}]}}
    messages = [user("a"), {"role": "assistant", "content": [call]}, {"role": "user", "content": [result]}]
    bedrock_runtime = client()

    with pytest.raises(bedrock_runtime.exceptions.ValidationException, match="toolConfig"):
        bedrock_runtime.converse(modelId=MODEL, messages=messages)


def test_applied_points_boto3_at_the_fake_for_the_block_and_restores_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", raising=False)
    with FakeBedrock(default=text("Hallo zurück.")) as fake, fake.applied():
        answer = client().converse(modelId=MODEL, messages=[user("Hallo")])

    assert answer["output"]["message"]["content"] == [{"text": "Hallo zurück."}]
    assert os.environ["AWS_DEFAULT_REGION"] == "us-east-1"
    assert "AWS_ENDPOINT_URL_BEDROCK_RUNTIME" not in os.environ
