"""The call simulator against small real assistants: what it sends, how it plays actions out, what it rejects."""

from __future__ import annotations

import base64
import io
import json
import threading
import time
import uuid
import wave
from collections.abc import Callable, Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from aiflow import (
    AiFlowAssistant,
    audio,
    barge_in,
    configure_transcription,
    hangup,
    send_sms,
    speak,
    transfer,
)
from aiflow.testing import (
    DEFAULT_FLOW_NUMBER,
    AssistantTarget,
    CallSimulator,
    HttpTarget,
    LambdaTarget,
    Reply,
    SimulatedCall,
    SimulatorError,
)

TOKEN = "webhook-secret-123"
SUPPORT = "+4921155661"
# Python's json module writes and reads this; JSON parsers elsewhere, sipgate's among them, need not.
INFINITE_TIMEOUT = '{"type": "speak", "text": "Hi", "user_input_timeout_seconds": Infinity, "session_id": "SID"}'


def greeter(**handlers: Any) -> AiFlowAssistant:
    """An assistant that says hello on session_start, plus whatever handlers the test adds."""
    return AiFlowAssistant(on_session_start=handlers.pop("on_session_start", lambda event: "Hello!"), **handlers)


def types(call: SimulatedCall) -> list[str]:
    return [event["type"] for event in call.events]


class ScriptedTarget:
    """A webhook that answers every event with ``answer(event)``: for answers no real assistant gives."""

    def __init__(self, answer: Callable[[dict[str, Any]], Reply]) -> None:
        self.answer = answer

    def send(self, body: str, headers: Mapping[str, str]) -> Reply:
        return self.answer(json.loads(body))


def speak_wire(text: str, session_id: str) -> dict[str, Any]:
    return {"type": "speak", "text": text, "session_id": session_id}


def silent_wav(milliseconds: int = 250) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16_000)
        wav.writeframes(b"\0\0" * (16 * milliseconds))
    return buffer.getvalue()


def answer_start_with(action: Callable[[str], dict[str, Any]]) -> ScriptedTarget:
    """Answers session_start with ``action(session_id)``, everything else with 204."""

    def answer(event: dict[str, Any]) -> Reply:
        if event["type"] == "session_start":
            return Reply(200, json.dumps(action(event["session"]["id"])))
        return Reply(204, "")

    return ScriptedTarget(answer)


# Starting a call and playing speech out.


def test_an_inbound_call_starts_with_a_full_session_and_plays_the_greeting_out() -> None:
    call = CallSimulator(greeter()).start_call(from_phone_number="+4915112345678")

    assert types(call) == ["session_start", "assistant_speak", "assistant_speech_ended"]
    session = call.events[0]["session"]
    assert uuid.UUID(session["id"]).version == 4
    assert session == {
        "id": session["id"],
        "account_id": "account-123",
        "phone_number": DEFAULT_FLOW_NUMBER,
        "direction": "inbound",
        "from_phone_number": "+4915112345678",
        "to_phone_number": DEFAULT_FLOW_NUMBER,
    }
    assert all(event["session"]["id"] == call.session_id for event in call.events)
    spoken = call.events[1]
    assert spoken["text"] == "Hello!"
    assert spoken["duration_ms"] > 0
    assert abs(spoken["speech_started_at"] - time.time() * 1000) < 60_000  # Unix milliseconds
    assert [str(line) for line in call.transcript] == ["assistant: Hello!"]
    assert call.last_said == "Hello!"
    assert not call.ended


def test_an_outbound_call_has_the_callee_as_phone_number_like_sipgate() -> None:
    session = CallSimulator(greeter()).start_call(direction="outbound", to_phone_number="4915790000001").session

    assert session["direction"] == "outbound"
    assert session["phone_number"] == session["to_phone_number"] == "4915790000001"
    assert session["from_phone_number"] == DEFAULT_FLOW_NUMBER


