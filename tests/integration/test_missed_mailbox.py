"""A mailbox the reader misses, through the webhook as template.yaml wires it: it decides nothing.

Greetings that say too little to tell them from a person ("Hallo, hier ist Erika.", "Hi, I'm busy right
now.") go on as answers. Those that may be a recording are asked again, never decided; a call that heard
such speech and nothing a person says (no worded answer, no key) and then falls silent closes as after a
mailbox: the short message, and another attempt while one remains. A person who said something, or
pressed a key, still ends ``no_decision`` after two silences.
"""

from __future__ import annotations

import pytest

from aiflow.testing import SimulatedCall
from reminders.model.reminder import Language, Outcome
from tests.harness.webhook import Webhook, assert_decided, assert_goodbye_then_hangup, assert_open, dial

GERMAN_MESSAGE = "Um den Termin zu bestätigen oder abzusagen, rufen Sie uns bitte zurück."
ENGLISH_MESSAGE = "To confirm or cancel it, please call us back."


def silence_until_the_message(call: SimulatedCall, still_there: str) -> None:
    """Two silences (the second the last before a goodbye), then the quiet before the mailbox message."""
    call.stay_silent()
    call.assert_said(still_there)
    call.stay_silent()
    assert "<break" in call.actions[-1].get("ssml", ""), f"a moment of quiet before the message, not {call.last_said!r}"
    call.stay_silent()


def test_a_missed_greeting_that_ends_in_silence_gets_the_message_and_another_attempt(webhook: Webhook) -> None:
    dial(webhook, max_attempts=3)
    call = webhook.call()

    call.say("Hallo, hier ist Erika.", barged_in=True)  # alone, a person could say that
    call.assert_said("Entschuldigung, das habe ich nicht verstanden.")
    silence_until_the_message(call, "Sind Sie noch da?")

    call.assert_said(GERMAN_MESSAGE)
    assert_goodbye_then_hangup(call)
    record = assert_open(webhook)
    assert record.voicemail_attempt == 1
    assert [entry.event for entry in record.history][-1] == "voicemail", "no no_decision after the message"


def test_on_the_last_attempt_a_missed_greeting_closes_voicemail(webhook: Webhook) -> None:
    dial(webhook, language=Language.ENGLISH, max_attempts=1)
    call = webhook.call()

    call.say("Hi, this is Jake.")
    silence_until_the_message(call, "Are you still there?")

    call.assert_said(ENGLISH_MESSAGE)
    assert_goodbye_then_hangup(call)
    record = assert_decided(webhook, call, Outcome.VOICEMAIL, None)
    assert record.last_error == "attempt 1: mailbox, message left"


@pytest.mark.parametrize(
    ("language", "greeting", "asked_again"),
    [
        (Language.ENGLISH, "Hey, I'm away right now, sure I'll get back to you.", "Sorry, I didn't understand that."),
        (
            Language.GERMAN,
            "Hallo, ich bin gerade beschäftigt, ich melde mich gerne.",
            "Entschuldigung, das habe ich nicht verstanden.",
        ),
    ],
)
def test_what_may_be_a_recording_is_asked_again_never_decided(
    webhook: Webhook, language: Language, greeting: str, asked_again: str
) -> None:
    dial(webhook, language=language, max_attempts=3)
    call = webhook.call()

    call.say(greeting)

    call.assert_said(asked_again)
    assert_open(webhook)


@pytest.mark.parametrize("person", ["Wie bitte?", "press 5"])
def test_a_person_who_falls_silent_still_ends_without_a_decision(webhook: Webhook, person: str) -> None:
    dial(webhook, max_attempts=3)
    call = webhook.call()

    if person.startswith("press"):
        call.press(person.removeprefix("press "))
    else:
        call.say(person)
    call.stay_silent()
    call.stay_silent()

    call.assert_said("Ich kann Sie leider nicht hören.")
    assert_goodbye_then_hangup(call)
    record = assert_decided(webhook, call, Outcome.NO_DECISION, None)
    assert record.last_error == "no answer (silence)"
