"""The reminder call: greet, state the appointment, take the callee's decision, say goodbye, hang up.

:class:`ReminderConversation` holds the handlers of an :class:`aiflow.AiFlowAssistant`. It knows nothing of
Lambda: the webhook function wires it to API Gateway, Powertools and SSM.

- Outbound ``session_start``: the dialer claimed the callee's line with a copy of the reminder; the call
  finds it by the callee's number, notes the answered attempt and asks. Inbound ``session_start``: a
  callee calling back about a reminder that is still open gets the same question; anyone else a short
  explanation and a goodbye.
- Everything later turns need is copied into the call's state (:class:`CallState`) at ``session_start``,
  so on the common path (``user_speak``, ``dtmf_received``) a turn reads and writes only its session item.
- The outcome is written on the reminder once (a conditional write), then the line is released. A
  goodbye is always followed by ``hangup`` on ``assistant_speech_ended``, never in the same answer, so it
  is heard to its end.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from aiflow import (
    AiFlowAssistant,
    AssistantSpeak,
    AssistantSpeechEnded,
    BargeInConfig,
    BargeInStrategy,
    DtmfReceived,
    Event,
    HandlerResult,
    SessionEnd,
    SessionStart,
    SessionStore,
    SpeakAction,
    UserInputTimeout,
    UserSpeak,
    hangup,
    speak,
    transfer,
)
from aiflow.phone import mask
from reminders.intents import Intent, intent_of_key, understand
from reminders.models import Language, Outcome, Reminder, ReminderStatus, Via
from reminders.repository import ReminderRepository
from reminders.speech import Phrasebook, phrasebook

__all__ = [
    "ANSWER_TIMEOUT_SECONDS",
    "MAX_REPEATS",
    "MAX_SILENCES",
    "MAX_UNCLEAR",
    "TRANSFER_TIMEOUT_SECONDS",
    "CallState",
    "ReminderConversation",
    "Stage",
]

logger = logging.getLogger(__name__)

ANSWER_TIMEOUT_SECONDS = 8
TRANSFER_TIMEOUT_SECONDS = 30
MAX_SILENCES = 2  # timeouts in a row before the goodbye
MAX_UNCLEAR = 3  # answers we could not read before the goodbye
MAX_REPEATS = 3  # repeats on request; more count as unclear, so no call runs forever
_LANGUAGE_HINTS = 1024

# The caller may answer while the question is still playing; two characters already make a "ja" or "no".
_ANSWER_WHILE_ASKING = BargeInConfig(strategy=BargeInStrategy.MINIMUM_CHARACTERS, minimum_characters=2)
# A goodbye or an announcement is heard to its end: the hangup or transfer waits for assistant_speech_ended.
_HEAR_IT_OUT = BargeInConfig(strategy=BargeInStrategy.NONE)


class Stage(StrEnum):
    ASKING = "asking"  # waiting for the decision
    TRANSFERRING = "transferring"  # announcing the transfer, or transferred and waiting to hear whether it took
    GOODBYE = "goodbye"  # the goodbye is playing; hang up when it ends


class CallState(BaseModel):
    """What one call keeps between turns; stored as JSON by the assistant's session store."""

    model_config = ConfigDict(extra="ignore")

    language: Language
    stage: Stage = Stage.ASKING
    reminder_id: str | None = None  # None: nothing to decide (unknown caller, closed reminder)
    attempt: int = 0
    number: str | None = None  # the callee's digits-only E.164 number: the line to release
    name: str = ""
    when: str = ""  # the appointment's date and time as spoken, in the callee's language and time zone
    location: str | None = None
    silences: int = 0  # timeouts in a row
    unclear: int = 0
    repeats: int = 0
    transfer_failed: bool = False
    outcome: Outcome | None = None