def test_several_speaks_play_one_after_the_other_on_a_running_clock() -> None:
    assistant = greeter(
        on_session_start=lambda event: [speak("One."), speak(ssml="<speak>Two <break/> &amp; three.</speak>")]
    )

    call = CallSimulator(assistant).start_call()

    assert types(call)[1:] == ["assistant_speak", "assistant_speech_ended"] * 2
    first, second = call.events[1], call.events[3]
    assert second["ssml"].startswith("<speak>")
    assert "text" not in second
    assert second["speech_started_at"] >= first["speech_started_at"] + first["duration_ms"]
    assert [line.text for line in call.transcript] == ["One.", "Two & three."]


def test_answers_to_playback_events_are_played_out_too() -> None:
    assistant = greeter(on_assistant_speak=lambda event: speak("And more.") if event.text == "Hello!" else None)

    call = CallSimulator(assistant).start_call()

    assert [line.text for line in call.transcript] == ["Hello!", "And more."]
    # Speech answered while something plays waits for its turn.
    assert types(call)[1:] == ["assistant_speak", "assistant_speech_ended"] * 2


def test_sparse_sessions_send_only_the_id_after_session_start() -> None:
    call = CallSimulator(greeter(), sparse_sessions=True).start_call()

    assert len(call.events[0]["session"]) == 6
    assert all(event["session"] == {"id": call.session_id} for event in call.events[1:])


# Ending the call.


def goodbye_then_hangup() -> AiFlowAssistant:
    def on_user_speak(event: Any, state: dict[str, Any]) -> Any:
        state["leaving"] = True
        return speak("Goodbye!")

    return greeter(
        on_user_speak=on_user_speak,
        on_assistant_speech_ended=lambda event, state: hangup() if state.get("leaving") else None,
    )


def test_a_hangup_after_the_goodbye_ends_the_call_with_session_end() -> None:
    call = CallSimulator(goodbye_then_hangup()).start_call()

    call.say("Bye")

    assert types(call)[-4:] == ["user_speak", "assistant_speak", "assistant_speech_ended", "session_end"]
    assert call.ended
    assert call.ended_by == "assistant"
    call.assert_said("goodbye")
    call.assert_hung_up()
    assert call.transcript[-1].text == "[hung up]"
    with pytest.raises(SimulatorError, match="the assistant hung up"):
        call.say("Hello?")


def test_a_hangup_sent_with_the_goodbye_cuts_it_off() -> None:
    call = CallSimulator(greeter(on_user_speak=lambda event: [speak("Goodbye!"), hangup()])).start_call()

    call.say("Bye")

    assert types(call)[-2:] == ["user_speak", "session_end"]  # the goodbye never started playing
    assert call.transcript[-2].cut_off
    assert str(call.transcript[-2]) == "assistant: Goodbye!  [cut off]"
    with pytest.raises(AssertionError, match="cut off") as failure:
        call.assert_said("goodbye")
    assert "caller: Bye" in str(failure.value)  # the message carries the transcript


def test_the_caller_hanging_up_sends_session_end() -> None:
    call = CallSimulator(greeter()).start_call()

    call.hang_up()

    assert types(call)[-1] == "session_end"
    assert call.ended_by == "caller"
    with pytest.raises(AssertionError, match="the caller hung up"):
        call.assert_hung_up()
    with pytest.raises(SimulatorError, match="cannot hang up"):
        call.hang_up()


def test_assert_hung_up_on_a_running_call_shows_the_transcript() -> None:
    call = CallSimulator(greeter()).start_call()

    with pytest.raises(AssertionError, match=r"still going(.|\n)*assistant: Hello!"):
        call.assert_hung_up()


# Silence.


