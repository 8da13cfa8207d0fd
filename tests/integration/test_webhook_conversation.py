"""The conversation on the wire: speech said into a question, read by how much of it was heard, and the
callee's own questions, through ``functions/webhook/app.py:lambda_handler`` as template.yaml wires it.

The events are sent as sipgate sends them when a callee talks into our speech: the question's
``assistant_speak`` (when it began, how long it plays), then ``user_speak`` with ``barged_in`` and no
``assistant_speech_ended`` (the barge-in stopped the playback). The speech is set to have begun so long ago
that, read at an even pace, it is in the middle of the part the test names when the user_speak arrives.
The table and SSM are the moto server (tests/harness), as in test_webhook.py.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest

from reminders.conversation.speech import phrasebook
from reminders.model.reminder import Language, Outcome, Via
from tests.harness.webhook import CALLEE, Webhook, assert_open, dial

PLAYS_MS = 60_000  # long enough that the time a turn takes moves no speech out of its part
GERMAN_WHEN = "Dienstag, 3. Dezember um 10:30 Uhr"
ENGLISH_WHEN = "Tuesday, December 3 at 10:30 AM"
WHEN = {Language.GERMAN: GERMAN_WHEN, Language.ENGLISH: ENGLISH_WHEN}
BARE_YES = {Language.GERMAN: "Ja", Language.ENGLISH: "Yes"}
GREETING = {
    Language.GERMAN: "Guten Tag, Erika Mustermann, hier ist die automatische Terminerinnerung von Praxis Dr. Weber.",
    Language.ENGLISH: "Hello Jane Doe, this is the automated appointment reminder from Praxis Dr. Weber.",
}


@dataclass
class Call:
    """One outbound call, event by event; ``said`` is the text of our last question."""

    webhook: Webhook
    session: dict[str, str] = field(
        default_factory=lambda: {"id": str(uuid.uuid4()), "direction": "outbound", "to_phone_number": CALLEE}
    )
    said: str = ""

    def send(self, event_type: str, **fields: Any) -> list[dict[str, Any]]:
        """The actions answered (none for a 204)."""
        reply = self.webhook.post(json.dumps({"type": event_type, "session": self.session, **fields}))
        assert reply["statusCode"] in (200, 204), reply
        actions = json.loads(reply["body"]) if reply["body"] else []
        actions = actions if isinstance(actions, list) else [actions]
        spoken = [action["text"] for action in actions if action["type"] == "speak"]
        self.said = spoken[-1] if spoken else self.said
        return actions

    def answered(self) -> str:
        (opening,) = self.send("session_start")
        return str(opening["text"])

    def playing_since(self, words: str) -> None:
        """Our last question has played up to the middle of ``words`` (its assistant_speak, back-dated)."""
        middle = self.said.index(words) + len(words) / 2
        started = time.time_ns() // 1_000_000 - round(middle / len(self.said) * PLAYS_MS)
        assert self.send("assistant_speak", text=self.said, duration_ms=PLAYS_MS, speech_started_at=started) == []

    def say_into_it(self, text: str) -> str:
        (reply,) = self.send("user_speak", text=text, barged_in=True)
        return str(reply["text"])

    def say(self, text: str) -> str:
        (reply,) = self.send("user_speak", text=text)
        return str(reply["text"])

    def state(self) -> dict[str, Any]:
        return self.webhook.session_state(self.session["id"]).data


# Barge-in: a bare yes or no after the date and time is an answer.


@pytest.mark.parametrize(
    ("language", "bare", "outcome", "goodbye"),
    [
        (Language.GERMAN, "Ja", Outcome.CONFIRMED, "ist bestätigt"),
        (Language.GERMAN, "Nein.", Outcome.CANCELLED, "ist abgesagt"),
        (Language.ENGLISH, "yes", Outcome.CONFIRMED, "is confirmed"),
        (Language.ENGLISH, "No.", Outcome.CANCELLED, "is cancelled"),
    ],
)
def test_a_bare_answer_into_the_question_after_the_date_and_time_is_an_answer(
    webhook: Webhook, language: Language, bare: str, outcome: Outcome, goodbye: str
) -> None:
    dial(webhook, language=language)
    call = Call(webhook)
    call.answered()
    call.playing_since(phrasebook(language).question.split(".")[0])  # the choices: the date and time are heard

    assert goodbye in call.say_into_it(bare)
    record = webhook.reminder()
    assert (record.outcome, record.outcome_via) == (outcome, Via.SPEECH)


@pytest.mark.parametrize(
    ("language", "picking_up"),
    [
        (Language.GERMAN, "Ja, Müller?"),
        (Language.GERMAN, "Hallo?"),
        (Language.ENGLISH, "Yes?"),
        (Language.ENGLISH, "Hello?"),
    ],
)
def test_picking_up_into_the_greeting_hears_the_opening_again_then_answers(
    webhook: Webhook, language: Language, picking_up: str
) -> None:
    dial(webhook, language=language)
    call = Call(webhook)
    first_words = call.answered().split(",")[0]
    call.playing_since(first_words)

    again = call.say_into_it(picking_up)

    assert again.startswith(f"{GREETING[language]} ")
    assert WHEN[language] in again
    assert_open(webhook)
    book = phrasebook(language)
    call.playing_since(book.question.split(".")[0])  # the second time, the callee waits for the date and time
    assert call.say_into_it(BARE_YES[language]) == book.confirmed.format(when=WHEN[language])


@pytest.mark.parametrize("language", list(Language))
def test_a_bare_answer_into_the_appointment_before_its_time_hears_the_appointment_again(
    webhook: Webhook, language: Language
) -> None:
    dial(webhook, language=language)
    call = Call(webhook)
    call.answered()
    call.playing_since(WHEN[language].split(",")[0])  # the weekday: not yet the date and time

    again = call.say_into_it(BARE_YES[language])

    book = phrasebook(language)
    assert again.startswith(f"{book.appointment.format(when=WHEN[language])} {book.question}")
    assert_open(webhook)


def test_words_into_the_greeting_decide(webhook: Webhook) -> None:
    dial(webhook)
    call = Call(webhook)
    call.playing_since(call.answered().split(",")[0])

    assert "ist abgesagt" in call.say_into_it("Ich kann an dem Tag leider nicht kommen.")
    assert webhook.reminder().outcome is Outcome.CANCELLED


@pytest.mark.parametrize("language", list(Language))
def test_once_the_appointment_was_heard_a_bare_answer_into_any_question_is_an_answer(
    webhook: Webhook, language: Language
) -> None:
    dial(webhook, language=language)
    call = Call(webhook)
    call.answered()
    call.send("assistant_speech_ended")  # the opening played to its end
    book = phrasebook(language)
    assert call.say("Blumenkohl") == f"{book.not_understood} {book.short_question}"
    call.playing_since(book.not_understood)  # into the first words of the question again

    assert call.say_into_it(BARE_YES[language]) == book.confirmed.format(when=WHEN[language])


# The callee's own questions.


@pytest.mark.parametrize("language", list(Language))
def test_asked_again_before_the_appointment_was_heard_the_callee_hears_it(webhook: Webhook, language: Language) -> None:
    dial(webhook, language=language)
    call = Call(webhook)
    call.playing_since(call.answered().split(",")[0])
    book = phrasebook(language)

    (again,) = call.send("dtmf_received", digit="7")

    assert again["text"] == f"{book.key_not_used} {book.appointment.format(when=WHEN[language])} {book.short_question}"
    assert_open(webhook)


@pytest.mark.parametrize(
    ("language", "question"),
    [(Language.GERMAN, "Brauche ich eine Überweisung?"), (Language.ENGLISH, "Is there parking?")],
)
def test_a_question_for_the_practice_is_passed_on_and_the_decision_still_asked(
    webhook: Webhook, language: Language, question: str
) -> None:
    dial(webhook, language=language)
    call = Call(webhook)
    call.answered()
    call.send("assistant_speech_ended")
    book = phrasebook(language)

    assert call.say(question) == f"{book.question_noted.format(caller='Praxis Dr. Weber')} {book.short_question}"
    assert call.state()["question_open"] is True
    assert_open(webhook)
    assert call.say(BARE_YES[language]) == book.confirmed.format(when=WHEN[language])  # said once is enough
    assert webhook.reminder().outcome is Outcome.CONFIRMED
    assert call.state()["question_open"] is True


@pytest.mark.parametrize(
    ("language", "answer_and_question", "outcome", "goodbye"),
    [
        (Language.GERMAN, "Ja, muss ich was mitbringen?", Outcome.CONFIRMED, "confirmed"),
        (Language.ENGLISH, "Yes, do I need to bring anything?", Outcome.CONFIRMED, "confirmed"),
        (
            Language.GERMAN,
            "Nein, ich kann nicht. Brauche ich trotzdem eine Überweisung?",
            Outcome.CANCELLED,
            "cancelled",
        ),
    ],
)
def test_an_answer_that_also_asks_is_recorded_and_the_goodbye_says_the_practice_calls_back(
    webhook: Webhook, language: Language, answer_and_question: str, outcome: Outcome, goodbye: str
) -> None:
    dial(webhook, language=language)
    call = Call(webhook)
    call.answered()
    call.send("assistant_speech_ended")
    book = phrasebook(language)

    said = call.say(answer_and_question)

    passed_on = book.question_noted.format(caller="Praxis Dr. Weber")
    assert said == f"{passed_on} {getattr(book, goodbye).format(when=WHEN[language])}"
    assert webhook.reminder().outcome is outcome
    assert call.state()["question_open"] is True


@pytest.mark.parametrize(
    ("language", "who_is_calling", "answer"),
    [
        (Language.GERMAN, "Mit wem spreche ich?", "Hier ist die automatische Terminerinnerung von Praxis Dr. Weber."),
        (Language.ENGLISH, "Who am I talking to?", "This is the automated appointment reminder from Praxis Dr. Weber."),
    ],
)
def test_asked_who_is_calling_the_callee_hears_it(
    webhook: Webhook, language: Language, who_is_calling: str, answer: str
) -> None:
    dial(webhook, language=language)
    call = Call(webhook)
    call.answered()
    call.send("assistant_speech_ended")

    assert call.say(who_is_calling) == f"{answer} {phrasebook(language).short_question}"
    assert call.state()["question_open"] is False
    assert_open(webhook)


@pytest.mark.parametrize(
    ("language", "where", "when", "place"),
    [
        (Language.GERMAN, "Wo ist die Praxis?", "Wann war das nochmal?", "Ort: Hauptstraße 5."),
        (Language.ENGLISH, "Where is it?", "What time was that again?", "Location: Hauptstraße 5."),
    ],
)
def test_asked_where_and_when_the_callee_hears_the_reminders_facts(
    webhook: Webhook, language: Language, where: str, when: str, place: str
) -> None:
    dial(webhook, language=language, location="Hauptstraße 5")
    call = Call(webhook)
    call.answered()
    call.send("assistant_speech_ended")
    book = phrasebook(language)

    assert call.say(where) == f"{place} {book.short_question}"
    restated = call.say(when)
    assert restated == f"{book.appointment.format(when=WHEN[language])} {place} {book.short_question}"
    assert_open(webhook)


@pytest.mark.parametrize(
    ("language", "another_time"),
    [(Language.GERMAN, "Ginge es auch am Freitag um 9?"), (Language.ENGLISH, "Could we make it Friday at 9 instead?")],
)
def test_a_request_for_another_time_keeps_the_time_asked_for(
    webhook: Webhook, language: Language, another_time: str
) -> None:
    dial(webhook, language=language)
    call = Call(webhook)
    call.answered()
    call.send("assistant_speech_ended")

    call.say(another_time)

    assert webhook.reminder().outcome is Outcome.RESCHEDULE_REQUESTED
    preferred = call.state()["preferred_time"]
    assert (preferred["weekday"], preferred["time"]) == ("friday", "09:00")
