"""The webhook Lambda end to end: whole calls through ``functions/webhook/app.py:lambda_handler``.

sipgate is played by the SDK's call simulator, wrapping every event as API Gateway's HTTP API does;
DynamoDB and SSM are the moto server on loopback (tests/harness/aws.py). A reminder is set up the way the
dialer leaves it: created, its attempt started and the callee's line claimed with a copy of it. Every
test checks what the caller heard and what was stored on the reminder.
"""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from aiflow import StoredState
from aiflow.testing import FakeLambdaContext, SimulatedCall, http_api_event
from reminders.model.reminder import Language, Outcome, ReminderStatus, Via
from reminders.settings import ConfigError
from reminders.store.do_not_call import DoNotCallList
from tests.harness.aws import NUMBER_KEYS
from tests.harness.metrics import emitted_metrics
from tests.harness.webhook import (
    CALLEE,
    CALLEE_DIGITS,
    HEADERS,
    REMINDER_ID,
    RacingStore,
    Webhook,
    assert_decided,
    assert_goodbye_then_hangup,
    assert_open,
    dial,
    let_the_token_cache_expire,
    session_start,
)

TRANSFER_NUMBER = "+4921155667788"
SAMPLE_EVENTS = Path(__file__).parents[2] / "events" / "webhook"
SAMPLE_EVENTS_TOKEN = "local-webhook-token"
GERMAN_WHEN = "Dienstag, 3. Dezember um 10:30 Uhr"
ENGLISH_WHEN = "Tuesday, December 3 at 10:30 AM"


# Deciding.


def test_confirm_by_voice(webhook: Webhook, capsys: pytest.CaptureFixture[str]) -> None:
    dial(webhook, location="Praxis Dr. Sommer, Hauptstraße 5")
    call = webhook.call()
    call.assert_said("Guten Tag, Erika Mustermann, hier ist die automatische Terminerinnerung von Praxis Dr. Weber.")
    call.assert_said(f"Sie haben einen Termin am {GERMAN_WHEN}. Ort: Praxis Dr. Sommer, Hauptstraße 5.")
    call.assert_said("sagen Sie Ja oder drücken Sie die 1")
    question = call.actions[0]
    assert question["tts"] == {"provider": "azure", "language": "de-DE", "voice": "de-DE-KatjaNeural"}
    assert question["user_input_timeout_seconds"] > 0

    call.say("Ja, ich komme.")

    call.assert_said(f"Vielen Dank! Ihr Termin am {GERMAN_WHEN} ist bestätigt.")
    assert_goodbye_then_hangup(call)
    record = assert_decided(webhook, call, Outcome.CONFIRMED, Via.SPEECH)
    assert record.answered_attempt == 1
    assert webhook.session_state(call.session_id) == StoredState(), "session_end finalises the call"
    metrics = emitted_metrics(capsys.readouterr().out)
    assert {"service": "aiflow-webhook", "outcome": "confirmed", "metric": "Outcomes"} in metrics
    assert [metric for metric in metrics if metric["metric"] == "CallsAnswered"] == [
        {"service": "aiflow-webhook", "metric": "CallsAnswered"}
    ]
    assert {"service": "aiflow-webhook", "event_type": "user_speak", "metric": "Events"} in metrics


def test_confirm_by_key_in_english(webhook: Webhook) -> None:
    dial(webhook, language=Language.ENGLISH)
    call = webhook.call()
    call.assert_said(
        f"Hello Jane Doe, this is the automated appointment reminder from Praxis Dr. Weber. "
        f"You have an appointment on {ENGLISH_WHEN}."
    )
    assert call.actions[0]["tts"] == {"provider": "azure", "language": "en-US", "voice": "en-US-JennyNeural"}

    call.press("1")

    call.assert_said(f"Your appointment on {ENGLISH_WHEN} is confirmed.")
    assert_goodbye_then_hangup(call)
    assert_decided(webhook, call, Outcome.CONFIRMED, Via.KEY)


def test_cancel_by_voice(webhook: Webhook) -> None:
    dial(webhook)
    call = webhook.call()

    call.say("Nein, ich kann leider nicht kommen.")

    call.assert_said(f"Ihr Termin am {GERMAN_WHEN} ist abgesagt.")
    assert_goodbye_then_hangup(call)
    assert_decided(webhook, call, Outcome.CANCELLED, Via.SPEECH)


def test_cancel_by_key(webhook: Webhook) -> None:
    dial(webhook)
    call = webhook.call()

    call.press("2")

    call.assert_said("ist abgesagt")
    assert_goodbye_then_hangup(call)
    assert_decided(webhook, call, Outcome.CANCELLED, Via.KEY)


@pytest.mark.parametrize(
    ("language", "answer", "outcome", "goodbye"),
    [
        (Language.GERMAN, "Nein, nicht absagen!", Outcome.CONFIRMED, "ist bestätigt"),
        (Language.GERMAN, "Ich möchte den Termin nicht bestätigen.", Outcome.CANCELLED, "ist abgesagt"),
        (Language.ENGLISH, "No, I don't want to cancel.", Outcome.CONFIRMED, "is confirmed"),
        (Language.ENGLISH, "Yes, cancel it.", Outcome.CANCELLED, "is cancelled"),
    ],
)
def test_negations_are_understood(
    webhook: Webhook, language: Language, answer: str, outcome: Outcome, goodbye: str
) -> None:
    dial(webhook, language=language)
    call = webhook.call()

    call.say(answer)

    call.assert_said(goodbye)
    assert_goodbye_then_hangup(call)
    assert_decided(webhook, call, outcome, Via.SPEECH)


