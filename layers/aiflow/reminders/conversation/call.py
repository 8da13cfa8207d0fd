"""The reminder call: greet, state the appointment, take the callee's decision, say goodbye, hang up.

:class:`ReminderConversation` holds the handlers of an :class:`aiflow.AiFlowAssistant`. It knows nothing of
Lambda: the webhook function wires it to API Gateway, Powertools and SSM.

- Outbound ``session_start``: the dialer claimed the callee's line with a copy of the reminder; the call
  finds it by the callee's number, notes the answered attempt and asks, naming who calls (``caller``).
- A mailbox answers like a person: the first few ``user_speak`` pieces of an outbound call are read by
  :func:`reminders.conversation.voicemail.is_mailbox_greeting` before anything else. A mailbox's greeting stops our
  question (``barge_in``); a short silence with an input timeout then waits for the greeting to end
  (every further piece re-arms it), and the timeout leaves the short message: who calls, date and time,
  "call us back", nothing more (a mailbox may be shared). ``hangup`` follows when it has played. The
  attempt is recorded ``voicemail`` (:func:`reminders.conversation.voicemail.voicemail_is_final`).
- Inbound ``session_start``: caller ID can be forged, so an inbound caller hears nothing of a reminder
  and cannot decide it. A caller whose number has an open reminder is thanked and hung up on, and a dial
  of the reminder's *stored* number is put on the call queue (``InboundCallbacks=call-back``); anyone else
  hears a short explanation.
- Decisions: confirm, cancel, another time (``reschedule_requested``: put through to a person if there is
  one, else "the practice gets in touch"), no more calls (``opted_out``, and the number goes on the
  do-not-call list). Anything unclear, an empty answer included, is asked again, a few times at most.
  People pick up saying "Ja, Müller?" or "Hallo?" into our opening, which stops it: speech that barges into
  the first question with no more than answer words is no answer yet; the appointment and question follow.
- Everything later turns need is copied into the call's state (:class:`CallState`) at ``session_start``,
  so on the common path (``user_speak``, ``dtmf_received``) a turn reads and writes only its session item.
- Budget: the outbound ``session_start`` reads the line and writes the state with the answered attempt in
  one transaction (1 read, 1 write; the SDK skips the always-empty state load); a deciding turn reads the
  state, writes the outcome and the line's release in one transaction, and saves the state (1 read, 2
  writes). A transaction costs twice the write capacity of its items: on these small items that is 2 WCU
  more per call, against a request less on the caller's clock.
- The outcome is written on the reminder once (a conditional write), the line released with it. A
  goodbye is always followed by ``hangup`` on ``assistant_speech_ended``, never in the same answer, so it
  is heard to its end.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any

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
    barge_in,
    hangup,
    speak,
    transfer,
    write_with_state,
)
from aiflow.phone import mask
from reminders.conversation.intents import Intent, intent_of_key, read_answer
from reminders.conversation.speech import Phrasebook, phrasebook
from reminders.conversation.voicemail import (
    GREETING_FRAGMENTS,
    calls_back_after_voicemail,
    is_mailbox_greeting,
    voicemail_is_final,
)
from reminders.model.reminder import (
    MAX_ATTEMPTS,
    InboundCallbacks,
    Language,
    Outcome,
    ReminderRecord,
    ReminderStatus,
    Via,
    utc_now,
)
from reminders.store.do_not_call import DoNotCallList
from reminders.store.repository import LineClaim, LineRelease, ReminderRepository

if TYPE_CHECKING:
    from reminders.aws.delivery import CallDelivery

__all__ = [
    "ANSWER_TIMEOUT_SECONDS",
    "MAILBOX_QUIET_SECONDS",
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
# After a mailbox's last words, this much silence means its greeting (and the beep) is over.
MAILBOX_QUIET_SECONDS = 2
_HEARD_CHARACTERS = 600  # of a greeting in several pieces, what is kept to read it as a whole

# The caller may answer while the question is still playing; two characters already make a "ja" or "no".
_ANSWER_WHILE_ASKING = BargeInConfig(strategy=BargeInStrategy.MINIMUM_CHARACTERS, minimum_characters=2)
# A goodbye or an announcement is heard to its end: the hangup or transfer waits for assistant_speech_ended.
_HEAR_IT_OUT = BargeInConfig(strategy=BargeInStrategy.NONE)


class Stage(StrEnum):
    ASKING = "asking"  # waiting for the decision
    MAILBOX = "mailbox"  # a mailbox answered: waiting for its greeting to end
    TRANSFERRING = "transferring"  # announcing the transfer, or transferred and waiting to hear whether it took
    GOODBYE = "goodbye"  # the goodbye is playing; hang up when it ends


class CallState(BaseModel):
    """What one call keeps between turns; stored as JSON by the assistant's session store."""

    model_config = ConfigDict(extra="ignore")

    language: Language
    stage: Stage = Stage.ASKING
    reminder_id: str | None = None  # None: nothing to decide (an inbound caller, a closed reminder)
    attempt: int = 0
    max_attempts: int = 1
    caller: str = ""  # who calls, as the call names it
    number: str | None = None  # the callee's digits-only E.164 number: the line to release
    name: str = ""
    when: str = ""  # the appointment's date and time as spoken, in the callee's language and time zone
    location: str | None = None
    silences: int = 0  # timeouts in a row
    unclear: int = 0
    repeats: int = 0
    transfer_failed: bool = False
    outcome: Outcome | None = None
    # Mailbox recognition: on while the first pieces of an outbound call's speech may be a greeting.
    listening_for_mailbox: bool = False
    heard: str = ""  # those pieces so far, dropped once the call is known to be a person or a mailbox
    pieces: int = 0
    voicemail_left: bool = False  # the message is left and the reminder stays open for another attempt
    opening_heard: bool = False  # the first question played to its end (or was said a second time)


