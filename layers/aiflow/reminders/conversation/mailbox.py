"""Mailboxes: telling one from a person, waiting for its greeting to end, leaving the short message.

A mailbox answers like a person: the first few ``user_speak`` pieces of an outbound call
(``GREETING_FRAGMENTS``) are read by :func:`reminders.conversation.voicemail.is_mailbox_greeting` before
anything else. A mailbox's greeting stops our question (``barge_in``); a short silence with an input timeout
then waits for the greeting to end (every further piece re-arms it), and the timeout leaves the short
message: who calls, date and time, "call us back", nothing more (a mailbox may be shared). ``hangup``
follows when it has played. The attempt is recorded ``voicemail`` when it is the last
(:func:`reminders.model.after_voicemail.voicemail_is_final`), else noted on the reminder, which stays open
for its next attempt.

The reader misses a greeting now and then, so the call listens for a mailbox until it knows a person
answered: a worded answer or a key. Until then

- an answer among the first pieces that may be a recording
  (:func:`reminders.conversation.voicemail.may_be_a_recording`) is asked again, never decided
  (:meth:`Mailbox.screened`);
- a call that heard speech but nothing a person says and then falls silent to the last silence it allows
  was a mailbox (:meth:`Mailbox.missed_greeting`): after a moment of quiet it gets the short message and
  closes as after a mailbox, with another attempt if one remains, not as a final ``no_decision``. A call
  that heard nothing at all still ends ``no_decision``.
"""

from __future__ import annotations

import logging

from aiflow import HandlerResult, SpeakAction, barge_in
from reminders.conversation import replies
from reminders.conversation.intents import Understood
from reminders.conversation.outcomes import Outcomes
from reminders.conversation.speech import phrasebook
from reminders.conversation.state import CallState, Stage, stop_listening_for_a_mailbox
from reminders.conversation.voicemail import GREETING_FRAGMENTS, is_mailbox_greeting, unless_a_recording
from reminders.model.after_voicemail import voicemail_is_final
from reminders.model.reminder import Outcome
from reminders.store.repository import ReminderRepository

__all__ = ["MAILBOX_QUIET_SECONDS", "Mailbox"]

logger = logging.getLogger(__name__)

# After a mailbox's last words, this much silence means its greeting (and the beep) is over.
MAILBOX_QUIET_SECONDS = 2
_HEARD_CHARACTERS = 600  # of a greeting in several pieces, what is kept to read it as a whole


class Mailbox:
    """The mailbox part of an outbound call. ``retry_after_voicemail``: a mailbox's attempt is not the last
    while attempts remain."""

    def __init__(self, repository: ReminderRepository, outcomes: Outcomes, *, retry_after_voicemail: bool) -> None:
        self._repository = repository
        self._outcomes = outcomes
        self._retry_after_voicemail = retry_after_voicemail

    @staticmethod
    def answered(call: CallState, text: str) -> bool:
        """Whether the first pieces of an outbound call's speech, ``text`` the latest, are a mailbox's greeting."""
        if not call.listening_for_mailbox:
            return False
        call.pieces += 1
        if call.pieces > GREETING_FRAGMENTS:
            return False  # a conversation by now: never re-read as a greeting
        call.heard = f"{call.heard} {text}".strip()[-_HEARD_CHARACTERS:]
        if is_mailbox_greeting(call.heard):
            stop_listening_for_a_mailbox(call)
            return True
        if call.pieces == GREETING_FRAGMENTS:
            call.heard = ""  # all a greeting can be was read: not kept longer
        return False

    @staticmethod
    def screened(call: CallState, text: str, understood: Understood) -> Understood:
        """``understood``, the reading of ``text``, as far as the call may act on it while a mailbox may be
        speaking: among the first pieces, what may be a recording is asked again; a worded answer is a person's.
        """
        if not call.listening_for_mailbox:
            return understood
        if call.pieces <= GREETING_FRAGMENTS:
            understood = unless_a_recording(text, understood)
        if understood.worded:
            stop_listening_for_a_mailbox(call)
        return understood

    @staticmethod
    def missed_greeting(call: CallState) -> bool:
        """Whether a call that falls silent heard speech but nothing a person says (no worded answer, no key):
        a mailbox's greeting the reader missed."""
        return call.listening_for_mailbox and call.pieces > 0

    @staticmethod
    def after_the_missed_greeting(call: CallState) -> SpeakAction:
        """Taken for a mailbox after all: a moment of quiet, then (on its timeout) the short message."""
        stop_listening_for_a_mailbox(call)
        call.stage = Stage.MAILBOX
        return Mailbox.wait_for_the_greeting(call)

    @staticmethod
    def greeting_began(session_id: str, call: CallState) -> HandlerResult:
        """A mailbox answered: our question stops, and the greeting goes on."""
        logger.info("a mailbox answered", extra={"session_id": session_id, "reminder_id": call.reminder_id})
        call.stage = Stage.MAILBOX
        return [barge_in(), Mailbox.wait_for_the_greeting(call)]

    @staticmethod
    def wait_for_the_greeting(call: CallState) -> SpeakAction:
        """Silence until the greeting has been quiet for ``MAILBOX_QUIET_SECONDS``."""
        return replies.quiet_wait(call, MAILBOX_QUIET_SECONDS)

    def leave_voicemail(self, session_id: str, call: CallState) -> SpeakAction:
        """The greeting is over: the short message, then (on its end) the hangup."""
        self.record_voicemail(session_id, call, "message left")
        return replies.goodbye(call, phrasebook(call.language).voicemail.format(caller=call.caller, when=call.when))

    def record_voicemail(self, session_id: str, call: CallState, detail: str) -> None:
        """Record that the attempt reached a mailbox: the outcome ``voicemail`` on its last attempt, else a note."""
        assert call.reminder_id is not None, "only an outbound call about a reminder reaches a mailbox"
        if voicemail_is_final(call.attempt, call.max_attempts, retry_after_voicemail=self._retry_after_voicemail):
            # A mailbox hears the same message whatever was recorded meanwhile: the goodbye is not needed.
            detail = f"attempt {call.attempt}: mailbox, {detail}"
            self._outcomes.decide(session_id, call, Outcome.VOICEMAIL, "", detail=detail, keep_line=True)
            return
        self._repository.record_voicemail(call.reminder_id, call.attempt, session_id)
        call.voicemail_left = True  # the line stays claimed: a callback still finds the reminder