# Asking again.


def test_repeat_on_request_and_on_star(webhook: Webhook) -> None:
    dial(webhook)
    call = webhook.call()

    call.say("Wie bitte? Können Sie das wiederholen?")
    call.assert_said(f"Sie haben einen Termin am {GERMAN_WHEN}.")
    call.assert_said("drücken Sie die 2")
    call.press("*")
    call.assert_said(f"Sie haben einen Termin am {GERMAN_WHEN}.")
    call.press("1")

    call.assert_said("ist bestätigt")
    assert_goodbye_then_hangup(call)
    assert_decided(webhook, call, Outcome.CONFIRMED, Via.KEY)


def test_unclear_answers_end_without_a_decision(webhook: Webhook) -> None:
    dial(webhook)
    call = webhook.call()

    call.say("Hm, tja, also.")
    call.assert_said("Entschuldigung, das habe ich nicht verstanden.")
    call.press("7")
    call.assert_said("Diese Taste ist nicht belegt.")
    call.say("Vielleicht, ich weiß es noch nicht.")

    call.assert_said("Ich konnte Sie leider nicht verstehen. Ihr Termin bleibt bestehen.")
    assert_goodbye_then_hangup(call)
    record = assert_decided(webhook, call, Outcome.NO_DECISION, None)
    assert record.last_error == "no clear answer"


def test_two_silent_timeouts_end_without_a_decision(webhook: Webhook) -> None:
    dial(webhook)
    call = webhook.call()

    call.stay_silent()
    call.assert_said("Sind Sie noch da?")
    call.stay_silent()

    call.assert_said("Ich kann Sie leider nicht hören.")
    assert_goodbye_then_hangup(call)
    record = assert_decided(webhook, call, Outcome.NO_DECISION, None)
    assert record.last_error == "no answer (silence)"


def test_silences_count_only_in_a_row(webhook: Webhook) -> None:
    dial(webhook)
    call = webhook.call()

    call.stay_silent()
    call.say("Moment, wer ist da?")
    call.stay_silent()

    call.assert_said("Sind Sie noch da?")
    assert_open(webhook)
    call.say("Ja.")
    assert_decided(webhook, call, Outcome.CONFIRMED, Via.SPEECH)


def test_barge_in_answers_count(webhook: Webhook) -> None:
    dial(webhook)
    call = webhook.call()
    assert call.actions[0]["barge_in"] == {"strategy": "minimum_characters", "minimum_characters": 2}

    call.say("Ja", barged_in=True)

    call.assert_said("ist bestätigt")
    assert_goodbye_then_hangup(call)
    assert_decided(webhook, call, Outcome.CONFIRMED, Via.SPEECH)


def test_legacy_barge_in_with_words_is_an_answer(webhook: Webhook) -> None:
    dial(webhook)
    call = webhook.call()

    call.barge_in_legacy()  # an interruption without words asks nothing
    assert call.actions[-1]["type"] == "speak"
    assert len(call.actions) == 1
    call.barge_in_legacy("Bitte absagen.")

    call.assert_said("ist abgesagt")
    assert_goodbye_then_hangup(call)
    assert_decided(webhook, call, Outcome.CANCELLED, Via.SPEECH)


# A person.


def test_transfer_that_nobody_takes_returns_to_the_question(start_webhook: Callable[..., Webhook]) -> None:
    webhook = start_webhook(TRANSFER_NUMBER=TRANSFER_NUMBER)
    dial(webhook)
    call = webhook.call(transfer_answers=False)
    call.assert_said("Um mit einem Mitarbeiter zu sprechen, sagen Sie 'Mitarbeiter' oder drücken Sie die 0.")

    call.press("0")

    call.assert_said("Einen Moment bitte, ich verbinde Sie mit einem Mitarbeiter.")
    assert call.transfers == [
        {
            "type": "transfer",
            "session_id": call.session_id,
            "target_phone_number": "4921155667788",
            "caller_id_name": "Erika Mustermann",
            "caller_id_number": CALLEE_DIGITS,
            "timeout": 30,
        }
    ]
    assert [event["type"] for event in call.events].count("session_start") == 2
    call.assert_said("Leider ist gerade niemand erreichbar. Kommen Sie zu dem Termin? Ja oder die 1")

    call.say("Kann ich bitte mit einem Mitarbeiter sprechen?")
    call.assert_said("Leider ist gerade niemand erreichbar.")
    assert len(call.transfers) == 1, "a transfer nobody took is not tried again"
    call.press("1")

    call.assert_said("ist bestätigt")
    assert_goodbye_then_hangup(call)
    assert_decided(webhook, call, Outcome.CONFIRMED, Via.KEY)