class ReminderConversation:
    """The reminder call's handlers, on ``repository``'s table.

    ``default_language`` is for callers we know nothing about. ``transfer_number``, when set, is the person
    a caller is put through to on request. ``on_outcome`` hears every outcome this conversation wrote.
    """

    def __init__(
        self,
        repository: ReminderRepository,
        *,
        default_language: Language,
        transfer_number: str | None = None,
        on_outcome: Callable[[Outcome], None] | None = None,
    ) -> None:
        self._repository = repository
        self._default_language = default_language
        self._transfer_number = transfer_number
        self._on_outcome = on_outcome
        # The fallback cannot read the state (the store may be what failed): it finds the call's language
        # here if this process served the call before, else speaks the default language.
        self._languages: OrderedDict[str, Language] = OrderedDict()
        self._languages_lock = threading.Lock()

    def assistant(self, *, session_store: SessionStore) -> AiFlowAssistant:
        """An assistant that holds reminder conversations, with its per-call state in ``session_store``.

        Its ``webhook_token`` is left for the caller to set: the webhook reads it from SSM per request.
        """
        return AiFlowAssistant(
            on_session_start=self.on_session_start,
            on_user_speak=self.on_user_speak,
            on_dtmf_received=self.on_dtmf_received,
            on_user_input_timeout=self.on_user_input_timeout,
            on_assistant_speech_ended=self.on_assistant_speech_ended,
            on_session_end=self.on_session_end,
            session_store=session_store,
            fallback=self.fallback,
        )

    # Handlers: each reads the call's state, takes one step and writes the state back.

    def on_session_start(self, event: SessionStart, state: dict[str, Any]) -> HandlerResult:
        call = self._resume(event, state)
        reply: SpeakAction | None
        if call is None:
            call, reply = self._start(event)
        elif call.stage is Stage.TRANSFERRING:
            # sipgate brings the caller back with the same session when nobody took the transfer.
            call.stage = Stage.ASKING
            call.transfer_failed = True
            book = phrasebook(call.language)
            reply = self._ask(call, book.transfer_failed, book.question)
        elif call.stage is Stage.ASKING:
            # The same session_start again: say it again rather than leave the caller in silence.
            reply = self._ask(call, *self._appointment(call), phrasebook(call.language).question)
        else:
            reply = None  # the goodbye is playing
        _keep(state, call)
        return reply

    def on_user_speak(self, event: UserSpeak, state: dict[str, Any]) -> HandlerResult:
        call = self._resume(event, state)
        if call is None:
            return self._no_conversation(event, state)
        if call.stage is not Stage.ASKING or not event.text.strip():
            return None  # after the decision, during an announcement, or an interruption without words
        logger.debug("caller said %r", event.text, extra={"session_id": event.session_id})
        intent = understand(event.text)
        logger.info("caller answered", extra={"session_id": event.session_id, "intent": intent.value})
        reply = self._answer(event.session_id, call, intent, Via.SPEECH)
        _keep(state, call)
        return reply

    def on_dtmf_received(self, event: DtmfReceived, state: dict[str, Any]) -> HandlerResult:
        call = self._resume(event, state)
        if call is None:
            return self._no_conversation(event, state)
        if call.stage is not Stage.ASKING:
            return None
        intent = intent_of_key(event.digit)
        logger.info("caller pressed a key", extra={"session_id": event.session_id, "intent": intent.value})
        reply = self._answer(event.session_id, call, intent, Via.KEY)
        _keep(state, call)
        return reply

    def on_user_input_timeout(self, event: UserInputTimeout, state: dict[str, Any]) -> HandlerResult:
        call = self._resume(event, state)
        if call is None:
            return self._no_conversation(event, state)
        if call.stage is not Stage.ASKING:
            return None
        call.silences += 1
        book = phrasebook(call.language)
        if call.silences >= MAX_SILENCES:
            reply = self._close(
                event.session_id, call, Outcome.NO_DECISION, book.silent_goodbye, detail="no answer (silence)"
            )
        else:
            reply = self._ask(call, book.still_there, book.question)
        _keep(state, call)
        return reply

    def on_assistant_speech_ended(self, event: AssistantSpeechEnded, state: dict[str, Any]) -> HandlerResult:
        call = self._resume(event, state)
        if call is None or call.stage is Stage.GOODBYE:
            # Without a conversation the call began with our apology (session_start failed): end it too.
            return hangup()
        if call.stage is Stage.TRANSFERRING and self._transfer_number and call.number:
            return transfer(
                self._transfer_number,
                caller_id_name=call.name,
                caller_id_number=call.number,
                timeout=TRANSFER_TIMEOUT_SECONDS,
            )
        return None  # a question ended: the caller's turn

    def on_session_end(self, event: SessionEnd, state: dict[str, Any]) -> None:
        call = self._resume(event, state)
        with self._languages_lock:
            self._languages.pop(event.session_id, None)
        if call is None or call.reminder_id is None or call.number is None or call.outcome is not None:
            return
        reason = "transferred to a person" if call.stage is Stage.TRANSFERRING else "callee hung up before deciding"
        self._record(event.session_id, call.reminder_id, Outcome.NO_DECISION, detail=reason)
        self._repository.release_line(call.number, call.reminder_id)

    def fallback(self, event: Event) -> HandlerResult:
        """What the caller hears when a turn failed (the table unreachable, say): never silence, never a loop.

        The apology asks for input again, so a call whose store recovers goes on with "are you still
        there?"; while the store stays down, the end of the apology hangs up.
        """
        if isinstance(event, AssistantSpeechEnded):
            return hangup()  # the apology has played
        if isinstance(event, AssistantSpeak):
            return None  # playback just started: speaking now would talk over it
        book = phrasebook(self._language_of(event.session_id))
        return speak(
            book.technical_problem,
            tts=book.voice,
            barge_in=_HEAR_IT_OUT,
            user_input_timeout_seconds=ANSWER_TIMEOUT_SECONDS,
        )

    # Steps.

    def _start(self, event: SessionStart) -> tuple[CallState, SpeakAction]:
        """A new call: find its reminder by the other party's number and ask, or explain and say goodbye."""
        session = event.session
        number = session.remote_number
        claim = self._repository.find_line(number) if number else None
        direction = "outbound" if session.is_outbound else "inbound"
        if claim is None:
            logger.info(
                "no reminder for this number",
                extra={"session_id": event.session_id, "direction": direction, "number": mask(number)},
            )
            return self._unknown_caller(event.session_id, self._default_language)
        reminder: Reminder = claim.reminder
        if session.is_outbound:
            self._repository.record_answer(reminder.reminder_id, claim.attempt, event.session_id)
        else:
            record = self._repository.get(reminder.reminder_id)
            if record is None or record.is_decided:
                logger.info(
                    "callback about a closed reminder",
                    extra={"session_id": event.session_id, "reminder_id": reminder.reminder_id},
                )
                return self._unknown_caller(event.session_id, reminder.language)
            reminder = record
        logger.info(
            "call about a reminder",
            extra={
                "session_id": event.session_id,
                "direction": direction,
                "reminder_id": reminder.reminder_id,
                "attempt": claim.attempt,
                "number": mask(number),
            },
        )
        book = phrasebook(reminder.language)
        call = CallState(
            language=reminder.language,
            reminder_id=reminder.reminder_id,
            attempt=claim.attempt,
            number=number,
            name=reminder.name,
            when=book.when(reminder.local_appointment),
            location=reminder.location,
        )
        self._remember_language(event.session_id, call.language)
        greeting = book.greeting if session.is_outbound else book.callback_greeting
        opening = [greeting.format(name=call.name), *self._appointment(call), book.question, *self._hints(book)]
        return call, self._ask(call, *opening)

    def _unknown_caller(self, session_id: str, language: Language) -> tuple[CallState, SpeakAction]:
        call = CallState(language=language)
        self._remember_language(session_id, language)
        return call, self._goodbye(call, phrasebook(language).unknown_caller)

    def _answer(self, session_id: str, call: CallState, intent: Intent, via: Via) -> SpeakAction:
        book = phrasebook(call.language)
        call.silences = 0
        if intent is Intent.REPEAT and call.repeats >= MAX_REPEATS:
            intent = Intent.UNCLEAR
        match intent:
            case Intent.CONFIRM:
                return self._close(session_id, call, Outcome.CONFIRMED, book.confirmed.format(when=call.when), via=via)
            case Intent.CANCEL:
                return self._close(session_id, call, Outcome.CANCELLED, book.cancelled.format(when=call.when), via=via)
            case Intent.REPEAT:
                call.repeats += 1
                return self._ask(call, *self._appointment(call), book.question, *self._hints(book))
            case Intent.PERSON:
                return self._put_through(call, book)
            case Intent.UNCLEAR:
                call.unclear += 1
                if call.unclear >= MAX_UNCLEAR:
                    return self._close(
                        session_id, call, Outcome.NO_DECISION, book.unclear_goodbye, detail="no clear answer"
                    )
                sorry = book.not_understood if via is Via.SPEECH else book.key_not_used
                return self._ask(call, sorry, book.question)

    def _put_through(self, call: CallState, book: Phrasebook) -> SpeakAction:
        if self._transfer_number is None:
            return self._ask(call, book.no_transfer, book.question)
        if call.transfer_failed:
            return self._ask(call, book.transfer_failed, book.question)
        # The transfer goes out when this announcement ends; sent with it, it would cut it off.
        call.stage = Stage.TRANSFERRING
        return speak(book.connecting, tts=book.voice, barge_in=_HEAR_IT_OUT)

    def _close(
        self,
        session_id: str,
        call: CallState,
        outcome: Outcome,
        goodbye: str,
        *,
        via: Via | None = None,
        detail: str | None = None,
    ) -> SpeakAction:
        """Write the outcome, free the callee's line and say goodbye: the goodbye of what is recorded."""
        assert call.reminder_id is not None, "only a call about a reminder asks for a decision"
        assert call.number is not None, "a call about a reminder knows the callee's number"
        if not self._record(session_id, call.reminder_id, outcome, via=via, detail=detail):
            outcome, goodbye = self._already_recorded(call, outcome, goodbye)
        self._repository.release_line(call.number, call.reminder_id)
        call.outcome = outcome
        return self._goodbye(call, goodbye)

    def _record(
        self, session_id: str, reminder_id: str, outcome: Outcome, *, via: Via | None = None, detail: str | None = None
    ) -> bool:
        context = {"session_id": session_id, "reminder_id": reminder_id, "outcome": outcome.value}
        # Written once: a repeated event, or a reminder closed meanwhile, keeps what is there.
        if self._repository.record_outcome(reminder_id, outcome, via=via, session_id=session_id, detail=detail):
            logger.info("outcome recorded", extra=context)
            if self._on_outcome is not None:
                self._on_outcome(outcome)
            return True
        logger.info("reminder already closed; outcome not recorded again", extra=context)
        return False

    def _already_recorded(self, call: CallState, outcome: Outcome, goodbye: str) -> tuple[Outcome, str]:
        """The outcome another turn (or an operator) recorded first, and the goodbye that says it.

        Two answers can race (a key pressed while the answer is spoken): the caller must hear what is
        written, never the opposite.
        """
        assert call.reminder_id is not None
        record = self._repository.get(call.reminder_id)
        book = phrasebook(call.language)
        if record is None:
            return outcome, goodbye
        if record.outcome is Outcome.CONFIRMED:
            return Outcome.CONFIRMED, book.confirmed.format(when=call.when)
        if record.outcome is Outcome.CANCELLED or record.status is ReminderStatus.CANCELLED:
            return Outcome.CANCELLED, book.cancelled.format(when=call.when)
        return record.outcome or outcome, goodbye

    def _no_conversation(self, event: Event, state: dict[str, Any]) -> SpeakAction:
        """An event for a call without state: its session_start failed, or the state expired. End it politely."""
        logger.warning("event for a call without a conversation", extra={"session_id": event.session_id})
        call = CallState(language=self._language_of(event.session_id))
        reply = self._goodbye(call, phrasebook(call.language).technical_problem)
        _keep(state, call)
        return reply

    # Speech.

    @staticmethod
    def _ask(call: CallState, *sentences: str) -> SpeakAction:
        book = phrasebook(call.language)
        return speak(
            " ".join(sentences),
            tts=book.voice,
            barge_in=_ANSWER_WHILE_ASKING,
            user_input_timeout_seconds=ANSWER_TIMEOUT_SECONDS,
        )

    @staticmethod
    def _goodbye(call: CallState, text: str) -> SpeakAction:
        call.stage = Stage.GOODBYE
        return speak(text, tts=phrasebook(call.language).voice, barge_in=_HEAR_IT_OUT)

    @staticmethod
    def _appointment(call: CallState) -> list[str]:
        book = phrasebook(call.language)
        sentences = [book.appointment.format(when=call.when)]
        if call.location:
            sentences.append(book.location.format(location=call.location))
        return sentences

    def _hints(self, book: Phrasebook) -> list[str]:
        return [book.repeat_hint, book.person_hint] if self._transfer_number else [book.repeat_hint]

    # State.

    def _resume(self, event: Event, state: dict[str, Any]) -> CallState | None:
        if not state:
            return None
        call = CallState.model_validate(state)
        self._remember_language(event.session_id, call.language)
        return call

    def _remember_language(self, session_id: str, language: Language) -> None:
        with self._languages_lock:
            self._languages[session_id] = language
            self._languages.move_to_end(session_id)
            while len(self._languages) > _LANGUAGE_HINTS:
                self._languages.popitem(last=False)

    def _language_of(self, session_id: str) -> Language:
        with self._languages_lock:
            return self._languages.get(session_id, self._default_language)


def _keep(state: dict[str, Any], call: CallState) -> None:
    """Write the call back into the assistant's state dict, which the assistant saves if it changed."""
    state.clear()
    state.update(call.model_dump(mode="json"))