def test_stay_silent_sends_user_input_timeout_only_after_a_timed_speak() -> None:
    assistant = greeter(
        on_session_start=lambda event: "Hello!",
        on_user_speak=lambda event: speak("Which day?", user_input_timeout_seconds=5),
        on_user_input_timeout=lambda event: "Still there?",
    )
    call = CallSimulator(assistant).start_call()

    with pytest.raises(SimulatorError, match="no user_input_timeout_seconds"):
        call.stay_silent()
    assert "user_input_timeout" not in types(call)

    call.say("I need an appointment")
    before = call.events[-2]["speech_started_at"]
    call.stay_silent()

    assert types(call)[-3:] == ["user_input_timeout", "assistant_speak", "assistant_speech_ended"]
    assert call.events[-2]["speech_started_at"] >= before + 5000  # the silence took its time
    call.assert_said("still there")
    assert str(call.transcript[-2]) == "   caller: [silence]"
    with pytest.raises(SimulatorError, match="no user_input_timeout_seconds"):
        call.stay_silent()  # "Still there?" set no timeout


# Transfers.


def transferring(*, timeout: int | None) -> AiFlowAssistant:
    def on_session_start(event: Any, state: dict[str, Any]) -> Any:
        if state.get("transferring"):
            return "Nobody answered, sorry."
        return "Hello!"

    def on_user_speak(event: Any, state: dict[str, Any]) -> Any:
        state["transferring"] = True
        return transfer(SUPPORT, caller_id_name="Support", caller_id_number=SUPPORT, timeout=timeout)

    return AiFlowAssistant(on_session_start=on_session_start, on_user_speak=on_user_speak)


def test_an_answered_transfer_ends_the_call() -> None:
    call = CallSimulator(transferring(timeout=30)).start_call()

    call.say("A human, please")

    call.assert_transferred_to("004921155661")
    assert call.ended_by == "transfer"
    assert types(call)[-2:] == ["user_speak", "session_end"]
    assert call.transfers == [call.actions[-1]]
    with pytest.raises(AssertionError, match="it transferred to 4921155661"):
        call.assert_transferred_to("+4930123456")


def test_an_unanswered_transfer_brings_the_caller_back_with_the_same_session() -> None:
    call = CallSimulator(transferring(timeout=30)).start_call(transfer_answers=False)

    call.say("A human, please")

    starts = [event for event in call.events if event["type"] == "session_start"]
    assert len(starts) == 2
    assert starts[1]["session"] == starts[0]["session"]
    assert not call.ended
    call.assert_said("nobody answered")

    call.transfer_answers = True
    call.say("Try again")
    assert call.ended_by == "transfer"
    assert len(call.transfers) == 2


def test_an_unanswered_transfer_without_timeout_is_refused() -> None:
    call = CallSimulator(transferring(timeout=None)).start_call(transfer_answers=False)

    with pytest.raises(SimulatorError, match="no 'timeout'"):
        call.say("A human, please")


# Keys, barge-in and the other actions.


def test_press_sends_one_dtmf_event_per_key() -> None:
    call = CallSimulator(greeter(on_dtmf_received=lambda event: f"You pressed {event.digit}.")).start_call()

    call.press("1#")

    assert [event.get("digit") for event in call.events if event["type"] == "dtmf_received"] == ["1", "#"]
    assert [line.text for line in call.transcript[1:]] == [
        "[pressed 1]",
        "You pressed 1.",
        "[pressed #]",
        "You pressed #.",
    ]
    call.assert_said("you pressed 1")  # the whole press is one move
    with pytest.raises(SimulatorError, match="keys 0-9"):
        call.press("1a")


def test_press_stops_when_the_assistant_hangs_up_between_keys() -> None:
    call = CallSimulator(greeter(on_dtmf_received=lambda event: hangup())).start_call()

    with pytest.raises(SimulatorError, match="cannot press 2"):
        call.press("12")
    assert types(call).count("dtmf_received") == 1


