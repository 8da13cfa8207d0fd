"""The second reader against the fake Bedrock on loopback, through a real boto3 ``bedrock-runtime`` client:
when it asks the model, what the request carries, how the tool call's reading is mapped and made safe, and
what it declines. The webhook as wired is in tests/integration/test_webhook_second_reader.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from aiflow.deadline import Deadline, deadline_scope
from aiflow.llm import BedrockConverse
from aiflow.testing.bedrock import BedrockReply, FakeBedrock, error, hang, text, tool_use
from reminders.conversation.intents import Asked, Intent, Understood
from reminders.conversation.second_reader import (
    AFTER_THE_MODEL_SECONDS,
    MIN_MODEL_SECONDS,
    ModelReading,
    SecondReader,
)
from reminders.model.preferred_time import PreferredTime
from reminders.model.reminder import Language

MODEL = "eu.amazon.nova-micro-v1:0"
APPOINTMENT = datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
UNCLEAR = Understood(Intent.UNCLEAR, worded=False)
ANSWER = "Ähm, also das kriegen wir schon irgendwie hin, denk ich"


class Reader:
    """A second reader on the fake, and what it reported."""

    def __init__(self, fake: FakeBedrock) -> None:
        self.fake = fake
        self.results: list[tuple[ModelReading, float]] = []
        self.reader = SecondReader(BedrockConverse(MODEL, temperature=0.0), on_reading=self._heard)

    def _heard(self, result: ModelReading, seconds: float) -> None:
        self.results.append((result, seconds))

    def read(
        self, *replies: BedrockReply, said: str = ANSWER, rules: Understood = UNCLEAR, heard: bool = True
    ) -> Understood:
        self.fake.script(*replies)
        return self.reader.reread(
            said,
            rules,
            appointment_heard=heard,
            appointment=APPOINTMENT,
            language=Language.GERMAN,
            session_id="s-1",
        )

    @property
    def result(self) -> ModelReading:
        (last,) = self.results
        return last[0]


@pytest.fixture
def reader() -> Iterator[Reader]:
    with FakeBedrock() as fake, fake.applied():
        yield Reader(fake)


def reading(intent: str, confidence: float = 0.95, **more: object) -> BedrockReply:
    return tool_use("record_reading", {"intent": intent, "confidence": confidence, **more})


# When the model is asked.


@pytest.mark.parametrize(
    ("said", "rules", "heard"),
    [
        pytest.param("Ja, ich komme.", Understood(Intent.CONFIRM, worded=True), True, id="the rules read it"),
        pytest.param(ANSWER, UNCLEAR, False, id="the appointment not yet heard"),
        pytest.param("", UNCLEAR, True, id="nothing said"),
        pytest.param("... ?", UNCLEAR, True, id="no words"),
    ],
)
def test_the_model_is_asked_only_what_the_rules_left_unclear_after_the_appointment(
    reader: Reader, said: str, rules: Understood, heard: bool
) -> None:
    assert reader.read(reading("confirm"), said=said, rules=rules, heard=heard) is rules
    assert reader.fake.received == []
    assert reader.results == []


# What the request carries.


def test_the_request_carries_the_appointment_the_language_the_choices_and_the_words_only(reader: Reader) -> None:
    reader.read(reading("confirm"))

    (request,) = reader.fake.received
    (message,) = request.messages
    (block,) = message["content"]
    facts = block["text"]
    assert "Tuesday 2026-03-03 10:00 (Europe/Berlin)" in facts
    assert "de-DE" in facts
    assert facts.endswith(f"The callee's answer: {ANSWER}")
    assert request.tool_names == ["record_reading"]
    spec = request.body["toolConfig"]["tools"][0]["toolSpec"]["inputSchema"]["json"]
    assert spec["properties"]["intent"]["enum"] == ["confirm", "cancel", "reschedule", "repeat", "person", "unclear"]
    assert request.body["inferenceConfig"]["temperature"] == 0.0


# The reading, mapped and made safe.


def test_a_sure_decision_is_used_as_the_rules_would_read_it(reader: Reader) -> None:
    assert reader.read(reading("confirm")) == Understood(Intent.CONFIRM, worded=True)
    assert reader.result is ModelReading.USED


def test_another_time_keeps_the_time_asked_for(reader: Reader) -> None:
    wanted = {"weekday": "friday", "date": "2026-03-06", "part_of_day": "morning"}

    understood = reader.read(reading("reschedule", preferred_time=wanted))

    assert understood == Understood(Intent.RESCHEDULE, worded=True, preferred=PreferredTime(**wanted))


def test_a_time_is_kept_only_with_a_request_for_another_time(reader: Reader) -> None:
    understood = reader.read(reading("cancel", preferred_time={"weekday": "friday"}))

    assert understood == Understood(Intent.CANCEL, worded=True)


@pytest.mark.parametrize(
    ("intent", "asks", "understood"),
    [
        pytest.param("confirm", "practice", Understood(Intent.QUESTION, worded=True, asked=Asked.PRACTICE), id="yes+"),
        pytest.param("cancel", "when", Understood(Intent.REPEAT, worded=True, asked=Asked.WHEN), id="no+when"),
        pytest.param("repeat", "where", Understood(Intent.REPEAT, worded=True, asked=Asked.WHERE), id="repeat+where"),
        pytest.param(
            "reschedule", "practice", Understood(Intent.RESCHEDULE, worded=True, asked=Asked.PRACTICE), id="another"
        ),
    ],
)
def test_a_question_is_no_decision_unless_it_asks_for_another_time(
    reader: Reader, intent: str, asks: str, understood: Understood
) -> None:
    assert reader.read(reading(intent, asks=asks)) == understood
    assert reader.result is ModelReading.USED


# Declined: the rules' reading stands, the callee is asked again.


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param(reading("confirm", confidence=0.6), id="not sure"),
        pytest.param(reading("unclear", confidence=0.99), id="unclear"),
        pytest.param(reading("maybe"), id="an intent that is no choice"),
        pytest.param(reading("confirm", confidence=1.7), id="confidence out of bounds"),
        pytest.param(tool_use("record_reading", {"confidence": 0.9}), id="no intent"),
        pytest.param(reading("confirm", mood="happy"), id="an argument the tool has not"),
        pytest.param(reading("reschedule", preferred_time={"date": "next friday"}), id="a date that is none"),
        pytest.param(reading("confirm", asks="why"), id="a question of no kind"),
        pytest.param(tool_use("confirm", {"sure": True}), id="another tool"),
        pytest.param(text("Der Anrufer bestätigt den Termin."), id="words instead of the tool"),
    ],
)
def test_a_reading_that_is_not_sure_or_malformed_is_declined(reader: Reader, reply: BedrockReply) -> None:
    assert reader.read(reply) is UNCLEAR
    assert reader.result is ModelReading.DECLINED


def test_two_readings_at_once_are_declined(reader: Reader) -> None:
    both = BedrockReply((*reading("confirm").content, *reading("cancel").content), "tool_use")

    assert reader.read(both) is UNCLEAR
    assert reader.result is ModelReading.DECLINED


# Failed and late: the rules' reading stands.


@pytest.mark.parametrize("kind", ["ThrottlingException", "InternalServerException", "ModelErrorException"])
def test_an_error_of_the_model_leaves_the_rules_reading(reader: Reader, kind: str) -> None:
    assert reader.read(error(kind)) is UNCLEAR
    assert reader.result is ModelReading.FAILED
    assert len(reader.fake.received) == 1, "no retry"


def test_a_hanging_model_gets_the_turns_time_less_what_the_turn_needs_after_it(reader: Reader) -> None:
    turn = Deadline.after(0.8)
    with deadline_scope(turn):
        understood = reader.read(hang())
        left = turn.remaining()

    assert understood is UNCLEAR
    assert reader.result is ModelReading.TIMED_OUT
    assert left >= AFTER_THE_MODEL_SECONDS - 0.05, f"the model left the turn {left:.3f} s"


def test_a_turn_with_too_little_time_left_does_not_ask_the_model(reader: Reader) -> None:
    with deadline_scope(Deadline.after(AFTER_THE_MODEL_SECONDS + MIN_MODEL_SECONDS / 2 + 0.1)):
        understood = reader.read(reading("confirm"))

    assert understood is UNCLEAR
    assert reader.result is ModelReading.TIMED_OUT
    assert reader.fake.received == []


def test_the_reading_is_reported_with_how_long_the_model_took(reader: Reader) -> None:
    reader.read(tool_use("record_reading", {"intent": "cancel", "confidence": 0.9}, delay=0.2))

    ((result, seconds),) = reader.results
    assert result is ModelReading.USED
    assert 0.2 <= seconds < 2
