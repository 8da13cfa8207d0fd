"""aiflow.llm on the wire: calls played against an agent whose model is the fake Bedrock, reached by real boto3.

Faults come from the fake as Bedrock sends them (throttling, errors, a hang, late answers); the hold
pattern's late answer is delivered on the next assistant_speech_ended, an answer for a superseded turn is
dropped, tool calls with bad arguments go back to the model. On Lambda the slow turn hands its job to an
asynchronous invocation (a fake Lambda Invoke on loopback) and the answer waits in DynamoDB Local.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from aiflow import AiFlowAssistant, DynamoDBSessionStore, InMemorySessionStore, hangup
from aiflow.llm import CALL_CONNECTED, FILLERS, BedrockConverse, EndTurn, LambdaInvokeRunner, LlmAgent
from aiflow.testing import CallSimulator, LambdaTarget, SimulatedCall
from aiflow.testing.bedrock import FakeBedrock, error, hang, text, tool_use

MODEL = "eu.amazon.nova-micro-v1:0"
GREETING = "Praxis Dr. Weber, guten Tag! Wie kann ich helfen?"
FALLBACK = "Entschuldigung, da ist etwas schiefgegangen. Bitte rufen Sie später noch einmal an."
CALLER = "+4915790000687"


@pytest.fixture
def bedrock(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBedrock]:
    with FakeBedrock() as fake:
        for name, value in fake.environment().items():
            monkeypatch.setenv(name, value)
        yield fake


def opening_hours(day: str) -> dict[str, str]:
    """The practice's opening hours on a weekday.

    Args:
        day: the weekday, in English, lower case
    """
    if day not in {"monday", "tuesday", "wednesday", "thursday", "friday"}:
        raise ValueError(f"no such weekday: {day}")
    return {"day": day, "hours": "08:00-18:00"}


def goodbye() -> EndTurn:
    """End the call politely."""
    return EndTurn(say="Auf Wiederhören!", actions=[hangup()])


def make_agent(store: Any = None, *, read_timeout: float = 5, **options: Any) -> tuple[LlmAgent, AiFlowAssistant]:
    model = BedrockConverse(MODEL, read_timeout=read_timeout)
    assert model.client  # made now, as in a warm environment: the waits below are the model's, not boto3's import
    agent = LlmAgent(
        model=model,
        system_prompt="Du bist die Rezeption der Praxis Dr. Weber.",
        greeting=GREETING,
        tools=[opening_hours, goodbye],
        **{"wait_seconds": 0.3, **options},  # short, so that a 0.45 s model is late
    )
    assistant = AiFlowAssistant(session_store=store or InMemorySessionStore(), fallback=FALLBACK)
    return agent, agent.attach(assistant)


def answered_after_fillers(call: SimulatedCall) -> str:
    """What the assistant said after the filler or fillers that followed the caller's last words."""
    said = [line.text for line in call.transcript if line.speaker == "assistant"]
    assert said[-2] in FILLERS["de"], call.transcript_text()
    return said[-1]


def wait_until(condition: Callable[[], bool], timeout: float = 10) -> None:
    ends = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < ends, "timed out waiting"
        time.sleep(0.02)


def test_the_model_answers_within_the_turn_and_gets_no_caller_number(bedrock: FakeBedrock) -> None:
    agent, assistant = make_agent()
    bedrock.script(text("Gern, worum geht es?"))

    call = CallSimulator(assistant).start_call(from_phone_number=CALLER)
    call.assert_said(GREETING)
    call.say("Ich brauche einen Termin")
    call.assert_said("Gern, worum geht es?")

    (request,) = bedrock.received
    assert request.model_id == MODEL
    assert request.system == "Du bist die Rezeption der Praxis Dr. Weber."
    assert request.messages == [
        {"role": "user", "content": [{"text": CALL_CONNECTED}]},
        {"role": "assistant", "content": [{"text": GREETING}]},
        {"role": "user", "content": [{"text": "Ich brauche einen Termin"}]},
    ]
    assert request.tool_names == ["opening_hours", "goodbye"]
    assert CALLER.removeprefix("+") not in json.dumps(request.body), "the model never gets the caller's number"
    assert agent.outcomes["answered"] == 1