def test_barge_in_flags_reach_the_assistant() -> None:
    heard: list[tuple[str, bool]] = []

    def on_user_speak(event: Any) -> None:
        heard.append((event.text, event.barged_in))

    call = CallSimulator(greeter(on_user_speak=on_user_speak)).start_call()

    call.say("Wait", barged_in=True)
    call.barge_in_legacy("Stop")

    assert call.events[-1] == {"type": "user_barge_in", "text": "Stop", "session": call.session}
    assert heard == [("Wait", True), ("Stop", True)]  # the SDK maps the legacy event to user_speak


def test_barge_in_action_drops_speech_still_queued() -> None:
    assistant = greeter(on_user_speak=lambda event: [speak("Let me see."), barge_in(), speak("Sorry, correction.")])
    call = CallSimulator(assistant).start_call()

    call.say("When?")

    assert [(line.text, line.cut_off) for line in call.transcript[-2:]] == [
        ("Let me see.", True),
        ("Sorry, correction.", False),
    ]
    spoken = [event["text"] for event in call.events if event["type"] == "assistant_speak"]
    assert spoken == ["Hello!", "Sorry, correction."]  # the dropped line never started playing


def test_audio_sms_and_configuration_are_recorded() -> None:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16_000)
        wav.writeframes(b"\0\0" * 8_000)
    sms = send_sms("+4915790000687", "See you tomorrow")
    assistant = greeter(
        on_session_start=lambda event: [configure_transcription(languages=["de-DE"]), audio(buffer.getvalue()), sms]
    )

    call = CallSimulator(assistant).start_call()

    assert [action["type"] for action in call.actions] == ["configure_transcription", "audio", "send_sms"]
    assert call.sms == [call.actions[2]]
    assert [line.text for line in call.transcript] == ["[sms to 4915790000687: See you tomorrow]", "[audio]"]
    played = call.events[1]
    assert played["duration_ms"] == 500
    assert "text" not in played
    assert call.last_said is None  # audio is no words


# Checking every answer.


def test_a_handler_returning_an_invalid_action_gets_the_sdk_fallback(caplog: pytest.LogCaptureFixture) -> None:
    call = CallSimulator(greeter(on_user_speak=lambda event: {"type": "speak"})).start_call()

    call.say("Hello")

    # The SDK never lets a broken handler reach sipgate: it logs and apologises, and the call goes on.
    call.assert_said("something went wrong")
    assert "handler for user_speak failed" in caplog.text
    assert not call.ended


@pytest.mark.parametrize(
    ("reply", "problem"),
    [
        (lambda sid: Reply(200, json.dumps({"type": "speak", "session_id": sid})), "invalid speak action: speak needs"),
        (
            lambda sid: Reply(200, json.dumps({"type": "dance", "session_id": sid})),
            "invalid dance action: unknown type",
        ),
        (lambda sid: Reply(200, json.dumps({"type": "hangup", "session_id": "other"})), "for session 'other'"),
        (lambda sid: Reply(200, json.dumps({"type": "hangup"})), "for session None"),
        (lambda sid: Reply(200, "speak"), "not JSON"),
        (lambda sid: Reply(200, INFINITE_TIMEOUT.replace("SID", sid)), "Infinity is not a JSON value"),
        (lambda sid: Reply(200, "[1]"), "action object"),
        (lambda sid: Reply(204, "{}"), "empty body"),
        (lambda sid: Reply(500, "boom"), "HTTP 500 'boom'"),
    ],
)
def test_answers_sipgate_would_not_accept_raise(reply: Callable[[str], Reply], problem: str) -> None:
    def answer(event: dict[str, Any]) -> Reply:
        return reply(event["session"]["id"]) if event["type"] == "session_start" else Reply(204, "")

    with pytest.raises(SimulatorError, match=problem) as failure:
        CallSimulator(ScriptedTarget(answer)).start_call()
    assert failure.value.status_code == reply("x").status_code


