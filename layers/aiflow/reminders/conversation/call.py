"""The reminder call: greet, state the appointment, take the callee's decision, say goodbye, hang up.

:class:`ReminderConversation` holds the handlers of an :class:`aiflow.AiFlowAssistant`. It knows nothing of
Lambda: the webhook function wires it to API Gateway, Powertools and SSM. Each handler reads the call's
state (``state``), hands the turn to the part for the call's stage and writes the state back:

=================  ===================================================================================
``opening``        the first turn: the reminder found by the other party's number, the greeting
``inbound``        inbound callers (never trusted by caller ID) and their private callbacks
``mailbox``        telling a mailbox from a person, its greeting waited out, the short message
``decisions``      the answers read (``intents``) and recorded, repeats, silences, the transfer
``outcomes``       the outcome written once on the reminder, with the line's release
``in_writing``     the appointment in writing after a decision (``ConfirmationSms``), and ``sms_failed``
``replies``        how a question, an announcement, a goodbye and the apology are played (``speech``
                   says what is said)
=================  ===================================================================================

A goodbye is always followed by ``hangup`` on ``assistant_speech_ended``, never in the same answer, so it
is heard to its end. A call that ends undecided is recorded ``no_decision`` (a mailbox's, ``voicemail``).
A question's ``assistant_speak`` is noted (when it began, how long it plays), and so is its end: speech said
into it is read by how much of it was heard. A speech event carries no time of its own: its arrival is when
it was said.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiflow import (
    AiFlowAssistant,
    AssistantSpeak,
    AssistantSpeechEnded,
    DtmfReceived,
    Event,
    HandlerResult,
    SessionEnd,
    SessionStart,
    SessionStore,
    SmsFailed,
    SpeakAction,
    UserInputTimeout,
    UserSpeak,
    hangup,
)
from reminders.conversation import replies
from reminders.conversation.decisions import Decisions
from reminders.conversation.in_writing import ConfirmationSms
from reminders.conversation.inbound import Inbound
from reminders.conversation.mailbox import Mailbox
from reminders.conversation.opening import Opening
from reminders.conversation.outcomes import Outcomes
from reminders.conversation.speech import phrasebook
from reminders.conversation.state import CallLanguages, CallState, Stage, keep
from reminders.model.reminder import InboundCallbacks, Language, Outcome
from reminders.store.do_not_call import DoNotCallList
from reminders.store.repository import ReminderRepository

if TYPE_CHECKING:
    from reminders.aws.delivery import CallDelivery
    from reminders.conversation.second_reader import SecondReader

__all__ = ["ReminderConversation"]

logger = logging.getLogger(__name__)


class ReminderConversation:
    """The reminder call's handlers, on ``repository``'s table.

    ``default_language`` is for callers we know nothing about. ``caller_name`` is who calls (the practice),
    unless a reminder names its own. ``transfer_number``, when set, is the person a caller is put through
    to on request. ``retry_after_voicemail``: an attempt that reached a mailbox is not the last while
    attempts remain. ``inbound_callbacks`` with ``callback_delivery`` (made on first use: most calls never
    need the queue) requests the private callback. ``on_outcome`` hears every outcome this conversation wrote,
    ``on_answered`` every outbound call picked up (by a person or a mailbox). ``second_reader``, when set,
    reads with a language model what the rules leave unclear. ``confirmation_sms``: a decision's goodbye
    comes with the appointment in writing (``in_writing``), ``on_sms`` hears each SMS sent and failed.
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
        second_reader: SecondReader | None = None,
        confirmation_sms: bool = False,
        on_sms: Callable[[str], None] | None = None,
    ) -> None:
        self._languages = CallLanguages(default_language)
        self._in_writing = ConfirmationSms(on_sms) if confirmation_sms else None
        inbound = Inbound(
            repository,
            self._languages,
            caller_name=caller_name,
            inbound_callbacks=inbound_callbacks,
            callback_delivery=callback_delivery,
        )
        self._outcomes = Outcomes(repository, on_outcome)
        do_not_call = do_not_call or DoNotCallList(
            repository.table_name, client=repository.client, number_keys=repository.number_keys
        )
        self._decisions = Decisions(
            self._outcomes, do_not_call, transfer_number=transfer_number, second_reader=second_reader
        )
        self._mailbox = Mailbox(repository, self._outcomes, retry_after_voicemail=retry_after_voicemail)
        self._opening = Opening(
            repository, self._languages, inbound, self._decisions, caller_name=caller_name, on_answered=on_answered
        )

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
            on_assistant_speak=self.on_assistant_speak,
            on_assistant_speech_ended=self.on_assistant_speech_ended,
            on_session_end=self.on_session_end,
            on_sms_failed=self.on_sms_failed,
            session_store=session_store,
            fallback=self.fallback,
            deadline_seconds=deadline_seconds,
        )

    # Handlers: each reads the call's state, takes one step and writes the state back.

    def on_session_start(self, event: SessionStart, state: dict[str, Any]) -> HandlerResult:
        call = self._languages.resume(event.session_id, state)
        reply: HandlerResult
        if call is None:
            call, reply = self._opening.start(event)
        elif call.stage is Stage.TRANSFERRING:
            # sipgate brings the caller back with the same session when nobody took the transfer: after
            # "another time" that is the goodbye, with the text that the practice will call.
            reply = self._decided(call, self._decisions.transfer_came_back(call))
        elif call.stage is Stage.ASKING:
            # The same session_start again: say it again rather than leave the caller in silence.
            reply = replies.ask_the_question(call)
        else:
            reply = None  # the goodbye is playing, or a mailbox's greeting
        keep(state, call)
        return reply

    def on_user_speak(self, event: UserSpeak, state: dict[str, Any]) -> HandlerResult:
        arrived_at_ms = time.time_ns() // 1_000_000
        call = self._languages.resume(event.session_id, state)
        if call is None:
            return self._no_conversation(event, state)
        text = event.text.strip()
        reply: HandlerResult
        if call.stage is Stage.MAILBOX:
            reply = self._mailbox.wait_for_the_greeting(call) if text else None  # more of the greeting: wait longer
        elif call.stage is not Stage.ASKING or (not text and event.barged_in):
            # After the decision or during an announcement; an interruption without words is followed by
            # its words in a user_speak of their own.
            return None
        elif text and self._mailbox.answered(call, text):
            reply = self._mailbox.greeting_began(event.session_id, call)
        else:
            reply = self._decided(
                call, self._decisions.said(event.session_id, call, text, barged_in=event.barged_in, at_ms=arrived_at_ms)
            )
        keep(state, call)
        return reply

    def on_dtmf_received(self, event: DtmfReceived, state: dict[str, Any]) -> HandlerResult:
        call = self._languages.resume(event.session_id, state)
        if call is None:
            return self._no_conversation(event, state)
        if call.stage is Stage.MAILBOX:
            call.stage = Stage.ASKING  # a mailbox presses no keys: a person after all
        if call.stage is not Stage.ASKING:
            return None
        reply = self._decided(call, self._decisions.pressed(event.session_id, call, event.digit))
        keep(state, call)
        return reply

    def on_user_input_timeout(self, event: UserInputTimeout, state: dict[str, Any]) -> HandlerResult:
        call = self._languages.resume(event.session_id, state)
        if call is None:
            return self._no_conversation(event, state)
        if call.stage is Stage.MAILBOX:
            reply = self._mailbox.leave_voicemail(event.session_id, call)
        elif call.stage is Stage.ASKING:
            reply = self._decisions.silence(event.session_id, call)
        else:
            return None
        keep(state, call)
        return reply

    def on_assistant_speak(self, event: AssistantSpeak, state: dict[str, Any]) -> None:
        call = self._languages.resume(event.session_id, state)
        if call is None or call.stage is not Stage.ASKING:
            return  # only a question can be answered while it plays
        replies.started(call, started_at_ms=event.speech_started_at, duration_ms=event.duration_ms)
        keep(state, call)

    def on_assistant_speech_ended(self, event: AssistantSpeechEnded, state: dict[str, Any]) -> HandlerResult:
        call = self._languages.resume(event.session_id, state)
        if call is None or call.stage is Stage.GOODBYE:
            # Without a conversation the call began with our apology (session_start failed): end it too.
            return hangup()
        if call.stage is Stage.TRANSFERRING:
            return self._decisions.transfer(call)
        if call.stage is Stage.ASKING:
            replies.played_to_the_end(call)
            keep(state, call)
        return None  # a question ended: the caller's turn

    def on_session_end(self, event: SessionEnd, state: dict[str, Any]) -> None:
        call = self._languages.resume(event.session_id, state)
        self._languages.forget(event.session_id)
        if call is None or call.reminder_id is None or call.number is None or call.outcome is not None:
            return
        if call.voicemail_left or call.third_party_noted:
            return  # the reminder stays open for its next attempt
        if call.stage is Stage.MAILBOX:
            self._mailbox.record_voicemail(event.session_id, call, "the mailbox hung up before the message")
            return
        reason = "transferred to a person" if call.stage is Stage.TRANSFERRING else "callee hung up before deciding"
        self._outcomes.hung_up_undecided(event.session_id, call, reason)

    def on_sms_failed(self, event: SmsFailed) -> None:
        if self._in_writing is not None:
            self._in_writing.failed(event)

    def fallback(self, event: Event) -> HandlerResult:
        """What the caller hears when a turn failed (the table unreachable, say): never silence, never a loop.

        The apology asks for input again, so a call whose store recovers goes on with "are you still
        there?"; while the store stays down, the end of the apology hangs up.
        """
        if isinstance(event, AssistantSpeechEnded):
            return hangup()  # the apology has played
        if isinstance(event, AssistantSpeak):
            return None  # playback just started: speaking now would talk over it
        return replies.apology(self._languages.of(event.session_id))

    def _decided(self, call: CallState, reply: HandlerResult) -> HandlerResult:
        """The answer to a turn that may have decided the call: with the appointment in writing, if that is on."""
        if self._in_writing is None:
            return reply
        return self._in_writing.after_decision(call, reply)

    def _no_conversation(self, event: Event, state: dict[str, Any]) -> SpeakAction:
        """An event for a call without state: its session_start failed, or the state expired. End it politely."""
        logger.warning("event for a call without a conversation", extra={"session_id": event.session_id})
        call = CallState(language=self._languages.of(event.session_id))
        reply = replies.goodbye(call, phrasebook(call.language).technical_problem)
        keep(state, call)
        return reply