def test_transfer_taken_ends_the_reminder_without_decision(start_webhook: Callable[..., Webhook]) -> None:
    webhook = start_webhook(TRANSFER_NUMBER=TRANSFER_NUMBER)
    dial(webhook)
    call = webhook.call(transfer_answers=True)

    call.say("I'd like to talk to a person.")

    call.assert_transferred_to(TRANSFER_NUMBER)
    assert call.ended_by == "transfer"
    record = assert_decided(webhook, call, Outcome.NO_DECISION, None)
    assert record.last_error == "transferred to a person"


def test_no_transfer_without_a_transfer_number(webhook: Webhook) -> None:
    dial(webhook)
    call = webhook.call()
    assert "die 0" not in call.transcript[0].text

    call.press("0")

    call.assert_said("Leider kann ich Sie gerade nicht mit einem Mitarbeiter verbinden.")
    assert call.transfers == []
    assert not call.ended
    assert_open(webhook)


# Who calls.


def test_inbound_caller_with_an_open_reminder_hears_nothing_of_it_and_is_called_back(webhook: Webhook) -> None:
    dial(webhook, location="Praxis Dr. Sommer, Hauptstraße 5")  # the attempt rang unanswered; the callee calls back
    call = webhook.simulator().start_call(direction="inbound", from_phone_number=CALLEE)

    call.assert_said("Vielen Dank für Ihren Anruf. Wir rufen Sie sofort unter Ihrer Nummer zurück. Auf Wiederhören.")
    assert_goodbye_then_hangup(call)
    heard = " ".join(line.text for line in call.transcript if line.speaker == "assistant")
    for detail in ("Erika", "Mustermann", "Dezember", "10:30", "Hauptstraße", "bestätigen", "drücken"):
        assert detail not in heard
    assert webhook.queued() == [{"kind": "dial", "reminder_id": REMINDER_ID, "attempt": 2, "callback": True}]
    record = assert_open(webhook)
    assert record.answered_attempt == 0, "a callback is not an answered attempt"
    assert webhook.repository.find_line(CALLEE) is not None, "the callback still finds the reminder"


def test_inbound_caller_cannot_decide_with_a_forged_number(webhook: Webhook) -> None:
    dial(webhook)
    call = webhook.simulator().start_call(direction="inbound", from_phone_number=CALLEE)
    assert call.ended

    status, _ = call.send_raw({"type": "dtmf_received", "digit": "2", "session": call.session})

    assert status == 200
    assert_open(webhook)


def test_a_callback_that_cannot_be_queued_ends_with_the_apology(start_webhook: Callable[..., Webhook]) -> None:
    webhook = start_webhook(CALL_QUEUE_URL=f"{boto3.client('sqs').meta.endpoint_url}/123456789012/no-such-queue")
    dial(webhook)

    call = webhook.simulator().start_call(direction="inbound", from_phone_number=CALLEE)

    call.assert_said("Entschuldigung, bei uns ist gerade ein technischer Fehler aufgetreten.")
    call.assert_hung_up()
    assert "Erika" not in call.transcript_text()
    assert_open(webhook)


def test_inbound_callbacks_off_asks_the_caller_to_wait(start_webhook: Callable[..., Webhook]) -> None:
    webhook = start_webhook(INBOUND_CALLBACKS="off")
    dial(webhook, language=Language.ENGLISH)
    call = webhook.simulator().start_call(direction="inbound", from_phone_number=CALLEE)

    call.assert_said("Thank you for calling. Please wait for our call or get in touch with the practice directly.")
    assert_goodbye_then_hangup(call)
    assert "Jane" not in call.transcript_text()
    assert webhook.queued() == []
    assert_open(webhook)


def test_callback_about_a_closed_reminder(webhook: Webhook) -> None:
    dial(webhook)
    assert webhook.repository.cancel(REMINDER_ID)  # an operator withdrew it; the line still names it
    call = webhook.simulator().start_call(direction="inbound", from_phone_number=CALLEE)

    call.assert_said("Zu Ihrer Nummer liegt gerade keine offene Terminerinnerung vor. Auf Wiederhören.")
    assert_goodbye_then_hangup(call)
    record = webhook.reminder()
    assert record.status is ReminderStatus.CANCELLED
    assert record.outcome is None


def test_unknown_caller_hears_an_explanation(webhook: Webhook) -> None:
    call = webhook.simulator().start_call(direction="inbound", from_phone_number="+4930123456789")

    call.assert_said("Guten Tag, hier ist die automatische Terminerinnerung von Praxis Dr. Weber.")
    call.assert_said("Zu Ihrer Nummer liegt gerade keine offene Terminerinnerung vor.")
    assert_goodbye_then_hangup(call)
    assert list(webhook.repository.list()) == []
    assert webhook.session_state(call.session_id) == StoredState()


def test_repeated_session_start_asks_again_and_notes_the_answer_once(webhook: Webhook) -> None:
    dial(webhook)
    call = webhook.call()

    status, body = call.send_raw(call.events[0])

    assert status == 200
    repeated = json.loads(body)
    assert repeated["type"] == "speak"
    assert repeated["text"].startswith(f"Sie haben einen Termin am {GERMAN_WHEN}.")
    call.press("1")
    record = assert_decided(webhook, call, Outcome.CONFIRMED, Via.KEY)
    assert [entry.event for entry in record.history].count("answered") == 1