@pytest.mark.parametrize(
    "answer_to_session_end",
    [
        pytest.param(
            lambda sid: Reply(200, json.dumps({"type": "speak", "text": "Wait!", "session_id": sid})), id="action"
        ),
        pytest.param(lambda sid: Reply(200, '{"success": true}'), id="flow-io-success"),  # sipgate's flow-io
        pytest.param(lambda sid: Reply(204, "ok"), id="204-with-body"),
        pytest.param(lambda sid: Reply(200, ""), id="200-empty"),
    ],
)
def test_any_answer_to_session_end_is_accepted_and_ignored(answer_to_session_end: Callable[[str], Reply]) -> None:
    def answer(event: dict[str, Any]) -> Reply:
        if event["type"] == "session_end":
            return answer_to_session_end(event["session"]["id"])
        return Reply(204, "")

    call = CallSimulator(ScriptedTarget(answer)).start_call()
    call.hang_up()

    assert call.ended_by == "caller"
    assert [action["type"] for action in call.actions] == []


def test_a_200_with_an_empty_body_is_no_action() -> None:
    def answer(event: dict[str, Any]) -> Reply:
        if event["type"] == "session_start":
            return Reply(200, json.dumps({"type": "speak", "text": "Hi", "session_id": event["session"]["id"]}))
        return Reply(200, "")  # what sipgate's flow-io answers to user_barge_in

    call = CallSimulator(ScriptedTarget(answer)).start_call()
    call.say("Hello?")

    assert call.last_said == "Hi"
    assert not call.ended


def test_an_audio_after_a_timed_speak_keeps_the_timer() -> None:
    assistant = greeter(
        on_session_start=lambda event: [speak("Press 1 or 2.", user_input_timeout_seconds=4), audio(silent_wav())],
        on_user_input_timeout=lambda event: "Still there?",
    )
    call = CallSimulator(assistant).start_call()

    call.stay_silent()

    call.assert_said("still there")


def test_wait_for_timeout_sends_it_after_a_204_to_the_callers_speech() -> None:
    assistant = greeter(
        on_session_start=lambda event: speak("Tell me the day.", user_input_timeout_seconds=6),
        on_user_speak=lambda event: None,  # 204: a third-party webhook waiting for more
        on_user_input_timeout=lambda event: "Which day was it?",
    )
    call = CallSimulator(assistant).start_call()
    call.say("Tuesday, I think")
    started = call.events[-1]

    with pytest.raises(SimulatorError, match="no user_input_timeout_seconds"):
        call.stay_silent()  # strict: the caller's speech stopped the timer and the 204 set none
    call.wait_for_timeout()

    assert types(call)[-3:] == ["user_input_timeout", "assistant_speak", "assistant_speech_ended"]
    assert call.events[-2]["speech_started_at"] >= started.get("speech_started_at", 0) + 6000
    call.assert_said("which day was it")


def test_wait_for_timeout_needs_a_timeout_set_in_the_call() -> None:
    call = CallSimulator(greeter(on_session_start=lambda event: "Hello!")).start_call()

    with pytest.raises(SimulatorError, match="no speech in this call set user_input_timeout_seconds"):
        call.wait_for_timeout()


def test_an_assistant_that_never_stops_talking_is_stopped() -> None:
    assistant = greeter(on_assistant_speech_ended=lambda event: "And another thing.")

    with pytest.raises(SimulatorError, match="seems to loop"):
        CallSimulator(assistant, max_events_per_move=10).start_call()


def test_send_raw_returns_the_answer_unchecked_and_records_nothing() -> None:
    call = CallSimulator(greeter()).start_call()
    sent = len(call.events)

    assert call.send_raw("{not json").status_code == 400
    status, body = call.send_raw({"type": "user_speak", "text": "Hi"})
    assert status == 400
    assert "session" in json.loads(body)["error"]
    assert len(call.events) == sent


def test_a_wrong_token_is_an_error_with_the_401() -> None:
    assistant = greeter(webhook_token=TOKEN)

    with pytest.raises(SimulatorError, match="HTTP 401") as failure:
        CallSimulator(AssistantTarget(assistant), "wrong").start_call()
    assert failure.value.status_code == 401
    assert CallSimulator(assistant, TOKEN).start_call().last_said == "Hello!"


