"""The actions the call answers with: a question, an announcement, a goodbye, a silent wait, the apology.

What is said comes from the phrasebook (``speech``); this module decides how it is played:

- A question may be answered while it plays (two characters already make a "ja" or "no") and waits
  ``ANSWER_TIMEOUT_SECONDS`` for an answer. Each question notes where in its text the greeting and the
  appointment's date and time end (``CallState.question``); its ``assistant_speak`` says when it began and
  how long it plays, so speech said into it tells how much the callee had heard (:func:`heard`): the
  greeting's words ("Ja, Müller?" is how people pick up), not yet the date and time, or the appointment.
  A speech event arrives when the words have been said, not when they began: the greeting's share is its
  whole sentence, the appointment's ends with its time.
- Until the callee has heard the appointment's date and time, every question states them.
- A goodbye or an announcement is heard to its end: no barge-in. A goodbye is always followed by
  ``hangup`` on ``assistant_speech_ended``, never in the same answer, and a transfer waits for the end of
  its announcement the same way (sent with it, it would cut it off).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from aiflow import BargeInConfig, BargeInStrategy, SpeakAction, speak
from reminders.conversation.intents import Asked
from reminders.conversation.speech import Phrasebook, phrasebook
from reminders.conversation.state import CallState, Playing, Stage
from reminders.model.reminder import Language

__all__ = [
    "ANSWER_TIMEOUT_SECONDS",
    "Heard",
    "announce",
    "answer",
    "apology",
    "appointment",
    "ask",
    "ask_again",
    "ask_the_question",
    "goodbye",
    "heard",
    "hints",
    "opening",
    "played_to_the_end",
    "quiet_wait",
    "started",
]

ANSWER_TIMEOUT_SECONDS = 8

_ANSWER_WHILE_ASKING = BargeInConfig(strategy=BargeInStrategy.MINIMUM_CHARACTERS, minimum_characters=2)
_HEAR_IT_OUT = BargeInConfig(strategy=BargeInStrategy.NONE)


class Heard(StrEnum):
    """How much of the question the callee had heard when they spoke."""

    GREETING = "greeting"  # no more than the greeting: how people pick up ("Ja, Müller?")
    PART = "part"  # not yet the appointment's date and time, or the call cannot tell
    APPOINTMENT = "appointment"  # the appointment's date and time, in this question or an earlier one


def opening(call: CallState, hints: Sequence[str]) -> SpeakAction:
    """The first question: the greeting, the appointment, the question and ``hints``."""
    book = phrasebook(call.language)
    greeting = book.greeting.format(name=call.name, caller=call.caller)
    return _question(call, [greeting, *appointment(call), book.question, *hints], greeting=greeting)


def ask(call: CallState, *sentences: str) -> SpeakAction:
    """``sentences`` as one question, which the caller may answer while it plays."""
    return _question(call, sentences)


def ask_the_question(call: CallState) -> SpeakAction:
    """The appointment and the question, once more."""
    return ask(call, *appointment(call), phrasebook(call.language).question)


def ask_again(call: CallState, *before: str, restate: bool = False) -> SpeakAction:
    """``before``, then the short question; the appointment before it if asked for (``restate``) or not heard yet."""
    restated = appointment(call) if restate or not call.appointment_heard else []
    return ask(call, *before, *restated, phrasebook(call.language).short_question)


def _question(call: CallState, sentences: Sequence[str], *, greeting: str = "") -> SpeakAction:
    text = " ".join(sentences)
    when_at = text.find(call.when) if call.when else -1
    call.question = Playing(
        greeting_ends=len(greeting) / len(text),
        appointment_ends=(when_at + len(call.when)) / len(text) if when_at >= 0 else 0.0,
    )
    return speak(
        text,
        tts=phrasebook(call.language).voice,
        barge_in=_ANSWER_WHILE_ASKING,
        user_input_timeout_seconds=ANSWER_TIMEOUT_SECONDS,
    )


def started(call: CallState, *, started_at_ms: int | None, duration_ms: float | None) -> None:
    """The question began to play (``assistant_speak``): when, and for how long."""
    call.question.started_at_ms = started_at_ms
    call.question.duration_ms = duration_ms


def played_to_the_end(call: CallState) -> None:
    """The question was heard to its end (``assistant_speech_ended``)."""
    if call.question.appointment_ends:
        call.appointment_heard = True


def heard(call: CallState, *, barged_in: bool, at_ms: int) -> Heard:
    """How much of the question the callee had heard when their speech arrived at ``at_ms`` (Unix ms).

    Speech that did not cut in came after the question. Once past the appointment's date and time, the
    appointment counts as heard for the rest of the call.
    """
    position = call.question.position(at_ms) if barged_in else 1.0
    if position is not None and 0 < call.question.appointment_ends <= position:
        call.appointment_heard = True
    if call.appointment_heard:
        return Heard.APPOINTMENT
    if position is not None and position < call.question.greeting_ends:
        return Heard.GREETING
    return Heard.PART


def answer(call: CallState, asked: Asked) -> SpeakAction:
    """The callee's question answered, then the short question.

    Who calls, where (or with whom) and when, from the reminder: nothing the opening does not say to whoever
    picks up. A question only the practice can answer is passed on: the practice calls back about it.
    """
    book = phrasebook(call.language)
    who = book.who_calls.format(caller=call.caller)
    match asked:
        case Asked.WHO:
            return ask_again(call, who)
        case Asked.WHERE if call.location:
            return ask_again(call, book.location.format(location=call.location))
        case Asked.WHERE:
            return ask_again(call, book.where_unknown.format(caller=call.caller))
        case Asked.WHAT:
            return ask_again(call, who, restate=True)
        case Asked.WHEN:
            return ask_again(call, restate=True)
        case Asked.PRACTICE:
            return ask_again(call, book.question_noted.format(caller=call.caller))


def goodbye(call: CallState, text: str) -> SpeakAction:
    """The last words: the call hangs up when they have played."""
    call.stage = Stage.GOODBYE
    return speak(text, tts=phrasebook(call.language).voice, barge_in=_HEAR_IT_OUT)


def announce(book: Phrasebook, text: str) -> SpeakAction:
    """An announcement heard to its end (what follows it waits for ``assistant_speech_ended``)."""
    return speak(text, tts=book.voice, barge_in=_HEAR_IT_OUT)


def quiet_wait(call: CallState, seconds: float) -> SpeakAction:
    """A moment of silence whose input timeout fires once the other side has been quiet ``seconds``.

    sipgate reports silence only after our own speech, so the wait is a speech that says nothing.
    """
    book = phrasebook(call.language)
    return speak(
        ssml=f'<speak version="1.0" xml:lang="{book.voice.language}"><break time="300ms"/></speak>',
        tts=book.voice,
        barge_in=_HEAR_IT_OUT,
        user_input_timeout_seconds=seconds,
    )


def apology(language: Language) -> SpeakAction:
    """The technical problem, said to the end; it asks for input again, so a call whose store recovers goes on."""
    book = phrasebook(language)
    return speak(
        book.technical_problem,
        tts=book.voice,
        barge_in=_HEAR_IT_OUT,
        user_input_timeout_seconds=ANSWER_TIMEOUT_SECONDS,
    )


def appointment(call: CallState) -> list[str]:
    """The sentences that state the appointment: when and, if known, where."""
    book = phrasebook(call.language)
    sentences = [book.appointment.format(when=call.when)]
    if call.location:
        sentences.append(book.location.format(location=call.location))
    return sentences


def hints(book: Phrasebook, *, transfers: bool) -> list[str]:
    """What the caller can say besides the answer: repeat, and a person when the call can put them through."""
    return [book.repeat_hint, book.person_hint] if transfers else [book.repeat_hint]