# Mailboxes.


def assert_waits_for_the_greeting_to_end(call: SimulatedCall) -> None:
    """Our question stopped, then a silence whose input timeout ends the wait."""
    stop, wait = call.actions[-2:]  # the silence's assistant_speak and assistant_speech_ended get no answer
    assert stop == {"type": "barge_in", "session_id": call.session_id}
    assert wait["type"] == "speak"
    assert "<break" in wait["ssml"]
    assert wait["user_input_timeout_seconds"] == 2


def test_mailbox_greeting_in_pieces_gets_the_short_message_and_the_last_attempt_closes_voicemail(
    webhook: Webhook,
) -> None:
    dial(webhook, location="Praxis Dr. Sommer, Hauptstraße 5", max_attempts=1)
    call = webhook.call()

    call.say("Hallo, hier ist Erika.", barged_in=True)  # alone, a person could say that
    call.assert_said("Entschuldigung, das habe ich nicht verstanden.")
    call.say("Ich bin gerade nicht erreichbar.", barged_in=True)
    assert_waits_for_the_greeting_to_end(call)
    call.say("Bitte sprechen Sie nach dem Signalton.", barged_in=True)  # more greeting: wait again
    assert "<break" in call.actions[-1]["ssml"]
    assert not call.ended
    call.stay_silent()  # the beep, then the mailbox records

    message = (
        f"Guten Tag, hier ist die automatische Terminerinnerung von Praxis Dr. Weber für Ihren Termin am "
        f"{GERMAN_WHEN}. Um den Termin zu bestätigen oder abzusagen, rufen Sie uns bitte zurück. Auf Wiederhören."
    )
    assert call.last_said == message  # no name, no place, no question, no keys
    assert_goodbye_then_hangup(call)
    record = assert_decided(webhook, call, Outcome.VOICEMAIL, None)
    assert record.last_error == "attempt 1: mailbox, message left"
    state = webhook.session_state(call.session_id)
    assert state == StoredState(), "what the mailbox said is not kept"


def test_mailbox_on_an_attempt_with_more_to_come_leaves_the_reminder_open(webhook: Webhook) -> None:
    dial(webhook, language=Language.ENGLISH, max_attempts=3)
    call = webhook.call()

    call.say("The person you are calling is not available. Please leave a message after the tone.", barged_in=True)
    assert_waits_for_the_greeting_to_end(call)
    call.stay_silent()

    call.assert_said(
        f"Hello, this is the automated appointment reminder from Praxis Dr. Weber for your appointment on "
        f"{ENGLISH_WHEN}. To confirm or cancel it, please call us back. Goodbye."
    )
    assert_goodbye_then_hangup(call)
    record = assert_open(webhook)
    assert record.voicemail_attempt == 1
    assert [entry.event for entry in record.history][-1] == "voicemail", "session_end records no no_decision"
    assert webhook.repository.find_line(CALLEE) is not None, "a callback still finds the reminder"


def test_without_retry_after_voicemail_the_first_mailbox_closes_the_reminder(
    start_webhook: Callable[..., Webhook],
) -> None:
    webhook = start_webhook(RETRY_AFTER_VOICEMAIL="false")
    dial(webhook, max_attempts=3)
    call = webhook.call()

    call.say("Der Teilnehmer ist zurzeit nicht erreichbar.", barged_in=True)
    call.stay_silent()

    call.assert_said("rufen Sie uns bitte zurück")
    assert_goodbye_then_hangup(call)
    assert_decided(webhook, call, Outcome.VOICEMAIL, None)


def test_a_mailbox_that_hangs_up_before_the_message_still_counts_as_voicemail(webhook: Webhook) -> None:
    dial(webhook, max_attempts=1)
    call = webhook.call()

    call.say("Hallo, hier ist die Mailbox von Erika.", barged_in=True)
    call.hang_up()

    record = assert_decided(webhook, call, Outcome.VOICEMAIL, None)
    assert record.last_error == "attempt 1: mailbox, the mailbox hung up before the message"


@pytest.mark.parametrize(
    ("language", "first_words", "answer", "outcome"),
    [
        (Language.GERMAN, "Praxis Weber, guten Tag.", "Ja, ich komme.", Outcome.CONFIRMED),
        (Language.GERMAN, "Hallo? Wer ist da?", "Nein, ich kann nicht.", Outcome.CANCELLED),
        (Language.ENGLISH, "Hello, this is John.", "Yes, I'll be there.", Outcome.CONFIRMED),
        (Language.ENGLISH, "Is this a voicemail?", "No, cancel it.", Outcome.CANCELLED),
    ],
)
def test_a_person_is_never_taken_for_a_mailbox(
    webhook: Webhook, language: Language, first_words: str, answer: str, outcome: Outcome
) -> None:
    dial(webhook, language=language)
    call = webhook.call()

    call.say(first_words, barged_in=True)
    assert "barge_in" not in [action["type"] for action in call.actions]
    call.say(answer)

    assert_goodbye_then_hangup(call)
    assert_decided(webhook, call, outcome, Via.SPEECH)


