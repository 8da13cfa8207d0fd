"""The conversation's replies: how much of a question the callee heard, the rule that reads a bare "ja" by
it, the choices every question offers, and the answers to the callee's own questions, in both languages.

Pure functions of the call's state, played on the call's own questions (``replies``, ``decisions.reading``);
the same rules on the wire: tests/integration/test_webhook_conversation.py.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from reminders.conversation import CallState, Intent, intent_of_key, phrasebook, replies, understand
from reminders.conversation.decisions import reading
from reminders.conversation.intents import Asked
from reminders.conversation.replies import Heard
from reminders.model.reminder import Language

APPOINTMENT = datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
LOCATION = "Praxis Dr. Sommer, Hauptstraße 5"
PLAYS_MS = 20_000  # how long the opening plays in these tests
STARTED_MS = 1_767_000_000_000


def a_call(language: Language = Language.GERMAN, *, location: str | None = None) -> CallState:
    book = phrasebook(language)
    return CallState(
        language=language,
        reminder_id="r-1",
        caller="Praxis Dr. Weber",
        name="Erika Mustermann",
        when=book.when(APPOINTMENT),
        appointment=APPOINTMENT,
        location=location,
    )


def playing_opening(language: Language = Language.GERMAN) -> tuple[CallState, str]:
    """A call whose opening has begun to play, and the opening's text."""
    call = a_call(language)
    text = replies.opening(call, replies.hints(phrasebook(language), transfers=False)).text
    assert text is not None
    replies.started(call, started_at_ms=STARTED_MS, duration_ms=PLAYS_MS)
    return call, text


def arriving_after(text: str, words: str) -> int:
    """When speech arrives that was said once ``words`` of ``text`` had played (read at an even pace)."""
    return STARTED_MS + round((text.index(words) + len(words)) / len(text) * PLAYS_MS) + 1


# How much was heard.


@pytest.mark.parametrize("language", list(Language))
def test_the_opening_notes_where_its_greeting_and_the_appointment_end(language: Language) -> None:
    call, text = playing_opening(language)
    book = phrasebook(language)
    greeting = book.greeting.format(name=call.name, caller=call.caller)

    assert text.startswith(greeting)
    assert call.question.greeting_ends == pytest.approx(len(greeting) / len(text))
    assert call.question.appointment_ends == pytest.approx((text.index(call.when) + len(call.when)) / len(text))


@pytest.mark.parametrize("language", list(Language))
def test_speech_into_the_greeting_heard_the_greeting_only(language: Language) -> None:
    call, text = playing_opening(language)
    first_words = text.split(",")[0]  # "Guten Tag", "Hello Erika Mustermann"

    assert replies.heard(call, barged_in=True, at_ms=arriving_after(text, first_words)) is Heard.GREETING
    assert not call.appointment_heard


@pytest.mark.parametrize("language", list(Language))
def test_speech_into_the_appointment_before_its_time_heard_part(language: Language) -> None:
    call, text = playing_opening(language)
    weekday = call.when.split(",")[0]

    assert replies.heard(call, barged_in=True, at_ms=arriving_after(text, weekday)) is Heard.PART
    assert not call.appointment_heard


@pytest.mark.parametrize("language", list(Language))
def test_speech_after_the_appointments_time_heard_it_for_the_rest_of_the_call(language: Language) -> None:
    call, text = playing_opening(language)

    assert replies.heard(call, barged_in=True, at_ms=arriving_after(text, call.when)) is Heard.APPOINTMENT
    assert call.appointment_heard
    replies.ask(call, phrasebook(language).not_understood)  # a question that does not state the appointment
    assert replies.heard(call, barged_in=True, at_ms=STARTED_MS) is Heard.APPOINTMENT


def test_speech_after_the_question_heard_it_all() -> None:
    call, _ = playing_opening()

    assert replies.heard(call, barged_in=False, at_ms=STARTED_MS) is Heard.APPOINTMENT


def test_a_question_played_to_its_end_was_heard() -> None:
    call, _ = playing_opening()

    replies.played_to_the_end(call)

    assert call.appointment_heard


def test_without_its_start_the_call_cannot_tell_what_was_heard() -> None:
    call = a_call()
    replies.opening(call, [])  # its assistant_speak never came

    assert replies.heard(call, barged_in=True, at_ms=STARTED_MS + PLAYS_MS) is Heard.PART


def test_a_new_question_forgets_the_start_of_the_last() -> None:
    call, _ = playing_opening()

    replies.ask_again(call, "Entschuldigung.")

    assert call.question.started_at_ms is None
    assert replies.heard(call, barged_in=True, at_ms=STARTED_MS + PLAYS_MS) is Heard.PART


# The rule: a bare answer word is an answer once the date and time were heard.


@pytest.mark.parametrize(
    "bare",
    ["Ja", "Ja?", "Ja, Müller?", "Ja, hallo?", "Müller, hallo?", "Nein.", "yes", "Yes?", "No", "Hallo?", "Hello?"],
)
def test_a_bare_answer_before_the_date_and_time_is_no_answer_yet(bare: str) -> None:
    assert reading(bare, Heard.GREETING).intent is Intent.REPEAT
    assert reading(bare, Heard.PART).intent is Intent.REPEAT


@pytest.mark.parametrize(
    ("bare", "intent"), [("Ja", Intent.CONFIRM), ("nein", Intent.CANCEL), ("Yes.", Intent.CONFIRM)]
)
def test_a_bare_answer_after_the_date_and_time_is_an_answer(bare: str, intent: Intent) -> None:
    assert reading(bare, Heard.APPOINTMENT).intent is intent