def test_a_tool_call_is_validated_called_and_its_result_returned(bedrock: FakeBedrock) -> None:
    _, assistant = make_agent()
    bedrock.script(tool_use("opening_hours", {"day": "monday"}, tool_use_id="t1"), text("Montags von 8 bis 18 Uhr."))

    call = CallSimulator(assistant).start_call()
    call.say("Wann haben Sie montags offen?")
    call.assert_said("Montags von 8 bis 18 Uhr.")

    result = bedrock.received[1].messages[-1]["content"][0]["toolResult"]
    assert result == {
        "toolUseId": "t1",
        "content": [{"json": {"day": "monday", "hours": "08:00-18:00"}}],
        "status": "success",
    }


@pytest.mark.parametrize(
    ("call", "reason"),
    [
        (tool_use("opening_hours", {"weekday": "monday"}, tool_use_id="t1"), "invalid arguments for opening_hours"),
        (tool_use("opening_hours", {"day": "sunday"}, tool_use_id="t1"), "opening_hours failed: no such weekday"),
        (tool_use("book_appointment", {"day": "monday"}, tool_use_id="t1"), "no tool named 'book_appointment'"),
    ],
    ids=["bad arguments", "tool raises", "unknown tool"],
)
def test_a_tool_error_goes_back_to_the_model_never_to_the_caller(bedrock: FakeBedrock, call: Any, reason: str) -> None:
    agent, assistant = make_agent()
    bedrock.script(call, text("Das kann ich leider nicht nachsehen. Kann ich sonst helfen?"))

    simulated = CallSimulator(assistant).start_call()
    simulated.say("Wann haben Sie offen?")

    simulated.assert_said("Kann ich sonst helfen?")
    result = bedrock.received[1].messages[-1]["content"][0]["toolResult"]
    assert result["status"] == "error"
    assert reason in result["content"][0]["text"]
    assert reason not in simulated.transcript_text()
    assert agent.outcomes["tool_error"] == 1


def test_a_tool_ends_the_call_after_its_goodbye_has_played(bedrock: FakeBedrock) -> None:
    _, assistant = make_agent()
    bedrock.script(tool_use("goodbye", {}))

    call = CallSimulator(assistant).start_call()
    call.say("Das war alles, danke")

    call.assert_said("Auf Wiederhören!")
    call.assert_hung_up()
    assert len(bedrock.received) == 1, "a tool that ends the turn is not followed by another model request"


@pytest.mark.parametrize(
    "failure",
    ["ThrottlingException", "ModelErrorException", "ServiceUnavailableException", "InternalServerException"],
)
def test_a_failing_model_makes_the_caller_hear_the_fallback_once_without_retries(
    bedrock: FakeBedrock, failure: str
) -> None:
    agent, assistant = make_agent()
    bedrock.script(error(failure))

    call = CallSimulator(assistant).start_call()
    call.say("Hallo?")

    call.assert_said(FALLBACK)
    assert len(bedrock.received) == 1, "botocore's retries are off"
    assert agent.outcomes[f"fallback:{failure}"] == 1


def test_a_malformed_tool_call_is_a_fallback(bedrock: FakeBedrock) -> None:
    agent, assistant = make_agent()
    bedrock.script(text("{oops", stop_reason="malformed_tool_use"))

    call = CallSimulator(assistant).start_call()
    call.say("Hallo?")

    call.assert_said(FALLBACK)
    assert agent.outcomes["fallback:stop_reason:malformed_tool_use"] == 1