def opening_then(webhook: Webhook, first_words: str) -> tuple[dict[str, Any], Callable[..., Any]]:
    """An answered call whose callee talks into the opening: sipgate stops it, so no assistant_speech_ended."""
    session = {"id": str(uuid.uuid4()), "direction": "outbound", "to_phone_number": CALLEE}

    def send(event_type: str, **fields: Any) -> Any:
        """The actions answered (one object or a list), or None for 204."""
        reply = webhook.post(json.dumps({"type": event_type, "session": session, **fields}))
        return json.loads(reply["body"]) if reply["body"] else None

    opening = send("session_start")
    assert opening is not None
    assert opening["text"].startswith("Guten Tag, Erika Mustermann")
    reply = send("user_speak", text=first_words, barged_in=True)
    assert reply is not None
    return reply, send


@pytest.mark.parametrize("first_words", ["Ja, Müller?", "Ja?", "Hallo?", "Ja, hallo."])
def test_picking_up_with_ja_into_the_opening_is_no_answer(webhook: Webhook, first_words: str) -> None:
    dial(webhook)

    again, send = opening_then(webhook, first_words)

    assert again["text"].startswith(f"Sie haben einen Termin am {GERMAN_WHEN}. Um den Termin zu bestätigen")
    assert_open(webhook)
    send("assistant_speech_ended")
    goodbye = send("user_speak", text="Ja.", barged_in=True)
    assert goodbye is not None
    assert "ist bestätigt" in goodbye["text"]


def test_a_worded_answer_into_the_opening_decides(webhook: Webhook) -> None:
    dial(webhook)

    goodbye, _ = opening_then(webhook, "Ich kann an dem Tag leider nicht kommen.")

    assert "ist abgesagt" in goodbye["text"]
    assert webhook.reminder().outcome is Outcome.CANCELLED


def test_a_mailbox_that_starts_with_ja_is_not_taken_for_a_yes(webhook: Webhook) -> None:
    dial(webhook, max_attempts=1)

    again, send = opening_then(webhook, "Ja, hallo, hier ist Familie Schmidt.")
    assert again["text"].startswith("Sie haben einen Termin am")
    wait = send("user_speak", text="Wir sind gerade nicht erreichbar, bitte sprechen Sie nach dem Ton.", barged_in=True)
    assert wait is not None
    assert [action["type"] for action in wait] == ["barge_in", "speak"]
    message = send("user_input_timeout")
    assert message is not None
    assert message["text"].startswith("Guten Tag, hier ist die automatische Terminerinnerung von Praxis Dr. Weber")
    assert send("assistant_speech_ended") == {"type": "hangup", "session_id": message["session_id"]}

    assert webhook.reminder().outcome is Outcome.VOICEMAIL


# Another time, and no more calls.


def test_reschedule_by_voice_without_a_transfer_number(webhook: Webhook) -> None:
    dial(webhook)
    call = webhook.call()
    call.assert_said("Für einen anderen Termin sagen Sie 'verschieben' oder drücken Sie die 3.")

    call.say("Ich möchte den Termin verschieben.")

    call.assert_said("Gern. Praxis Dr. Weber meldet sich bei Ihnen, um einen neuen Termin zu vereinbaren.")
    assert_goodbye_then_hangup(call)
    assert_decided(webhook, call, Outcome.RESCHEDULE_REQUESTED, Via.SPEECH)


def test_reschedule_by_key_3_in_english(webhook: Webhook) -> None:
    dial(webhook, language=Language.ENGLISH)
    call = webhook.call()
    call.assert_said("For another time, say 'another time' or press 3.")

    call.press("3")

    call.assert_said("Praxis Dr. Weber will get in touch with you to find a new time.")
    assert_goodbye_then_hangup(call)
    assert_decided(webhook, call, Outcome.RESCHEDULE_REQUESTED, Via.KEY)


def test_reschedule_is_put_through_to_a_person(start_webhook: Callable[..., Webhook]) -> None:
    webhook = start_webhook(TRANSFER_NUMBER=TRANSFER_NUMBER)
    dial(webhook, language=Language.ENGLISH)
    call = webhook.call(transfer_answers=True)

    call.say("Can we move it to another day?")

    call.assert_said("I'll put you through to someone to find a new time.")
    call.assert_transferred_to(TRANSFER_NUMBER)
    assert_decided(webhook, call, Outcome.RESCHEDULE_REQUESTED, Via.SPEECH)


def test_reschedule_transfer_nobody_takes_ends_with_the_practice_getting_in_touch(
    start_webhook: Callable[..., Webhook],
) -> None:
    webhook = start_webhook(TRANSFER_NUMBER=TRANSFER_NUMBER)
    dial(webhook)
    call = webhook.call(transfer_answers=False)

    call.say("Geht es auch an einem anderen Tag?")

    assert len(call.transfers) == 1
    call.assert_said("Leider ist gerade niemand erreichbar. Praxis Dr. Weber meldet sich bei Ihnen")
    assert_goodbye_then_hangup(call)
    assert_decided(webhook, call, Outcome.RESCHEDULE_REQUESTED, Via.SPEECH)