@pytest.mark.parametrize(
    ("worded", "intent"),
    [("Ich komme.", Intent.CONFIRM), ("Bitte absagen.", Intent.CANCEL), ("I'd like to reschedule.", Intent.RESCHEDULE)],
)
def test_an_answer_in_words_decides_wherever_it_is_said(worded: str, intent: Intent) -> None:
    assert {reading(worded, heard).intent for heard in Heard} == {intent}


# The choices: every one by voice and key, in words the call reads as that choice.

_KEY_NAMES = {"Sterntaste": "*", "star": "*"}
# "sagen Sie Ja oder drücken Sie die 1", "say 'another time' or press 3", "Nein oder die 2", "no or 2"
_OFFERED = re.compile(
    r"(?:sagen Sie |say )?('[^']+'|\w+) (?:oder (?:drücken Sie )?die|or (?:press )?)(?: )?(\d|Sterntaste|star)\b",
    re.IGNORECASE,
)


def offered(sentence: str) -> dict[str, str]:
    """The key each spoken choice of ``sentence`` goes with: {"1": "Ja", ...}."""
    return {_KEY_NAMES.get(key, key): said.strip("'") for said, key in _OFFERED.findall(sentence)}


@pytest.mark.parametrize("language", list(Language))
@pytest.mark.parametrize("question", ["question", "short_question"])
def test_the_question_offers_every_choice_by_voice_and_key(language: Language, question: str) -> None:
    choices = offered(getattr(phrasebook(language), question))

    assert set(choices) == {"1", "2", "3"}
    for key, said in choices.items():
        assert understand(said) is intent_of_key(key), f"{said!r} is offered for the {key}"


@pytest.mark.parametrize("language", list(Language))
def test_the_hints_offer_their_choice_by_voice_and_key(language: Language) -> None:
    book = phrasebook(language)
    choices = offered(f"{book.repeat_hint} {book.person_hint}")

    assert set(choices) == {"*", "0"}
    for key, said in choices.items():
        assert understand(said) is intent_of_key(key), f"{said!r} is offered for the {key}"


# Asked again: why and what, short.


@pytest.mark.parametrize("language", list(Language))
def test_asked_who_is_calling_the_callee_hears_it_and_the_short_question(language: Language) -> None:
    call = a_call(language)
    call.appointment_heard = True
    book = phrasebook(language)

    said = replies.answer(call, Asked.WHO).text

    assert said == f"{book.who_calls.format(caller='Praxis Dr. Weber')} {book.short_question}"


@pytest.mark.parametrize("language", list(Language))
@pytest.mark.parametrize("asked", [Asked.WHEN, Asked.WHAT])
def test_asked_when_or_what_about_the_appointment_is_restated(language: Language, asked: Asked) -> None:
    call = a_call(language, location=LOCATION)
    call.appointment_heard = True

    said = replies.answer(call, asked).text

    assert said is not None
    assert call.when in said
    assert LOCATION in said
    assert said.endswith(phrasebook(language).short_question)
    assert call.name not in said, "no greeting again: the re-ask is short"


@pytest.mark.parametrize(("language", "place"), [(Language.GERMAN, "Ort: "), (Language.ENGLISH, "Location: ")])
def test_asked_where_the_callee_hears_the_location(language: Language, place: str) -> None:
    call = a_call(language, location=LOCATION)
    call.appointment_heard = True

    assert replies.answer(call, Asked.WHERE).text == f"{place}{LOCATION}. {phrasebook(language).short_question}"


@pytest.mark.parametrize(
    ("language", "with_whom"),
    [
        (Language.GERMAN, "Ihr Termin ist bei Praxis Dr. Weber."),
        (Language.ENGLISH, "Your appointment is with Praxis Dr. Weber."),
    ],
)
def test_asked_where_without_a_location_the_callee_hears_with_whom(language: Language, with_whom: str) -> None:
    call = a_call(language)
    call.appointment_heard = True

    assert replies.answer(call, Asked.WHERE).text == f"{with_whom} {phrasebook(language).short_question}"


@pytest.mark.parametrize(
    ("language", "passed_on"),
    [
        (Language.GERMAN, "Ihre Frage gebe ich an Praxis Dr. Weber weiter, Sie werden dazu zurückgerufen."),
        (Language.ENGLISH, "I'll pass your question on to Praxis Dr. Weber, and they will call you back about it."),
    ],
)
def test_a_question_for_the_practice_is_passed_on_and_the_decision_asked(language: Language, passed_on: str) -> None:
    call = a_call(language)
    call.appointment_heard = True

    assert replies.answer(call, Asked.PRACTICE).text == f"{passed_on} {phrasebook(language).short_question}"


@pytest.mark.parametrize("language", list(Language))
def test_asked_again_before_the_appointment_was_heard_it_is_stated(language: Language) -> None:
    call = a_call(language)
    book = phrasebook(language)

    said = replies.ask_again(call, book.not_understood).text

    assert said == " ".join([book.not_understood, *replies.appointment(call), book.short_question])


@pytest.mark.parametrize("language", list(Language))
def test_asked_again_after_the_appointment_was_heard_it_is_short(language: Language) -> None:
    call = a_call(language)
    call.appointment_heard = True
    book = phrasebook(language)

    assert replies.ask_again(call, book.not_understood).text == f"{book.not_understood} {book.short_question}"
