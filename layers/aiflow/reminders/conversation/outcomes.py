"""Recording the call's outcome on the reminder, once, with the release of the callee's line.

- The outcome is written on the reminder once (a conditional write), the line released in the same
  transaction. A repeated event, or a reminder closed meanwhile, keeps what is there, and the caller hears
  the goodbye of what is written, never the opposite: two answers can race (a key pressed while the answer
  is spoken).
- The outcome carries what the practice has to act on, never the callee's words: the time a rescheduling
  callee asked for (``preferred_time``, on ``reschedule_requested`` only) and that a question only the
  practice can answer is open (``question_open``, whatever the outcome).
- A wrong number ("Hier wohnt kein Herr Peters", "This isn't Peter's phone") closes the reminder
  ``wrong_number`` with a polite goodbye that repeats nothing of the reminder; the practice corrects the
  number, and the dialer never calls that reminder again.
- Someone else answering for the callee ("Mein Mann ist gerade nicht da", "try again tomorrow") decides
  nothing: the attempt is noted on the reminder (``third_party_attempt``, "answered by someone else" in its
  history), and the dialer's answer check takes it from there as after an unanswered call: the next attempt
  after the retry delay, or ``no_decision`` after the last, which the outcome event marks ``third_party``.
  They hear that we call again, or, on the last attempt, are asked to pass on who called; nothing more.
- Budget: a deciding turn reads the state, writes the outcome and the line's release in one transaction,
  and saves the state (1 read, 2 writes); a third party's note is one write besides the state. A
  transaction costs twice the write capacity of its items: on these small items that is 2 WCU more per
  call, against a request less on the caller's clock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from aiflow import SpeakAction
from reminders.conversation import replies
from reminders.conversation.speech import phrasebook
from reminders.conversation.state import CallState
from reminders.model.reminder import Outcome, ReminderStatus, Via
from reminders.store.repository import LineRelease, ReminderRepository

__all__ = ["Outcomes"]

logger = logging.getLogger(__name__)


class Outcomes:
    """Writes outcomes on ``repository``'s reminders; ``on_outcome`` hears each one written."""

    def __init__(self, repository: ReminderRepository, on_outcome: Callable[[Outcome], None] | None) -> None:
        self._repository = repository
        self._on_outcome = on_outcome

    def close(
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
        _, goodbye = self.decide(session_id, call, outcome, goodbye, via=via, detail=detail)
        return replies.goodbye(call, goodbye)

    def decide(
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
        if not self.record(session_id, call, outcome, via=via, detail=detail, keep_line=keep_line):
            outcome, goodbye = self._already_recorded(call, outcome, goodbye)
            if keep_line:
                self._repository.end_line_claim(call.number, call.reminder_id, call.attempt)
            else:
                self._repository.release_line(call.number, call.reminder_id)
        call.outcome = outcome
        return outcome, goodbye

    def record(
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
            reminder_id,
            outcome,
            via=via,
            session_id=session_id,
            detail=detail,
            release_line=line,
            question_open=call.question_open,
            preferred_time=call.preferred_time if outcome is Outcome.RESCHEDULE_REQUESTED else None,
        ):
            logger.info("outcome recorded", extra=context)
            if self._on_outcome is not None:
                self._on_outcome(outcome)
            return True
        logger.info("reminder already closed; outcome not recorded again", extra=context)
        return False

    def wrong_number(self, session_id: str, call: CallState, via: Via) -> SpeakAction:
        """The callee is not known at this number: ``wrong_number``, and a goodbye without the reminder's details."""
        return self.close(session_id, call, Outcome.WRONG_NUMBER, phrasebook(call.language).wrong_number, via=via)

    def third_party(self, session_id: str, call: CallState) -> SpeakAction:
        """Someone else answered for the callee: the attempt noted for the dialer, and a goodbye."""
        assert call.reminder_id is not None, "only a call about a reminder is answered for its callee"
        self._repository.record_third_party(call.reminder_id, call.attempt, session_id)
        logger.info("answered by someone else", extra={"session_id": session_id, "reminder_id": call.reminder_id})
        call.third_party_noted = True  # the reminder stays open: its call ending records nothing
        book = phrasebook(call.language)
        last = call.attempt >= call.max_attempts
        return replies.goodbye(
            call, book.third_party_last.format(caller=call.caller) if last else book.third_party_call_again
        )

    def hung_up_undecided(self, session_id: str, call: CallState, reason: str) -> None:
        """The call ended without a decision: ``no_decision``, or, if decided meanwhile, only the line freed."""
        assert call.reminder_id is not None, "only a call about a reminder records an outcome"
        assert call.number is not None, "a call about a reminder knows the callee's number"
        if not self.record(session_id, call, Outcome.NO_DECISION, detail=reason):
            self._repository.release_line(call.number, call.reminder_id)

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