def test_a_late_answer_is_spoken_on_the_next_assistant_speech_ended(bedrock: FakeBedrock) -> None:
    agent, assistant = make_agent()
    bedrock.script(text("Wir haben bis 18 Uhr geöffnet.", delay=0.45))

    call = CallSimulator(assistant).start_call()
    call.say("Wie lange haben Sie heute offen?")

    assert answered_after_fillers(call) == "Wir haben bis 18 Uhr geöffnet."
    assert len(bedrock.received) == 1, "the request went on: it was not made twice"
    assert agent.outcomes["answered_late"] == 1
    call.say("Danke")  # the late answer joined the history: the next request's history alternates
    assert bedrock.received[-1].messages[-2] == {
        "role": "assistant",
        "content": [{"text": "Wir haben bis 18 Uhr geöffnet."}],
    }


def test_a_hanging_model_gets_fillers_then_the_fallback_and_its_answer_is_dropped(bedrock: FakeBedrock) -> None:
    agent, assistant = make_agent(read_timeout=1, max_fillers=2)
    bedrock.script(hang())

    call = CallSimulator(assistant).start_call()
    call.say("Hallo?")

    lines = [line.text for line in call.transcript if line.speaker == "assistant"]
    assert lines[-3:] == ["Einen Moment bitte ...", "Gleich habe ich es ...", FALLBACK]
    assert agent.outcomes["fallback:gave_up"] == 1
    wait_until(lambda: agent.outcomes["dropped_superseded"] == 1)  # the read timeout's failure, for a turn given up


def test_an_answer_after_the_caller_spoke_again_is_dropped(bedrock: FakeBedrock) -> None:
    agent, assistant = make_agent(wait_seconds=0.8)
    bedrock.script(text("Die alte Antwort.", delay=2), text("Die neue Antwort."))
    session = {"id": "s-1", "direction": "inbound", "from_phone_number": CALLER}

    def send(event_type: str, **fields: Any) -> list[dict[str, Any]]:
        return assistant.handle(json.dumps({"type": event_type, "session": session, **fields})).actions

    send("session_start")
    assert send("user_speak", text="Wann haben Sie offen?")[0]["text"] == "Einen Moment bitte ..."
    answer = send("user_speak", text="Hallo? Sind Sie noch da?", barged_in=True)  # before the filler ended

    assert answer[0]["text"] == "Die neue Antwort."
    wait_until(lambda: agent.outcomes["dropped_superseded"] == 1)
    assert send("assistant_speech_ended") == []
    second = bedrock.received[1].messages[-1]
    assert second == {
        "role": "user",
        "content": [{"text": "Wann haben Sie offen?"}, {"text": "Hallo? Sind Sie noch da?"}],
    }


def test_the_turns_deadline_bounds_the_wait_for_the_model(bedrock: FakeBedrock) -> None:
    model = BedrockConverse(MODEL)
    assert model.client
    agent = LlmAgent(model=model, system_prompt="Praxis.", greeting=GREETING, wait_seconds=30, max_fillers=3)
    assistant = agent.attach(AiFlowAssistant(deadline_seconds=0.5, fallback=FALLBACK))
    bedrock.script(text("Zu spät für diesen Turn.", delay=0.7))  # each turn waits 0.25 s: 0.5 less reserves

    call = CallSimulator(assistant).start_call()
    call.say("Hallo?")

    call.assert_said("Einen Moment bitte ...")
    call.assert_said("Zu spät für diesen Turn.")  # after a filler or two, each turn within its deadline