def test_opt_out_confirms_in_one_sentence_and_lists_the_number(webhook: Webhook) -> None:
    dial(webhook)
    call = webhook.call()

    call.say("Rufen Sie mich bitte nicht mehr an.")

    assert call.last_said == (
        "Verstanden, Sie erhalten von Praxis Dr. Weber keine automatischen Anrufe mehr, auf Wiederhören."
    )
    assert_goodbye_then_hangup(call)
    assert_decided(webhook, call, Outcome.OPTED_OUT, Via.SPEECH)
    entry = DoNotCallList(webhook.table, client=boto3.client("dynamodb"), number_keys=NUMBER_KEYS).get(CALLEE)
    assert entry is not None
    assert (entry.number_hash, entry.source, entry.reminder_id, entry.session_id) == (
        NUMBER_KEYS(CALLEE_DIGITS),
        "call",
        REMINDER_ID,
        call.session_id,
    )


def test_a_reminder_names_its_own_caller(webhook: Webhook) -> None:
    dial(webhook, language=Language.ENGLISH, caller_name="Dr. Smith's Office")
    call = webhook.call()
    call.assert_said("Hello Jane Doe, this is the automated appointment reminder from Dr. Smith's Office.")

    call.say("Stop calling me.")

    call.assert_said("Understood, you will get no more automated calls from Dr. Smith's Office, goodbye.")
    assert_decided(webhook, call, Outcome.OPTED_OUT, Via.SPEECH)


# Asking rather than guessing.


@pytest.mark.parametrize(
    ("language", "answer", "sorry"),
    [
        (Language.GERMAN, "Das ist nicht richtig.", "Entschuldigung, das habe ich nicht verstanden."),
        (Language.GERMAN, "Nein, das ist die falsche Uhrzeit.", "Entschuldigung, das habe ich nicht verstanden."),
        (Language.GERMAN, "Ja, aber nicht um zehn.", "Entschuldigung, das habe ich nicht verstanden."),
        (Language.GERMAN, "", "Entschuldigung, das habe ich nicht verstanden."),
        (Language.ENGLISH, "No, that's the wrong time.", "Sorry, I didn't understand that."),
        (Language.ENGLISH, "Yes, but not at ten.", "Sorry, I didn't understand that."),
        (Language.ENGLISH, "   ", "Sorry, I didn't understand that."),
    ],
)
def test_unclear_answers_are_asked_again_with_the_offer_of_another_time(
    webhook: Webhook, language: Language, answer: str, sorry: str
) -> None:
    dial(webhook, language=language)
    call = webhook.call()

    call.say(answer)

    call.assert_said(sorry)
    call.assert_said("3")  # the question again, another time among its choices
    assert not call.ended
    assert_open(webhook)


# Failures of ours.


