"""How the reminder call speaks: dates and times in the callee's language and time zone, voices, the fallback."""

from __future__ import annotations

from datetime import UTC, datetime

import boto3
import pytest

from aiflow import (
    AssistantSpeak,
    AssistantSpeechEnded,
    DtmfReceived,
    HangupAction,
    Session,
    SpeakAction,
    UserInputTimeout,
    UserSpeak,
    dump_action,
)
from reminders.conversation.call import ReminderConversation
from reminders.conversation.speech import phrasebook
from reminders.model.reminder import InboundCallbacks, Language, Reminder
from reminders.store.repository import ReminderRepository
from tests.harness.aws import NUMBER_KEYS


@pytest.mark.parametrize(
    ("moment", "spoken"),
    [
        (datetime(2030, 12, 3, 10, 30), "Dienstag, 3. Dezember um 10:30 Uhr"),
        (datetime(2031, 3, 1, 9, 5), "Samstag, 1. März um 9:05 Uhr"),
        (datetime(2031, 6, 16, 14, 0), "Montag, 16. Juni um 14 Uhr"),
        (datetime(2031, 1, 5, 0, 15), "Sonntag, 5. Januar um 0:15 Uhr"),
    ],
)
def test_german_dates(moment: datetime, spoken: str) -> None:
    assert phrasebook(Language.GERMAN).when(moment) == spoken


@pytest.mark.parametrize(
    ("moment", "spoken"),
    [
        (datetime(2030, 12, 3, 10, 30), "Tuesday, December 3 at 10:30 AM"),
        (datetime(2031, 3, 1, 9, 5), "Saturday, March 1 at 9:05 AM"),
        (datetime(2031, 6, 16, 15, 0), "Monday, June 16 at 3 PM"),
        (datetime(2031, 6, 16, 12, 0), "Monday, June 16 at 12 PM"),
        (datetime(2031, 1, 5, 0, 15), "Sunday, January 5 at 12:15 AM"),
    ],
)
def test_english_dates(moment: datetime, spoken: str) -> None:
    assert phrasebook(Language.ENGLISH).when(moment) == spoken


@pytest.mark.parametrize(
    ("time_zone", "language", "spoken"),
    [
        ("Europe/Berlin", Language.GERMAN, "Mittwoch, 2. Juli um 10 Uhr"),  # summer time: UTC+2
        ("America/New_York", Language.ENGLISH, "Wednesday, July 2 at 4 AM"),  # UTC-4
        ("Asia/Tokyo", Language.ENGLISH, "Wednesday, July 2 at 5 PM"),
    ],
)
def test_the_appointment_is_spoken_in_the_callee_time_zone(time_zone: str, language: Language, spoken: str) -> None:
    reminder = Reminder(
        reminder_id="r-1",
        to_phone_number="+4915790000687",
        appointment_at=datetime(2031, 7, 2, 8, 0, tzinfo=UTC),
        time_zone=time_zone,
        name="Erika Mustermann",
        language=language,
    )
    assert phrasebook(language).when(reminder.local_appointment) == spoken


@pytest.mark.parametrize(
    ("language", "voice"), [(Language.GERMAN, "de-DE-KatjaNeural"), (Language.ENGLISH, "en-US-JennyNeural")]
)
def test_each_language_speaks_with_its_own_voice(language: Language, voice: str) -> None:
    tts = phrasebook(language).voice
    assert (tts.language, tts.voice) == (language.value, voice)


@pytest.fixture
def conversation(aws_env: str) -> ReminderConversation:
    # The fallback never touches the table: it is what the caller hears when the table failed.
    repository = ReminderRepository("unused", client=boto3.client("dynamodb"), number_keys=NUMBER_KEYS)
    return ReminderConversation(
        repository,
        default_language=Language.ENGLISH,
        caller_name="Praxis Dr. Weber",
        inbound_callbacks=InboundCallbacks.OFF,
    )


SESSION = Session(id="s-1")


def test_fallback_hangs_up_when_the_apology_has_played(conversation: ReminderConversation) -> None:
    event = AssistantSpeechEnded(type="assistant_speech_ended", session=SESSION)
    assert isinstance(conversation.fallback(event), HangupAction)


def test_fallback_says_nothing_while_our_speech_starts(conversation: ReminderConversation) -> None:
    assert conversation.fallback(AssistantSpeak(type="assistant_speak", session=SESSION, text="Hello")) is None


@pytest.mark.parametrize(
    "event",
    [
        UserSpeak(type="user_speak", session=SESSION, text="yes"),
        DtmfReceived(type="dtmf_received", session=SESSION, digit="1"),
        UserInputTimeout(type="user_input_timeout", session=SESSION),
    ],
    ids=lambda event: event.type,
)
def test_fallback_apologises_in_the_default_language_for_a_call_it_does_not_know(
    conversation: ReminderConversation, event: UserSpeak | DtmfReceived | UserInputTimeout
) -> None:
    apology = conversation.fallback(event)
    assert isinstance(apology, SpeakAction)
    assert dump_action(apology) == {
        "type": "speak",
        "text": "Sorry, something went wrong on our side. If we can't continue, we'll call you back later.",
        "tts": {"provider": "azure", "language": "en-US", "voice": "en-US-JennyNeural"},
        "barge_in": {"strategy": "none"},
        "user_input_timeout_seconds": 8,
    }
