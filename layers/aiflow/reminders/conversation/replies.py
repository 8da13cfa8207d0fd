"""The actions the call answers with: a question, an announcement, a goodbye, a silent wait, the apology.

What is said comes from the phrasebook (``speech``); this module decides how it is played:

- A question may be answered while it plays (two characters already make a "ja" or "no") and waits
  ``ANSWER_TIMEOUT_SECONDS`` for an answer.
- A goodbye or an announcement is heard to its end: no barge-in. A goodbye is always followed by
  ``hangup`` on ``assistant_speech_ended``, never in the same answer, and a transfer waits for the end of
  its announcement the same way (sent with it, it would cut it off).
"""

from __future__ import annotations

from aiflow import BargeInConfig, BargeInStrategy, SpeakAction, speak
from reminders.conversation.speech import Phrasebook, phrasebook
from reminders.conversation.state import CallState, Stage
from reminders.model.reminder import Language

__all__ = [
    "ANSWER_TIMEOUT_SECONDS",
    "announce",
    "apology",
    "appointment",
    "ask",
    "ask_the_question",
    "goodbye",
    "hints",
    "quiet_wait",
]

ANSWER_TIMEOUT_SECONDS = 8

_ANSWER_WHILE_ASKING = BargeInConfig(strategy=BargeInStrategy.MINIMUM_CHARACTERS, minimum_characters=2)
_HEAR_IT_OUT = BargeInConfig(strategy=BargeInStrategy.NONE)


def ask(call: CallState, *sentences: str) -> SpeakAction:
    """``sentences`` as one question, which the caller may answer while it plays."""
    book = phrasebook(call.language)
    return speak(
        " ".join(sentences),
        tts=book.voice,
        barge_in=_ANSWER_WHILE_ASKING,
        user_input_timeout_seconds=ANSWER_TIMEOUT_SECONDS,
    )


def ask_the_question(call: CallState) -> SpeakAction:
    """The appointment and the question, once more."""
    return ask(call, *appointment(call), phrasebook(call.language).question)


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