@dataclass
class DynamoDBOutage:
    """Makes the webhook's DynamoDB client raise real botocore errors, as a throttled or failing table does.

    ``failing(operation, params)`` decides per request; ``None`` lets everything through.
    """

    client: Any
    failing: Callable[[str, dict[str, Any]], bool] | None = None
    failed: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.client.meta.events.register("before-call.dynamodb", self._maybe_fail)

    def _maybe_fail(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        if self.failing is not None and self.failing(model.name, params):
            self.failed.append(model.name)
            error = {"Code": "ProvisionedThroughputExceededException", "Message": "injected: table throttled"}
            raise ClientError({"Error": error, "ResponseMetadata": {"HTTPStatusCode": 400}}, model.name)


def test_dynamodb_down_mid_call_apologises_in_the_call_language_and_hangs_up(
    webhook: Webhook, capsys: pytest.CaptureFixture[str]
) -> None:
    dial(webhook, language=Language.ENGLISH)
    outage = DynamoDBOutage(webhook.app.dynamodb)
    call = webhook.call()

    outage.failing = lambda operation, params: True
    call.say("Yes")

    call.assert_said("Sorry, something went wrong on our side. If we can't continue, we'll call you back later.")
    apology = call.actions[1]
    assert apology["tts"]["voice"] == "en-US-JennyNeural"
    call.assert_hung_up()
    assert [event["type"] for event in call.events[-2:]] == ["assistant_speech_ended", "session_end"]
    assert outage.failed, "the failure was injected"
    record = assert_open(webhook)
    assert record.answered_attempt == 1
    fallbacks = [metric for metric in emitted_metrics(capsys.readouterr().out) if metric["metric"] == "FallbacksUsed"]
    # The answer to "Yes", the apology's start (a question's start is noted in the state) and the hangup.
    assert len(fallbacks) == 3


def test_decision_survives_when_the_state_cannot_be_saved(webhook: Webhook) -> None:
    dial(webhook)
    outage = DynamoDBOutage(webhook.app.dynamodb)
    call = webhook.call()

    # The outcome is written, then saving the call's state fails.
    outage.failing = lambda operation, params: (
        operation == "PutItem" and params["Item"]["pk"]["S"].startswith("SESSION#")
    )
    call.say("Ja, ich komme.")
    call.assert_said("Entschuldigung, bei uns ist gerade ein technischer Fehler aufgetreten.")
    assert_decided(webhook, call, Outcome.CONFIRMED, Via.SPEECH)

    outage.failing = None  # the table recovers: the call goes on, and the outcome is not written twice
    call.stay_silent()
    call.assert_said("Sind Sie noch da?")
    call.press("1")

    call.assert_said("ist bestätigt")
    assert_goodbye_then_hangup(call)
    assert_decided(webhook, call, Outcome.CONFIRMED, Via.SPEECH)


def test_one_failed_turn_does_not_end_the_call(webhook: Webhook) -> None:
    dial(webhook)
    outage = DynamoDBOutage(webhook.app.dynamodb)
    call = webhook.call()
    failures_left = [1]

    def once(operation: str, params: dict[str, Any]) -> bool:
        if failures_left[0] and operation == "GetItem":
            failures_left[0] -= 1
            return True
        return False

    outage.failing = once
    call.say("Ja")
    call.assert_said("technischer Fehler")
    assert not call.ended
    assert_open(webhook)

    call.stay_silent()
    call.assert_said("Sind Sie noch da?")
    call.say("Ja")

    call.assert_said("ist bestätigt")
    assert_decided(webhook, call, Outcome.CONFIRMED, Via.SPEECH)


# Two events of one call at once.


def test_two_events_of_one_call_at_once_lose_no_update(webhook: Webhook) -> None:
    dial(webhook)
    call = webhook.call()
    store = webhook.app.assistant.session_store
    webhook.app.assistant.session_store = RacingStore(store, parties=2)
    timeout = json.dumps({"type": "user_input_timeout", "session": {"id": call.session_id}})

    with ThreadPoolExecutor(max_workers=2) as pool:
        replies = list(pool.map(lambda _: webhook.post(timeout), range(2)))

    assert [reply["statusCode"] for reply in replies] == [200, 200]
    said = sorted(json.loads(reply["body"])["text"] for reply in replies)
    # Both turns read one version; the one that lost the write ran again on the other's state.
    assert said[0].startswith("Ich kann Sie leider nicht hören.")
    assert said[1].startswith("Sind Sie noch da?")
    assert webhook.session_state(call.session_id).data["silences"] == 2
    record = assert_decided(webhook, call, Outcome.NO_DECISION, None)
    assert record.last_error == "no answer (silence)"


# Requests that are no event, or not ours.


@pytest.mark.parametrize(
    ("body", "headers", "event_fields", "status"),
    [
        ("this is not JSON", HEADERS, {}, 400),
        ('["an", "array"]', HEADERS, {}, 400),
        ('{"type": "user_speak", "text": "ja", "session": {}}', HEADERS, {}, 400),
        ('{"type": "session_start", "session": {"id": "s-1"}}', {**HEADERS, "X-API-TOKEN": "wrong"}, {}, 401),
        ('{"type": "session_start", "session": {"id": "s-1"}}', {"Content-Type": "application/json"}, {}, 401),
        ('{"type": "user_speak", "text": "' + "ja " * 30_000 + '", "session": {"id": "s-1"}}', HEADERS, {}, 413),
        ("%%% not base64 %%%", HEADERS, {"isBase64Encoded": True}, 400),
    ],
    ids=["not-json", "not-an-object", "no-session-id", "wrong-token", "missing-token", "oversized", "bad-base64"],
)
def test_bad_requests_get_their_status(
    webhook: Webhook,
    capsys: pytest.CaptureFixture[str],
    body: str,
    headers: dict[str, str],
    event_fields: dict[str, Any],
    status: int,
) -> None:
    reply = webhook.post(body, headers, **event_fields)

    assert reply["statusCode"] == status
    assert json.loads(reply["body"])["error"]
    metrics = emitted_metrics(capsys.readouterr().out)
    assert metrics == [{"service": "aiflow-webhook", "status": str(status), "metric": "RejectedRequests"}]


def test_unknown_event_type_is_answered_204_without_minting_a_dimension(
    webhook: Webhook, capsys: pytest.CaptureFixture[str]
) -> None:
    reply = webhook.post('{"type": "call_recording_ready", "session": {"id": "s-1"}}')

    assert reply["statusCode"] == 204
    assert reply["body"] == ""
    metrics = emitted_metrics(capsys.readouterr().out)
    assert metrics == [{"service": "aiflow-webhook", "event_type": "unknown", "metric": "Events"}]


@pytest.mark.filterwarnings("ignore:No application metrics to publish")  # a health check counts nothing
def test_health_and_unknown_routes(webhook: Webhook) -> None:
    health = http_api_event("", {}, path="/health")
    health["requestContext"]["http"]["method"] = "GET"
    health["routeKey"] = health["requestContext"]["routeKey"] = "GET /health"
    reply = webhook.app.lambda_handler(health, FakeLambdaContext())
    assert reply["statusCode"] == 200
    assert json.loads(reply["body"]) == {"status": "ok"}

    elsewhere = webhook.app.lambda_handler(http_api_event("{}", HEADERS, path="/admin"), FakeLambdaContext())
    assert elsewhere["statusCode"] == 404


# The webhook token.


def test_rotated_token_is_picked_up_without_waiting_for_the_cache(webhook: Webhook, token_parameter: str) -> None:
    ssm = boto3.client("ssm")
    assert webhook.post(session_start())["statusCode"] == 200

    ssm.put_parameter(Name=token_parameter, Value="rotated-1", Type="SecureString", Overwrite=True)
    assert webhook.post(session_start(), {**HEADERS, "X-API-TOKEN": "rotated-1"})["statusCode"] == 200
    assert webhook.post(session_start(), HEADERS)["statusCode"] == 401, "the old token is out"

    # Wrong tokens do not make an SSM call each: within the recheck interval the cached token stands.
    ssm.put_parameter(Name=token_parameter, Value="rotated-2", Type="SecureString", Overwrite=True)
    assert webhook.post(session_start(), {**HEADERS, "X-API-TOKEN": "rotated-2"})["statusCode"] == 401
    assert webhook.post(session_start(), {**HEADERS, "X-API-TOKEN": "rotated-1"})["statusCode"] == 200


def test_last_token_stays_in_use_while_ssm_is_unreachable(
    start_webhook: Callable[..., Webhook], token_parameter: str
) -> None:
    webhook = start_webhook()
    assert webhook.post(session_start())["statusCode"] == 200
    boto3.client("ssm").delete_parameter(Name=token_parameter)
    let_the_token_cache_expire(webhook)

    warm = webhook.post(session_start())
    assert warm["statusCode"] == 200
    assert not json.loads(warm["body"])["text"].startswith("Entschuldigung"), "answered with the last token"

    cold = start_webhook()  # a new environment has no token to fall back on: the caller hears the apology
    reply = cold.post(session_start())
    assert reply["statusCode"] == 200
    assert json.loads(reply["body"])["text"].startswith("Entschuldigung")


# Configuration and logs.


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TABLE_NAME", ""),
        ("WEBHOOK_TOKEN_PARAMETER", ""),
        ("DEFAULT_LANGUAGE", "fr-FR"),
        ("TRANSFER_NUMBER", "call me"),
        ("CALLER_NAME", ""),
        ("CALLER_NAME", "x" * 101),
        ("RETRY_AFTER_VOICEMAIL", "perhaps"),
        ("INBOUND_CALLBACKS", "sometimes"),
        ("CALL_QUEUE_URL", ""),
    ],
)
def test_invalid_configuration_fails_at_init_naming_the_variable(
    start_webhook: Callable[..., Webhook], variable: str, value: str
) -> None:
    with pytest.raises(ConfigError, match=variable):
        start_webhook(**{variable: value})


