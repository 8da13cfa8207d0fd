"""``ConfirmationSms`` end to end: whole calls through ``functions/webhook/app.py:lambda_handler``.

The webhook is started cold with the environment template.yaml gives it (``CONFIRMATION_SMS`` from the
parameter), on the test's table; sipgate is the SDK's call simulator, which records each ``send_sms``
action as sipgate would carry it out. Each test checks what the callee got in writing, what they heard,
what was stored on the reminder and what was counted.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from aiflow.testing import SimulatedCall
from reminders.model.reminder import Language, Outcome, Via
from tests.harness.metrics import emitted_metrics
from tests.harness.webhook import (
    CALLEE_DIGITS,
    Webhook,
    assert_decided,
    assert_goodbye_then_hangup,
    dial,
)

SMS_FAILED = Path(__file__).parents[1] / "fixtures" / "events" / "sms_failed.json"
PLACE = "Praxis Dr. Sommer, Hauptstraße 5"
TRANSFER_NUMBER = "+4921155667788"


@pytest.fixture
def texting(start_webhook: Callable[..., Webhook]) -> Webhook:
    """The webhook with ``ConfirmationSms`` on, as the template passes it."""
    return start_webhook(CONFIRMATION_SMS="on")


def sms_then_goodbye(call: SimulatedCall) -> str:
    """The one text the call sent, to the callee, answered right before the goodbye; its message."""
    assert len(call.sms) == 1, call.transcript_text()
    sms = call.sms[0]
    assert sms["phone_number"] == CALLEE_DIGITS
    assert sms["session_id"] == call.session_id
    answered = [action["type"] for action in call.actions]
    at = answered.index("send_sms")
    assert answered[at + 1 :] == ["speak", "hangup"], "the text, then the goodbye played to its end"
    return str(sms["message"])


def counted(capsys: pytest.CaptureFixture[str], metric: str) -> int:
    metrics = emitted_metrics(capsys.readouterr().out)
    return sum(1 for emitted in metrics if emitted == {"service": "aiflow-webhook", "metric": metric})


@pytest.mark.parametrize(
    ("language", "move", "text"),
    [
        (
            Language.GERMAN,
            "Ja, ich komme.",
            f"Praxis Dr. Weber: Ihr Termin am Dienstag, 3. Dezember um 10:30 Uhr ist bestätigt. Ort: {PLACE}",
        ),
        (
            Language.ENGLISH,
            "1",
            f"Praxis Dr. Weber: your appointment on Tuesday, December 3 at 10:30 AM is confirmed. Location: {PLACE}",
        ),
    ],
)
def test_a_confirmation_gets_date_time_and_place_in_writing_then_the_goodbye(
    texting: Webhook, capsys: pytest.CaptureFixture[str], language: Language, move: str, text: str
) -> None:
    dial(texting, language=language, location=PLACE)
    call = texting.call()

    if move.isdigit():
        call.press(move)
    else:
        call.say(move)

    assert sms_then_goodbye(call) == text
    call.assert_said("bestätigt" if language is Language.GERMAN else "is confirmed")
    assert_goodbye_then_hangup(call)
    assert_decided(texting, call, Outcome.CONFIRMED, Via.KEY if move.isdigit() else Via.SPEECH)
    assert counted(capsys, "ConfirmationSmsSent") == 1


@pytest.mark.parametrize(
    ("language", "move", "text"),
    [
        (
            Language.GERMAN,
            "Ich möchte den Termin verschieben.",
            "Praxis Dr. Weber: Sie wünschen einen anderen Termin statt Dienstag, 3. Dezember um 10:30 Uhr. "
            f"Wir rufen Sie an. Ort: {PLACE}",
        ),
        (
            Language.ENGLISH,
            "3",
            "Praxis Dr. Weber: you asked for another time than Tuesday, December 3 at 10:30 AM. We will call you. "
            f"Location: {PLACE}",
        ),
    ],
)
def test_a_request_for_another_time_gets_in_writing_that_the_practice_will_call(
    texting: Webhook, language: Language, move: str, text: str
) -> None:
    dial(texting, language=language, location=PLACE)
    call = texting.call()

    if move.isdigit():
        call.press(move)
    else:
        call.say(move)

    assert sms_then_goodbye(call) == text
    call.assert_said("meldet sich bei Ihnen" if language is Language.GERMAN else "will get in touch with you")
    assert_goodbye_then_hangup(call)
    assert_decided(texting, call, Outcome.RESCHEDULE_REQUESTED, Via.KEY if move.isdigit() else Via.SPEECH)


def test_a_request_put_through_to_nobody_gets_in_writing_that_the_practice_will_call(
    start_webhook: Callable[..., Webhook],
) -> None:
    webhook = start_webhook(CONFIRMATION_SMS="on", TRANSFER_NUMBER=TRANSFER_NUMBER)
    dial(webhook, location=PLACE)
    call = webhook.call(transfer_answers=False)

    call.say("Geht es auch an einem anderen Tag?")

    assert len(call.transfers) == 1
    call.assert_said("Leider ist gerade niemand erreichbar. Praxis Dr. Weber meldet sich bei Ihnen")
    assert "Wir rufen Sie an." in sms_then_goodbye(call)
    assert_decided(webhook, call, Outcome.RESCHEDULE_REQUESTED, Via.SPEECH)


def test_a_request_a_person_takes_gets_no_text(start_webhook: Callable[..., Webhook]) -> None:
    webhook = start_webhook(CONFIRMATION_SMS="on", TRANSFER_NUMBER=TRANSFER_NUMBER)
    dial(webhook, language=Language.ENGLISH, location=PLACE)
    call = webhook.call(transfer_answers=True)

    call.say("Can we move it to another day?")

    call.assert_transferred_to(TRANSFER_NUMBER)
    assert call.sms == [], "the person found the new time: nothing to put in writing"


def test_without_a_place_the_text_has_none(texting: Webhook) -> None:
    dial(texting)
    call = texting.call()

    call.say("Ja.")

    assert sms_then_goodbye(call).endswith("ist bestätigt.")


def test_a_cancellation_or_an_opt_out_gets_no_text(texting: Webhook) -> None:
    dial(texting)
    call = texting.call()

    call.press("2")

    assert call.sms == []
    assert_decided(texting, call, Outcome.CANCELLED, Via.KEY)


@pytest.mark.parametrize("environment", [{}, {"CONFIRMATION_SMS": "off"}])
def test_off_by_default_no_text(start_webhook: Callable[..., Webhook], environment: dict[str, str]) -> None:
    webhook = start_webhook(**environment)
    dial(webhook, location=PLACE)
    call = webhook.call()

    call.say("Ja, ich komme.")

    assert call.sms == []
    assert not any(action["type"] == "send_sms" for action in call.actions)
    assert_goodbye_then_hangup(call)
    assert_decided(webhook, call, Outcome.CONFIRMED, Via.SPEECH)


def test_sms_failed_is_logged_and_counted_and_changes_no_outcome(
    texting: Webhook, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    dial(texting, location=PLACE)
    call = texting.call()
    call.say("Ja, ich komme.")
    sms_then_goodbye(call)
    before = texting.reminder()
    capsys.readouterr()
    failed = json.loads(SMS_FAILED.read_text()) | {"session": call.session}

    with caplog.at_level(logging.INFO):
        reply = call.send_raw(failed)

    assert reply.status_code in (200, 204)
    assert "send_sms" not in reply.body, "nothing more is sent"
    assert "speak" not in reply.body, "nothing more is said"
    after = texting.reminder()
    assert (after.status, after.outcome, after.outcome_via) == (before.status, Outcome.CONFIRMED, Via.SPEECH)
    assert counted(capsys, "ConfirmationSmsFailed") == 1
    warnings = [record for record in caplog.records if "confirmation SMS failed" in record.getMessage()]
    assert len(warnings) == 1
    assert getattr(warnings[0], "reason", None) == "recipient unreachable"
    logged = "\n".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)
    assert CALLEE_DIGITS not in logged, "no number in the log"
    assert "bestätigt" not in logged, "no text in the log"