def test_assert_said_looks_at_the_last_move_unless_told_otherwise() -> None:
    call = CallSimulator(greeter(on_user_speak=lambda event: "Noted.")).start_call()

    call.say("Something")

    call.assert_said("NOTED")
    call.assert_said("hello", anywhere=True)
    with pytest.raises(AssertionError, match="did not say 'hello' since the caller's last move"):
        call.assert_said("hello")


# Targets: API Gateway and real HTTP.


def test_the_lambda_target_sends_http_api_v2_events_the_sdk_accepts() -> None:
    assistant = greeter(webhook_token=TOKEN)
    invocations: list[tuple[dict[str, Any], Any]] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        invocations.append((event, context))
        return assistant.lambda_handler(event, context)

    call = CallSimulator(LambdaTarget(handler), TOKEN).start_call()

    assert call.last_said == "Hello!"
    event, context = invocations[0]
    assert event["version"] == "2.0"
    assert event["routeKey"] == "POST /webhook"
    assert event["rawPath"] == "/webhook"
    assert event["requestContext"]["http"]["method"] == "POST"
    assert event["requestContext"]["http"]["path"] == "/webhook"
    assert event["headers"]["x-api-token"] == TOKEN
    assert event["headers"]["content-type"] == "application/json"
    assert all(name == name.lower() for name in event["headers"])
    assert event["isBase64Encoded"] is False
    assert json.loads(event["body"]) == call.events[0]
    assert context.function_name == "aiflow-webhook"
    assert context.invoked_function_arn.endswith(":function:aiflow-webhook")
    assert 0 < context.get_remaining_time_in_millis() <= 10_000
    assert context.memory_limit_in_mb == 256
    assert invocations[1][1].aws_request_id != context.aws_request_id

    with pytest.raises(SimulatorError, match="401") as failure:
        CallSimulator(LambdaTarget(assistant.lambda_handler), "wrong").start_call()
    assert failure.value.status_code == 401


def test_the_lambda_target_decodes_base64_bodies_and_rejects_non_proxy_results() -> None:
    def encoded(event: dict[str, Any], context: Any) -> dict[str, Any]:
        session_id = json.loads(event["body"])["session"]["id"]
        body = json.dumps({"type": "speak", "text": "Hi", "session_id": session_id})
        if json.loads(event["body"])["type"] != "session_start":
            return {"statusCode": 204, "body": ""}
        return {"statusCode": 200, "body": base64.b64encode(body.encode()).decode(), "isBase64Encoded": True}

    assert CallSimulator(LambdaTarget(encoded)).start_call().last_said == "Hi"
    with pytest.raises(SimulatorError, match="not a proxy result"):
        CallSimulator(LambdaTarget(lambda event, context: {"type": "hangup"})).start_call()


@pytest.fixture
def webhook_url() -> Iterator[str]:
    """A real HTTP server on loopback that hands every POST to an assistant."""
    assistant = goodbye_then_hangup()
    assistant.webhook_token = TOKEN

    class Webhook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            response = assistant.handle(body, dict(self.headers))
            self.send_response(response.status_code)
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body.encode())))
            self.end_headers()
            self.wfile.write(response.body.encode())

        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Webhook)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/webhook"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_the_http_target_plays_a_call_over_real_http(webhook_url: str) -> None:
    call = CallSimulator(HttpTarget(webhook_url), TOKEN).start_call()

    call.say("Bye")

    call.assert_said("goodbye")
    call.assert_hung_up()
    with pytest.raises(SimulatorError, match="401"):
        CallSimulator(HttpTarget(webhook_url)).start_call()


def test_the_http_target_reports_an_unreachable_webhook() -> None:
    with pytest.raises(SimulatorError, match="failed"):
        CallSimulator(HttpTarget("http://127.0.0.1:9/webhook", timeout_seconds=1)).start_call()