@pytest.fixture
def info_logs(webhook: Webhook) -> Iterator[io.StringIO]:
    """What the webhook logs at INFO, formatted as in CloudWatch."""
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(webhook.app.logger.registered_formatter)
    handler.setLevel(logging.INFO)
    loggers = [logging.getLogger(name) for name in ("aiflow-webhook", "aiflow", "reminders")]
    for logger in loggers:
        logger.addHandler(handler)
    yield lines
    for logger in loggers:
        logger.removeHandler(handler)


def test_logs_mask_numbers_and_leave_out_what_callers_say(webhook: Webhook, info_logs: io.StringIO) -> None:
    dial(webhook)
    call = webhook.call()
    call.say("Ja, ich komme ganz bestimmt.")

    records = [json.loads(line) for line in info_logs.getvalue().splitlines()]
    text = info_logs.getvalue()
    assert CALLEE_DIGITS not in text
    assert "49157******87" in text
    assert "ganz bestimmt" not in text
    answered = [record for record in records if record["message"] == "event answered"]
    assert answered
    assert all(record["session_id"] == call.session_id for record in answered)
    assert {"message": "outcome recorded", "outcome": "confirmed"}.items() <= next(
        record for record in records if record["message"] == "outcome recorded"
    ).items()


# The sample events for `sam local invoke`.

SAMPLE_EVENT_STATUS = {
    "session_start.json": 200,  # an outbound call to a number without a reminder: explained, goodbye
    "session_start_inbound.json": 200,
    "user_speak.json": 200,  # a call without a conversation is ended politely
    "user_barge_in.json": 200,
    "user_speech_started.json": 204,
    "assistant_speak.json": 204,
    "assistant_speech_ended.json": 200,  # ... with a hangup
    "user_input_timeout.json": 200,
    "dtmf_received.json": 200,
    "session_end.json": 204,
    "sms_failed.json": 204,
    "health.json": 200,
}


@pytest.mark.filterwarnings("ignore:No application metrics to publish")  # a health check counts nothing
def test_sample_events_run_through_the_handler(
    start_webhook: Callable[..., Webhook], token_parameter: str, aws_env: str
) -> None:
    boto3.client("ssm").put_parameter(
        Name=token_parameter, Value=SAMPLE_EVENTS_TOKEN, Type="SecureString", Overwrite=True
    )
    webhook = start_webhook()
    files = sorted(SAMPLE_EVENTS.glob("*.json"))
    assert {path.name for path in files} == set(SAMPLE_EVENT_STATUS)

    for path in files:
        reply = webhook.app.lambda_handler(json.loads(path.read_text(encoding="utf-8")), FakeLambdaContext())
        assert reply["statusCode"] == SAMPLE_EVENT_STATUS[path.name], path.name
