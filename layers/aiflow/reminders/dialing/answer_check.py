"""The answer check: what comes after attempt *n*, the answer timeout plus the dial budget after its claim.

It acts only while the reminder is ``calling`` with *n* claimed (any other check was given back,
superseded or checked already). Unanswered, it ends the line claim and schedules attempt *n + 1*
(``scheduled`` again, the retry delay later, within the calling window), closes the reminder as
``no_answer`` after the last attempt, or as ``expired`` when the retry would come too late. An answered
call closes its reminder itself; the check looks again once the call must be over, and keeps a call that
ended with no outcome with the next attempt (``no_decision`` after the last). A mailbox that got the
message (the webhook set ``voicemail_attempt``) is over: the same, at once, with ``voicemail`` instead of
``no_answer`` when :func:`reminders.model.after_voicemail.voicemail_is_final` says so. An attempt that
someone else answered for the callee (the webhook set ``third_party_attempt``) is over undecided: the next
attempt follows as after no answer, ``no_decision`` after the last. A reminder the check closed, or finds
closed by its attempt's call, as ``no_answer`` or ``voicemail`` gets its SMS after the last attempt, if
configured (:mod:`reminders.dialing.texts`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from reminders.aws.delivery import CallDelivery
from reminders.dialing.dispositions import Disposition
from reminders.dialing.moves import ReminderMoves
from reminders.dialing.texts import LastAttemptTexts
from reminders.dialing.timing import LINE_HOLD, CallTiming
from reminders.messages.call_queue import CheckAnswerMessage
from reminders.model.after_voicemail import voicemail_is_final
from reminders.model.calling_window import CallingWindow
from reminders.model.reminder import Outcome, ReminderRecord, ReminderStatus
from reminders.store.repository import ReminderRepository

__all__ = ["AnswerCheck"]

logger = logging.getLogger(__name__)


class AnswerCheck:
    """Handles ``check_answer`` messages for the dialer."""

    def __init__(
        self,
        *,
        timing: CallTiming,
        window: CallingWindow,
        retry_delay: timedelta,
        retry_after_voicemail: bool,
        repository: ReminderRepository,
        delivery: CallDelivery,
        moves: ReminderMoves,
        texts: LastAttemptTexts,
        clock: Callable[[], datetime],
    ) -> None:
        self._timing = timing
        self._window = window
        self._retry_delay = retry_delay
        self._retry_after_voicemail = retry_after_voicemail
        self._repository = repository
        self._delivery = delivery
        self._moves = moves
        self._texts = texts
        self._now = clock

    def check(self, message: CheckAnswerMessage) -> Disposition:
        reminder_id, attempt = message.reminder_id, message.attempt
        record = self._repository.get(reminder_id)
        if record is None:
            return self._moves.reject(reminder_id, "unknown reminder")
        if record.is_decided:
            if record.attempts == attempt:  # closed by this attempt's call (a mailbox), or by this check before
                self._texts.follow(record, record.outcome)
            return Disposition.CLOSED
        # A check for an attempt that is not the live one was given back, superseded or checked already.
        if record.status is not ReminderStatus.CALLING or record.attempts != attempt:
            return Disposition.STALE_CHECK
        if record.answered_attempt >= attempt:
            return self._follow_up_answered(record, attempt)
        now = self._now()
        claimed_at = record.attempt_started_at
        # Every claim enqueues its own check before it is made; a check that comes before its claim's answer
        # timeout is over belongs to an earlier claim of the attempt that was given back.
        if claimed_at is None or now < claimed_at + self._timing.answer_timeout:
            return Disposition.STALE_CHECK
        self._repository.end_line_claim(record.to_phone_number, reminder_id, attempt)
        if attempt >= record.max_attempts:
            detail = f"none of {attempt} attempts was answered"
            if self._repository.record_outcome(reminder_id, Outcome.NO_ANSWER, detail=detail):
                self._texts.follow(record, Outcome.NO_ANSWER)
            logger.info("reminder %s: %s", reminder_id, detail)
            return Disposition.NO_ANSWER
        return self._retry(record, attempt, now, f"attempt {attempt} was not answered")

    def _retry(self, record: ReminderRecord, attempt: int, now: datetime, reason: str) -> Disposition:
        """Schedule the attempt after ``attempt`` after the retry delay, within the window; or expire."""
        retry_at = self._window.earliest_from(now + self._retry_delay, record.zone)
        deferred = self._moves.defer(record, attempt + 1, retry_at, reason)
        return Disposition.RETRY_SCHEDULED if deferred is Disposition.DEFERRED else deferred

    def _follow_up_answered(self, record: ReminderRecord, attempt: int) -> Disposition:
        """An answered call closes its reminder itself, even when the callee just hangs up (``no_decision``).

        A mailbox that got the message is over (the webhook noted ``voicemail_attempt``): the next attempt is
        scheduled at once, or the reminder closed as ``voicemail`` if the webhook could not write that.
        Any other call that is over with no outcome was cut short by a failure of ours (DynamoDB unreachable
        mid-call), and its caller heard the promise to be called back: keep it with the next attempt, or close
        the reminder as ``no_decision`` after the last. A call is over at the latest when its line claim ends.
        """
        now = self._now()
        if record.voicemail_attempt >= attempt:
            return self._follow_up_voicemail(record, attempt, now)
        if record.third_party_attempt >= attempt:
            return self._follow_up_third_party(record, attempt, now)
        call_over_at = (record.attempt_started_at or now) + LINE_HOLD
        if now < call_over_at:
            check = CheckAnswerMessage(reminder_id=record.reminder_id, attempt=attempt)
            self._delivery.deliver_at(check, call_over_at, time_zone=record.time_zone)
            return Disposition.ANSWERED
        reason = f"answered attempt {attempt} ended before its outcome was recorded"
        if attempt >= record.max_attempts:
            self._repository.record_outcome(record.reminder_id, Outcome.NO_DECISION, detail=reason)
            logger.info("reminder %s: %s", record.reminder_id, reason)
            return Disposition.UNDECIDED
        return self._retry(record, attempt, now, reason)

    def _follow_up_voicemail(self, record: ReminderRecord, attempt: int, now: datetime) -> Disposition:
        self._repository.end_line_claim(record.to_phone_number, record.reminder_id, attempt)
        if voicemail_is_final(attempt, record.max_attempts, retry_after_voicemail=self._retry_after_voicemail):
            detail = f"attempt {attempt} reached a mailbox, which got the message"
            if self._repository.record_outcome(record.reminder_id, Outcome.VOICEMAIL, detail=detail):
                self._texts.follow(record, Outcome.VOICEMAIL)
            logger.info("reminder %s: %s", record.reminder_id, detail)
            return Disposition.VOICEMAIL
        return self._retry(record, attempt, now, f"attempt {attempt} reached a mailbox")

    def _follow_up_third_party(self, record: ReminderRecord, attempt: int, now: datetime) -> Disposition:
        """Someone else answered for the callee: called again like after no answer, ``no_decision`` after the last."""
        self._repository.end_line_claim(record.to_phone_number, record.reminder_id, attempt)
        reason = f"attempt {attempt} was answered by someone else for the callee"
        if attempt >= record.max_attempts:
            self._repository.record_outcome(record.reminder_id, Outcome.NO_DECISION, detail=reason)
            logger.info("reminder %s: %s", record.reminder_id, reason)
            return Disposition.UNDECIDED
        return self._retry(record, attempt, now, reason)