class ReminderConversation:
    """The reminder call's handlers, on ``repository``'s table.

    ``default_language`` is for callers we know nothing about. ``caller_name`` is who calls (the practice),
    unless a reminder names its own. ``transfer_number``, when set, is the person a caller is put through
    to on request. ``retry_after_voicemail``: an attempt that reached a mailbox is not the last while
    attempts remain. ``inbound_callbacks`` with ``callback_delivery`` (made on first use: most calls never
    need the queue) requests the private callback. ``on_outcome`` hears every outcome this conversation wrote,
    ``on_answered`` every outbound call picked up (by a person or a mailbox).
    """

    def __init__(
        self,
        repository: ReminderRepository,
        *,
        default_language: Language,
        caller_name: str,
        transfer_number: str | None = None,
        retry_after_voicemail: bool = True,
        inbound_callbacks: InboundCallbacks = InboundCallbacks.CALL_BACK,
        callback_delivery: Callable[[], CallDelivery] | None = None,
        do_not_call: DoNotCallList | None = None,
        on_outcome: Callable[[Outcome], None] | None = None,
        on_answered: Callable[[], None] | None = None,
    ) -> None:
        if inbound_callbacks is InboundCallbacks.CALL_BACK and callback_delivery is None:
            raise ValueError("inbound callbacks need a callback_delivery (the call queue)")
        self._repository = repository
        self._default_language = default_language
        self._caller_name = caller_name
        self._transfer_number = transfer_number
        self._retry_after_voicemail = retry_after_voicemail
        self._inbound_callbacks = inbound_callbacks
        self._callback_delivery = callback_delivery
        self._do_not_call = do_not_call or DoNotCallList(repository.table_name, client=repository.client)
        self._on_outcome = on_outcome
        self._on_answered = on_answered
        # The fallback cannot read the state (the store may be what failed): it finds the call's language
        # here if this process served the call before, else speaks the default language.
        self._languages: OrderedDict[str, Language] = OrderedDict()
        self._languages_lock = threading.Lock()

    def assistant(self, *, session_store: SessionStore, deadline_seconds: float | None = None) -> AiFlowAssistant:
        """An assistant that holds reminder conversations, with its per-call state in ``session_store``.

        Its ``webhook_token`` is left for the caller to set: the webhook reads it from SSM per request.
        ``deadline_seconds`` bounds each turn (``aiflow.deadline``).
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
            deadline_seconds=deadline_seconds,
        )

    # Handlers: each reads the call's state, takes one step and writes the state back.

    def on_session_start(self, event: SessionStart, state: dict[str, Any]) -> HandlerResult:
        call = self._resume(event, state)
        reply: SpeakAction | None
        if call is None:
            call, reply = self._start(event)
        elif call.stage is Stage.TRANSFERRING:
            # sipgate brings the caller back with the same session when nobody took the transfer.
            book = phrasebook(call.language)
            call.transfer_failed = True
            if call.outcome is Outcome.RESCHEDULE_REQUESTED:
                reply = self._goodbye(call, book.reschedule_nobody.format(caller=call.caller))
            else:
                call.stage = Stage.ASKING
                reply = self._ask(call, book.transfer_failed, book.question)
        elif call.stage is Stage.ASKING:
            # The same session_start again: say it again rather than leave the caller in silence.
            reply = self._ask(call, *self._appointment(call), phrasebook(call.language).question)
        else:
            reply = None  # the goodbye is playing, or a mailbox's greeting
        _keep(state, call)
        return reply

    def on_user_speak(self, event: UserSpeak, state: dict[str, Any]) -> HandlerResult:
        call = self._resume(event, state)
        if call is None:
            return self._no_conversation(event, state)
        text = event.text.strip()
        reply: HandlerResult
        if call.stage is Stage.MAILBOX:
            reply = self._wait_for_the_greeting(call) if text else None  # more of the greeting: wait longer
        elif call.stage is not Stage.ASKING or (not text and event.barged_in):
            # After the decision or during an announcement; an interruption without words is followed by
            # its words in a user_speak of their own.
            return None
        elif text and self._mailbox_answered(call, text):
            logger.info("a mailbox answered", extra={"session_id": event.session_id, "reminder_id": call.reminder_id})
            call.stage = Stage.MAILBOX
            reply = [barge_in(), self._wait_for_the_greeting(call)]  # stop the question; the greeting goes on
        else:
            logger.debug("caller said %r", text, extra={"session_id": event.session_id})
            understood = read_answer(text)  # nothing heard is unclear: asked again, never silence
            logger.info("caller answered", extra={"session_id": event.session_id, "intent": understood.intent.value})
            if event.barged_in and not call.opening_heard and not understood.worded:
                # "Ja, Müller?", "Hallo?": how people pick up, said into the opening, which it cut off.
                call.opening_heard = True
                reply = self._ask(call, *self._appointment(call), phrasebook(call.language).question)
            else:
                reply = self._answer(event.session_id, call, understood.intent, Via.SPEECH)
        _keep(state, call)
        return reply

    def on_dtmf_received(self, event: DtmfReceived, state: dict[str, Any]) -> HandlerResult:
        call = self._resume(event, state)
        if call is None:
            return self._no_conversation(event, state)
        if call.stage is Stage.MAILBOX:
            call.stage = Stage.ASKING  # a mailbox presses no keys: a person after all
        if call.stage is not Stage.ASKING:
            return None
        _stop_listening_for_a_mailbox(call)
        intent = intent_of_key(event.digit)
        logger.info("caller pressed a key", extra={"session_id": event.session_id, "intent": intent.value})
        reply = self._answer(event.session_id, call, intent, Via.KEY)
        _keep(state, call)
        return reply

    def on_user_input_timeout(self, event: UserInputTimeout, state: dict[str, Any]) -> HandlerResult:
        call = self._resume(event, state)
        if call is None:
            return self._no_conversation(event, state)
        if call.stage is Stage.MAILBOX:
            reply = self._leave_voicemail(event.session_id, call)
            _keep(state, call)
            return reply
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
        if call.stage is Stage.ASKING and not call.opening_heard:
            call.opening_heard = True
            _keep(state, call)
        return None  # a question ended: the caller's turn

    def on_session_end(self, event: SessionEnd, state: dict[str, Any]) -> None:
        call = self._resume(event, state)
        with self._languages_lock:
            self._languages.pop(event.session_id, None)
        if call is None or call.reminder_id is None or call.number is None or call.outcome is not None:
            return
        if call.voicemail_left:
            return  # the reminder stays open for its next attempt
        if call.stage is Stage.MAILBOX:
            self._record_voicemail(event.session_id, call, "the mailbox hung up before the message")
            return
        reason = "transferred to a person" if call.stage is Stage.TRANSFERRING else "callee hung up before deciding"
        if not self._record(event.session_id, call, Outcome.NO_DECISION, detail=reason):
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
            return self._unknown_caller(event.session_id, self._default_language, self._caller_name)
        if not session.is_outbound:
            return self._inbound(event.session_id, claim)
        reminder = claim.reminder
        # Noted with the call's first state save, in one transaction: the turn's only write. A repeated
        # session_start loses that save's race and runs on the stored state, so it is counted once.
        write_with_state(self._repository.answer_note(reminder.reminder_id, claim.attempt, event.session_id))
        if self._on_answered:
            self._on_answered()
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
            max_attempts=reminder.max_attempts,
            caller=reminder.caller_name or self._caller_name,
            number=number,
            name=reminder.name,
            when=book.when(reminder.local_appointment),
            location=reminder.location,
            listening_for_mailbox=True,
        )
        self._remember_language(event.session_id, call.language)
        greeting = book.greeting.format(name=call.name, caller=call.caller)
        return call, self._ask(call, greeting, *self._appointment(call), book.question, *self._hints(book))

    def _inbound(self, session_id: str, claim: LineClaim) -> tuple[CallState, SpeakAction]:
        """A caller whose number has a reminder: thanked, hung up on and, if it is open, called back.

        Caller ID can be forged: the caller hears none of the reminder's details and cannot decide it.
        The callback rings the number stored on the reminder, which reaches only its real owner.
        """
        reminder = claim.reminder
        caller = reminder.caller_name or self._caller_name
        record = self._repository.get(reminder.reminder_id)
        context = {"session_id": session_id, "reminder_id": reminder.reminder_id}
        # The mailbox message asked them to call back: a reminder it closed still gets the callback.
        reopenable = (
            record is not None
            and self._inbound_callbacks is InboundCallbacks.CALL_BACK
            and calls_back_after_voicemail(record, utc_now())
        )
        if record is None or (record.is_decided and not reopenable):
            logger.info("inbound call about a closed reminder", extra=context)
            return self._unknown_caller(session_id, reminder.language, caller)
        call = CallState(language=reminder.language, caller=caller)
        self._remember_language(session_id, call.language)
        book = phrasebook(call.language)
        if self._inbound_callbacks is InboundCallbacks.OFF or record.attempts >= MAX_ATTEMPTS:
            logger.info("inbound call about an open reminder; no callback", extra=context)
            return call, self._goodbye(call, book.no_callback.format(caller=caller))
        self._request_callback(record)
        logger.info("inbound call about an open reminder; callback requested", extra=context)
        return call, self._goodbye(call, book.calling_back.format(caller=caller))

    def _request_callback(self, record: ReminderRecord) -> None:
        """Put a dial of the reminder's next attempt on the call queue, now: the message carries no number.

        The attempt number keeps it idempotent: a caller who calls in twice gets one call back.
        """
        from reminders.messages.call_queue import DialMessage  # deferred: only a callback needs the queue's messages

        assert self._callback_delivery is not None, "checked in __init__"
        message = DialMessage(reminder_id=record.reminder_id, attempt=record.attempts + 1, callback=True)
        self._callback_delivery().send(message)

    def _unknown_caller(self, session_id: str, language: Language, caller: str) -> tuple[CallState, SpeakAction]:
        call = CallState(language=language, caller=caller)
        self._remember_language(session_id, language)
        return call, self._goodbye(call, phrasebook(language).unknown_caller.format(caller=caller))

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
            case Intent.RESCHEDULE:
                return self._reschedule(session_id, call, via)
            case Intent.OPT_OUT:
                return self._opt_out(session_id, call, via)
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

    def _reschedule(self, session_id: str, call: CallState, via: Via) -> SpeakAction:
        """Another time: the outcome is recorded, then a person takes the call if there is one."""
        book = phrasebook(call.language)
        goodbye = book.reschedule_goodbye.format(caller=call.caller)
        outcome, goodbye = self._decide(session_id, call, Outcome.RESCHEDULE_REQUESTED, goodbye, via=via)
        if outcome is Outcome.RESCHEDULE_REQUESTED and self._transfer_number and not call.transfer_failed:
            call.stage = Stage.TRANSFERRING  # the transfer goes out when the announcement ends
            return speak(book.reschedule_connecting, tts=book.voice, barge_in=_HEAR_IT_OUT)
        return self._goodbye(call, goodbye)

    def _opt_out(self, session_id: str, call: CallState, via: Via) -> SpeakAction:
        """No more calls: the number goes on the do-not-call list, whatever became of this reminder."""
        assert call.number is not None, "a call about a reminder knows the callee's number"
        self._do_not_call.add(call.number, source="call", reminder_id=call.reminder_id, session_id=session_id)
        logger.info("number put on the do-not-call list", extra={"session_id": session_id, "number": mask(call.number)})
        goodbye = phrasebook(call.language).opted_out.format(caller=call.caller)
        return self._close(session_id, call, Outcome.OPTED_OUT, goodbye, via=via)

    # Mailboxes.

    def _mailbox_answered(self, call: CallState, text: str) -> bool:
        """Whether the first pieces of an outbound call's speech, ``text`` the latest, are a mailbox's greeting."""
        if not call.listening_for_mailbox:
            return False
        call.heard = f"{call.heard} {text}".strip()[-_HEARD_CHARACTERS:]
        call.pieces += 1
        if is_mailbox_greeting(call.heard):
            _stop_listening_for_a_mailbox(call)
            return True
        if call.pieces >= GREETING_FRAGMENTS:
            _stop_listening_for_a_mailbox(call)
        return False

    @staticmethod
    def _wait_for_the_greeting(call: CallState) -> SpeakAction:
        """A moment of silence whose input timeout fires once the greeting has been quiet that long.

        sipgate reports silence only after our own speech, so the wait is a speech that says nothing.
        """
        book = phrasebook(call.language)
        return speak(
            ssml=f'<speak version="1.0" xml:lang="{book.voice.language}"><break time="300ms"/></speak>',
            tts=book.voice,
            barge_in=_HEAR_IT_OUT,
            user_input_timeout_seconds=MAILBOX_QUIET_SECONDS,
        )

    def _leave_voicemail(self, session_id: str, call: CallState) -> SpeakAction:
        """The greeting is over: the short message, then (on its end) the hangup."""
        self._record_voicemail(session_id, call, "message left")
        return self._goodbye(call, phrasebook(call.language).voicemail.format(caller=call.caller, when=call.when))

    def _record_voicemail(self, session_id: str, call: CallState, detail: str) -> None:
        """Record that the attempt reached a mailbox: the outcome ``voicemail`` on its last attempt, else a note."""
        assert call.reminder_id is not None, "only an outbound call about a reminder reaches a mailbox"
        if voicemail_is_final(call.attempt, call.max_attempts, retry_after_voicemail=self._retry_after_voicemail):
            # A mailbox hears the same message whatever was recorded meanwhile: the goodbye is not needed.
            detail = f"attempt {call.attempt}: mailbox, {detail}"
            self._decide(session_id, call, Outcome.VOICEMAIL, "", detail=detail, keep_line=True)
            return
        self._repository.record_voicemail(call.reminder_id, call.attempt, session_id)
        call.voicemail_left = True  # the line stays claimed: a callback still finds the reminder

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
        _, goodbye = self._decide(session_id, call, outcome, goodbye, via=via, detail=detail)
        return self._goodbye(call, goodbye)

    def _decide(
        self,
        session_id: str,
        call: CallState,
        outcome: Outcome,
        goodbye: str,
        *,
        via: Via | None = None,
        detail: str | None = None,
        keep_line: bool = False,
    ) -> tuple[Outcome, str]:
        """Write the outcome and free the callee's line; the outcome recorded and the goodbye that says it.

        ``keep_line``: the number is free, but its item stays, so that a call back still finds the reminder.
        """
        assert call.reminder_id is not None, "only a call about a reminder asks for a decision"
        assert call.number is not None, "a call about a reminder knows the callee's number"
        if not self._record(session_id, call, outcome, via=via, detail=detail, keep_line=keep_line):
            outcome, goodbye = self._already_recorded(call, outcome, goodbye)
            if keep_line:
                self._repository.end_line_claim(call.number, call.reminder_id, call.attempt)
            else:
                self._repository.release_line(call.number, call.reminder_id)
        call.outcome = outcome
        return outcome, goodbye

    def _record(
        self,
        session_id: str,
        call: CallState,
        outcome: Outcome,
        *,
        via: Via | None = None,
        detail: str | None = None,
        keep_line: bool = False,
    ) -> bool:
        """Write the outcome and, in the same request, free the callee's line; ``False`` if decided before.

        ``keep_line``: the number is free, but its item stays (a call back still finds the reminder).
        """
        assert call.reminder_id is not None, "only a call about a reminder records an outcome"
        reminder_id = call.reminder_id
        context = {"session_id": session_id, "reminder_id": reminder_id, "outcome": outcome.value}
        line = None
        if call.number is not None:
            line = LineRelease(call.number, keep_item_of_attempt=call.attempt if keep_line else None)
        # Written once: a repeated event, or a reminder closed meanwhile, keeps what is there.
        if self._repository.record_outcome(
            reminder_id, outcome, via=via, session_id=session_id, detail=detail, release_line=line
        ):
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


def _stop_listening_for_a_mailbox(call: CallState) -> None:
    """The call is known to be a person or a mailbox: what was heard is not kept longer than that."""
    call.listening_for_mailbox = False
    call.heard = ""


def _keep(state: dict[str, Any], call: CallState) -> None:
    """Write the call back into the assistant's state dict, which the assistant saves if it changed."""
    state.clear()
    state.update(call.model_dump(mode="json"))
