"""The example appointment assistant, tested the way users test theirs: by playing calls against it."""

from __future__ import annotations

import logging

import pytest

from aiflow.testing import CallSimulator, SimulatedCall
from examples import simulated_calls as demo
from examples.appointment_assistant import create_assistant

TOKEN = "example-webhook-token"


@pytest.fixture
def call() -> SimulatedCall:
    """A reminder call the patient has just picked up.

    Sparse sessions, as sipgate may send them, prove the assistant needs nothing but the session id.
    """
    simulator = CallSimulator(create_assistant(webhook_token=TOKEN), TOKEN, sparse_sessions=True)
    return simulator.start_call(direction="outbound")


def test_the_patient_hears_the_practice_the_appointment_and_the_choices(call: SimulatedCall) -> None:
    call.assert_said("this is Smile Dental")
    call.assert_said("appointment with us tomorrow at 10:30")
    call.assert_said("say yes or press 1 to confirm, say no or press 2 to cancel")


@pytest.mark.parametrize("answer", ["Yes, I'll be there.", "yeah", "OK, confirmed"])
def test_saying_yes_confirms_and_the_goodbye_plays_before_the_hangup(call: SimulatedCall, answer: str) -> None:
    call.say(answer)

    call.assert_said("your appointment tomorrow at 10:30 is confirmed")
    call.assert_said("goodbye")
    call.assert_hung_up()
    assert not any(line.cut_off for line in call.transcript)


@pytest.mark.parametrize("answer", ["No.", "I have to cancel, sorry", "I can't make it"])
def test_saying_no_cancels(call: SimulatedCall, answer: str) -> None:
    call.say(answer)

    call.assert_said("your appointment is cancelled")
    call.assert_hung_up()


def test_keys_1_and_2_confirm_and_cancel(call: SimulatedCall) -> None:
    call.press("1")
    call.assert_said("is confirmed")

    other = CallSimulator(create_assistant()).start_call()
    other.press("2")
    other.assert_said("is cancelled")
    other.assert_hung_up()


@pytest.mark.parametrize("answer", ["Who is this?", "I'm not sure", "Yes... no, wait"])
def test_an_unclear_answer_is_asked_again(call: SimulatedCall, answer: str) -> None:
    call.say(answer)

    call.assert_said("sorry, I didn't catch that")
    call.assert_said("say yes or press 1 to confirm")
    assert not call.ended


def test_another_key_is_asked_again(call: SimulatedCall) -> None:
    call.press("5")

    call.assert_said("that key does nothing here")
    assert not call.ended


def test_silence_is_asked_about_twice_then_the_practice_calls_back(call: SimulatedCall) -> None:
    call.stay_silent()
    call.assert_said("are you still there?")
    call.stay_silent()
    call.assert_said("are you still there?")

    call.stay_silent()

    call.assert_said("the practice will call you back")
    call.assert_hung_up()


def test_a_clear_answer_after_a_repeat_still_counts(call: SimulatedCall) -> None:
    call.say("Hm?")
    call.stay_silent()

    call.say("Yes")

    call.assert_said("is confirmed")
    call.assert_hung_up()


def test_the_outcome_is_reported_when_the_call_ends(call: SimulatedCall, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="examples.appointment_assistant"):
        call.press("2")

    assert f"reminder call {call.session_id}: cancelled" in caplog.text


def test_the_patient_may_hang_up_at_any_time(call: SimulatedCall, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="examples.appointment_assistant"):
        call.hang_up()

    assert call.ended_by == "caller"
    assert "no answer" in caplog.text


# The demo plays scripted calls with the same assistant.


def test_the_demo_plays_every_call_as_scripted(capsys: pytest.CaptureFixture[str]) -> None:
    assert demo.main([]) == 0

    out = capsys.readouterr().out
    assert "3 of 3 calls went as scripted." in out
    assert "assistant: Hello, this is Smile Dental." in out
    assert (
        "   caller: Yes, I'll be there.\nassistant: Thank you! Your appointment tomorrow at 10:30 is confirmed." in out
    )
    assert "   caller: [silence]" in out
    assert "   caller: [pressed 2]" in out
    assert "assistant: [hung up]" in out
    assert "NOT as scripted" not in out


def test_the_demo_plays_one_scenario_on_request(capsys: pytest.CaptureFixture[str]) -> None:
    assert demo.main(["--scenario", "cancel"]) == 0

    out = capsys.readouterr().out
    assert "=== cancel:" in out
    assert "=== confirm:" not in out
    assert "1 of 1 calls went as scripted." in out


def test_the_demo_fails_when_a_call_goes_off_script(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def expects_cake(call: SimulatedCall) -> None:
        call.assert_said("free cake")

    monkeypatch.setattr(demo, "SCENARIOS", (demo.Scenario("cake", "The patient expects cake.", expects_cake),))

    assert demo.main([]) == 1

    out = capsys.readouterr().out
    assert "--> NOT as scripted: the assistant did not say 'free cake'" in out
    assert "assistant: Hello, this is Smile Dental." in out  # the transcript is still shown