def test_a_barge_in_cuts_the_last_answer_to_what_the_caller_heard(bedrock: FakeBedrock) -> None:
    _, assistant = make_agent()
    long_answer = "Wir haben montags bis freitags von acht bis achtzehn Uhr geöffnet und samstags geschlossen."
    bedrock.script(text(long_answer), text("Ja, bitte?"))
    session = {"id": "s-2"}

    def send(event_type: str, **fields: Any) -> None:
        assistant.handle(json.dumps({"type": event_type, "session": session, **fields}))

    send("session_start")
    send("user_speak", text="Wann haben Sie offen?")
    now_ms = int(time.time() * 1000)
    send("assistant_speak", text=long_answer, duration_ms=10_000, speech_started_at=now_ms - 2_000)
    send("user_speak", text="Moment, noch was", barged_in=True)

    heard = bedrock.received[1].messages[-2]["content"][0]["text"]
    assert heard.endswith(" ...")
    assert 2 <= len(heard.split()) <= 5, heard  # a fifth of the words, give or take the time the turn took
    assert long_answer.startswith(heard.removesuffix(" ..."))


# On Lambda: the slow turn hands off to an asynchronous invocation.


class FakeLambdaInvoke:
    """Lambda's ``Invoke`` on loopback: an ``Event`` invocation is accepted (202) and run in a thread."""

    def __init__(self, handler: Callable[[dict[str, Any], Any], Any]) -> None:
        self.invocations: list[dict[str, Any]] = []
        self.threads: list[threading.Thread] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.invocations.append(
                    {"path": self.path, "type": self.headers.get("X-Amz-Invocation-Type"), "payload": payload}
                )
                worker = threading.Thread(target=handler, args=(payload, None), daemon=True)
                fake.threads.append(worker)
                worker.start()
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        for thread in self.threads:
            thread.join(10)
        self.server.shutdown()
        self.server.server_close()


def test_on_lambda_a_slow_turn_is_answered_by_an_async_invocation_through_dynamodb(
    bedrock: FakeBedrock, dynamodb_table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = DynamoDBSessionStore(dynamodb_table)
    agent, _ = make_agent(store, runner=LambdaInvokeRunner("practice-webhook"), max_fillers=4)
    invoke = FakeLambdaInvoke(agent.lambda_handler)
    monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", invoke.url)
    bedrock.script(text("zu spät", delay=0.6), text("Wir haben bis 18 Uhr geöffnet.", delay=0.1))
    try:
        call = CallSimulator(LambdaTarget(agent.lambda_handler)).start_call()
        call.say("Wie lange haben Sie offen?")
    finally:
        invoke.close()

    assert answered_after_fillers(call) == "Wir haben bis 18 Uhr geöffnet."
    (invocation,) = invoke.invocations
    assert invocation["path"] == "/2015-03-31/functions/practice-webhook/invocations"
    assert invocation["type"] == "Event"
    assert invocation["payload"]["aiflow_llm_job"]["turn"] == 1
    assert len(bedrock.received) == 2, "the turn's own request timed out; the worker asked again"


# The simulator plays the hold pattern's timing: a filler lasts as long as it is spoken.


def test_with_playback_the_filler_buys_the_time_a_slow_model_needs(bedrock: FakeBedrock) -> None:
    agent, assistant = make_agent(max_fillers=1)
    bedrock.script(text("Ihr Rezept liegt ab morgen bereit.", delay=1.2))
    started = time.monotonic()

    call = CallSimulator(assistant, playback=1.0).start_call()  # the greeting plays in real time too
    call.say("Ist mein Rezept fertig?")

    assert answered_after_fillers(call) == "Ihr Rezept liegt ab morgen bereit."
    assert agent.outcomes["filler"] == 1, "one filler, played out while the model answered"
    assert time.monotonic() - started >= 1.2 + 3.2, "the greeting (8 words) and the filler were played out"


def test_without_playback_the_same_slow_model_runs_out_of_fillers(bedrock: FakeBedrock) -> None:
    agent, assistant = make_agent(max_fillers=1)
    bedrock.script(text("Ihr Rezept liegt ab morgen bereit.", delay=1.2))

    call = CallSimulator(assistant).start_call()
    call.say("Ist mein Rezept fertig?")

    call.assert_said(FALLBACK)
    assert agent.outcomes["fallback:gave_up"] == 1
