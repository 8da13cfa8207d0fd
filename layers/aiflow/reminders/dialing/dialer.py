"""Placing reminder calls: what the dialer does with one call-queue message.

:meth:`Dialer.handle` takes one message (the format is documented in :mod:`reminders.messages.call_queue`) and
returns a :class:`Disposition`, or raises :class:`RetryLater` when the message must come again (the SQS
record fails, SQS redelivers it after the visibility timeout and after the redrive limit it lands in the
dead-letter queue, where the reconciler, :mod:`reminders.dialing.reconciler`, no longer lets it strand the
reminder). Nothing here knows of Lambda: the repository, the outbound client (one per dialling thread:
requests' sessions are not thread-safe), the delivery of follow-up messages, the clock and the sleep are
given.

A reminder's states (the webhook decides an answered call; the dialer and the reconciler do the rest)::

                 +-- answer check: unanswered or a mailbox, attempts left (RETRY_DELAY later) +
                 |   or the attempt given back (certainly not placed, to come again)          |
                 v                                                                            |
    (new) --> scheduled --dial: attempt claimed, POST--> calling ------------------------------+
                 |                                         |--answered: outcome recorded--> decided
                 |                                         |  (confirmed, cancelled, no_decision, ...)
                 |                                         |--check after the last attempt--> no_answer
                 |                                         |  (voicemail if a mailbox took it; the callee's
                 |                                         |  callback reopens it for one more call)
                 |                                         |--number on the do-not-call list--> opted_out
                 |                                         |--sipgate refuses (4xx)--> failed
                 |                                         +--the retry would come too late--> expired
                 |--no call MIN_NOTICE_MINUTES before the appointment (now, or deferred)--> expired
                 +--an operator cancels--> cancelled
    reconciler: a step overdue by the grace is sent again; once its steps went astray max_attempts
    times --> failed (scheduled and overdue past the minimum notice --> expired)

``scheduled`` means attempt ``attempts + 1`` waits for ``call_at``; ``calling`` means attempt ``attempts``
is live and its answer check is due ``answer timeout + dial budget`` after ``attempt_started_at``.

A dial message, step by step:

1. Read the reminder, or store it if the message carries one the table does not know (one request: a
   refused store returns the stored reminder). Closed (decided, cancelled, expired) or the attempt already
   claimed: skip. The previous attempt still live (``calling``): refuse, never a second ring while a call
   may be ringing. Too late (the dial would start less than ``MIN_NOTICE_MINUTES`` before the
   appointment): close as ``expired``. Before ``call_at`` or outside the calling window (in the callee's
   time zone): deliver the message again when calling is allowed, or close as ``expired`` at once if that
   is too late. A callback (the callee called in; ``callback`` in the message) skips ``call_at``, not the
   window or the notice, and may be attempt ``max_attempts + 1``.
2. Enqueue the answer check (delayed by the answer timeout plus the dial budget) **before** claiming the
   attempt, so that it fires whatever happens to this invocation afterwards.
3. Claim the attempt and the callee's line, and check that the number is not on the do-not-call list, in
   one transaction (:meth:`reminders.store.repository.ReminderRepository.claim_attempt`, the exactly-once guard).
   Nothing is claimed when any part is refused: a reminder that changed since it was read (claimed by
   another message, moved by a schedule message) is decided again from step 1 as it is now (the refused
   claim returns it, no read); a listed number closes the reminder ``opted_out`` and rings nothing; a line
   that another reminder's call, or another attempt of this one, holds: :class:`RetryLater`.
4. Take a slot of the calls-per-second cap (shared by every dialer through a DynamoDB counter per second)
   and ``POST`` the call. Only what certainly placed no call (429, 503, a failed connect) is tried again
   within the dial budget, each try with its own slot.

That is four AWS requests for a call placed at the first try (the read or store, the check's delivery,
the claim, the slot); the history's "dialling" entry stands for the placed call, and only a call not
placed, or maybe placed, adds an entry of its own.

How each ending leaves the reminder:

- **Placed**: the attempt stays claimed; the answer check decides whether it is retried.
- **Line busy**, or an AWS error up to the claim: nothing was claimed; the message comes again.
- **Certainly not placed** (429, 503 or no connection after the tries, no slot, an AWS error after the
  claim): the attempt is released and :class:`RetryLater` raised, so the redelivered message can claim the
  same attempt again. The answer check of the released claim finds the attempt unclaimed (or
  claimed later, by the retry that enqueued its own check) and does nothing.
- **Rejected** by sipgate (400/401/403/404): the reminder ends ``failed`` with the reason; not retried.
- **Maybe placed** (anything after the request left: 500/502/504, read timeout, dropped connection, a 201
  whose body cannot be read, any other answer, an error nobody foresaw): the callee's phone may ring, so
  the message is not retried; the attempt stays claimed and the answer check retries it if unanswered.
- **The invocation dies** anywhere after step 2: the redelivered message finds the attempt claimed and
  skips it; the answer check then treats the attempt as unanswered. No reminder stays ``calling`` for ever
  and none is dialled twice.

The answer check of attempt *n* (:mod:`reminders.dialing.answer_check`) acts only while the reminder is
``calling`` with *n* claimed: it retries an unanswered attempt or closes the reminder. An ``sms`` message,
the SMS after the last attempt, is :mod:`reminders.dialing.texts`'. The POST under the
cap is :mod:`reminders.dialing.placing`'s; deferring, expiring and rejecting, which the dial and the check
share, :mod:`reminders.dialing.moves`'.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from aiflow.outbound import CallRejected, OutboundClient
from aiflow.phone import mask
from aiflow.sms import SmsClient
from reminders.aws.delivery import CallDelivery
from reminders.aws.erasure import Eraser
from reminders.dialing.answer_check import AnswerCheck
from reminders.dialing.dispositions import Disposition, RetryLater
from reminders.dialing.moves import ReminderMoves
from reminders.dialing.placing import CallPlacer, MaybePlaced
from reminders.dialing.texts import LastAttemptTexts, SmsSender
from reminders.dialing.timing import LINE_HOLD, CallTiming
from reminders.messages.call_queue import (
    CancelMessage,
    CheckAnswerMessage,
    DialMessage,
    ForgetMessage,
    InvalidCallMessage,
    InvalidReminder,
    ScheduleMessage,
    SchedulingError,
    SmsMessage,
    parse_call_message,
)
from reminders.model.after_voicemail import calls_back_after_voicemail
from reminders.model.calling_window import CallingWindow
from reminders.model.history import Canceller, HistoryEvent
from reminders.model.reminder import Outcome, ReminderRecord, ReminderStatus, utc_now
from reminders.scheduling.scheduler import Received, ReminderScheduler
from reminders.settings import DialerConfig
from reminders.store.repository import LineBusy, NumberOptedOut, ReminderMovedOn, ReminderRepository

# CallTiming, Disposition and RetryLater live with the parts that share them; callers import them from here.
__all__ = ["CallTiming", "Dialer", "Disposition", "RetryLater"]

logger = logging.getLogger(__name__)

# A dial message may come a little before call_at (a schedule rounds to the second, SQS delays to the
# second): that is on time.
EARLY_TOLERANCE = timedelta(seconds=60)
# How long after the appointment a callback from the callee still finds the reminder.
KEEP_LINE_AFTER_APPOINTMENT = timedelta(days=1)
# How many times a dial follows a reminder that changed between its read and its claim before it gives up
# for now (the message comes again); each time, the refused claim returned the reminder as it is now.
MOVES_FOLLOWED = 3

_RECEIVED = {
    Received.CREATED: Disposition.CREATED,
    Received.UPDATED: Disposition.UPDATED,
    Received.UNCHANGED: Disposition.UNCHANGED,
    Received.KEPT: Disposition.KEPT,
}


class Dialer:
    """Handles call-queue messages; thread-safe, so that one batch can dial concurrently."""

    def __init__(
        self,
        config: DialerConfig,
        *,
        repository: ReminderRepository,
        outbound: Callable[[], OutboundClient],
        delivery: CallDelivery,
        clock: Callable[[], datetime] = utc_now,
        sleep: Callable[[float], None] = time.sleep,
        dial_budget: timedelta = timedelta(seconds=40),
        request_timeout: timedelta = timedelta(seconds=14),
        sms: Callable[[], SmsClient] | None = None,
    ) -> None:
        """``outbound`` makes the sipgate client of one dialling thread (called once per thread), ``sms`` its
        SMS client (needed while ``SMS_AFTER_LAST_ATTEMPT`` is not off).

        ``dial_budget`` bounds the time from claiming an attempt to the answer of its last POST.

        ``request_timeout`` is the longest one POST can take (the outbound client's connect plus read
        timeout): no try starts later than that before the budget ends. The answer check comes the answer
        timeout plus the budget after the claim, so the callee always has the whole answer timeout.
        """
        self._window = CallingWindow.parse(config.call_window)
        self._timing = CallTiming(
            answer_timeout=timedelta(seconds=config.answer_timeout_seconds),
            dial_budget=dial_budget,
            min_notice=timedelta(minutes=config.min_notice_minutes),
        )
        self._repository = repository
        self._delivery = delivery
        self._now = clock
        self._request_timeout = request_timeout
        self._placer = CallPlacer(config, repository=repository, outbound=outbound, clock=clock, sleep=sleep)
        self._moves = ReminderMoves(
            timing=self._timing,
            min_notice_minutes=config.min_notice_minutes,
            repository=repository,
            delivery=delivery,
        )
        self._texts = LastAttemptTexts(
            _sms_sender(config, sms),
            window=self._window,
            repository=repository,
            delivery=delivery,
            clock=clock,
        )
        self._answer_check = AnswerCheck(
            timing=self._timing,
            window=self._window,
            retry_delay=timedelta(minutes=config.retry_delay_minutes),
            retry_after_voicemail=config.retry_after_voicemail,
            repository=repository,
            delivery=delivery,
            moves=self._moves,
            texts=self._texts,
            clock=clock,
        )
        self._scheduler = ReminderScheduler.from_settings(config, repository, delivery, clock=clock)
        self._eraser = Eraser(repository, delivery)

    def handle(self, body: str | bytes | Mapping[str, Any]) -> Disposition:
        """Handle one message; raises :class:`RetryLater` (or an AWS error) when it must be delivered again."""
        try:
            message = parse_call_message(body)
        except InvalidCallMessage as error:
            return self._moves.reject(error.reminder_id, error.reason)
        if isinstance(message, DialMessage):
            return self._dial(message)
        if isinstance(message, CheckAnswerMessage):
            return self._answer_check.check(message)
        if isinstance(message, SmsMessage):
            return self._texts.handle(message)
        if isinstance(message, ForgetMessage):
            return self._forget(message)
        return self._apply_request(message)

    # Dialling.

    def _dial(self, message: DialMessage) -> Disposition:
        if message.reminder is None:
            record = self._repository.get(message.reminder_id)
            if record is None:
                return self._moves.reject(message.reminder_id, "unknown reminder: the message carries only its id")
        else:
            record, stored = self._repository.create_or_read(message.reminder)
            if stored:
                logger.info("reminder %s stored from its dial message", message.reminder_id)
        return self._consider(message, record)

    def _consider(self, message: DialMessage, record: ReminderRecord, *, moves_seen: int = 0) -> Disposition:
        """Step 1 on the reminder as read: skip, refuse, reject, expire, defer, or place the call."""
        if message.callback and record.status is ReminderStatus.VOICEMAIL:
            record = self._reopen_for_callback(record)
        out_of_turn = self._not_this_attempt(message, record)
        if out_of_turn is not None:
            return out_of_turn
        now = self._now()
        not_now = self._not_now(message, record, now)
        if not_now is not None:
            return not_now
        try:
            return self._place(record, message.attempt, now)
        except ReminderMovedOn as moved:
            # Changed between the read and the claim (another message claimed it, a schedule message moved it):
            # decide again on the reminder as it is now, which the refused claim returned.
            if moved.current is None or moves_seen >= MOVES_FOLLOWED:
                raise RetryLater(f"reminder {record.reminder_id} kept changing while it was dialled") from None
            return self._consider(message, moved.current, moves_seen=moves_seen + 1)

    def _not_this_attempt(self, message: DialMessage, record: ReminderRecord) -> Disposition | None:
        """Why the message's attempt is not the reminder's next one (closed, claimed, live, out of turn), if so."""
        reminder_id, attempt = message.reminder_id, message.attempt
        if record.is_decided:
            logger.info("reminder %s is %s: not dialling", reminder_id, record.status.value)
            return Disposition.CLOSED
        if attempt <= record.attempts:
            logger.info("reminder %s attempt %d was claimed before: duplicate message", reminder_id, attempt)
            return Disposition.DUPLICATE
        if record.status is ReminderStatus.CALLING:
            return self._refuse_live(record, attempt)
        # A callback is one call more than the reminder's attempts: the callee asked for it.
        last_attempt = record.max_attempts + 1 if message.callback else record.max_attempts
        if attempt != record.attempts + 1 or attempt > last_attempt:
            reason = f"attempt {attempt} cannot follow attempt {record.attempts} of {record.max_attempts}"
            return self._moves.reject(reminder_id, reason)
        return None

    def _not_now(self, message: DialMessage, record: ReminderRecord, now: datetime) -> Disposition | None:
        """Why the call may not start now (too late: expired; too early or outside the window: deferred), if so."""
        if self._timing.too_late(record, now):
            return self._moves.expire(record, now)
        # A callback is due now, not at the next retry's time; the window and the minimum notice still hold.
        if not message.callback and record.call_at is not None and record.call_at > now + EARLY_TOLERANCE:
            return self._moves.defer(record, message.attempt, record.call_at, "the message came before the call time")
        if not self._window.contains(now, record.zone):
            opening = self._window.earliest_from(now, record.zone)
            reason = f"outside the calling window {self._window}"
            return self._moves.defer(record, message.attempt, opening, reason, callback=message.callback)
        return None

    def _place(self, record: ReminderRecord, attempt: int, now: datetime) -> Disposition:
        """Steps 2 and 3: the answer check, then the claim; the call (:meth:`_call`) once claimed.

        :class:`ReminderMovedOn` if the reminder changed since ``record`` was read (nothing claimed).
        """
        reminder_id = record.reminder_id
        # The check first: if this invocation dies after the claim, the check still closes the attempt.
        self._delivery.deliver_at(
            CheckAnswerMessage(reminder_id=reminder_id, attempt=attempt),
            now + self._timing.answer_timeout + self._timing.dial_budget,
            time_zone=record.time_zone,
        )
        try:
            claimed = self._repository.claim_attempt(
                record, attempt, claim_line_for=LINE_HOLD, keep_line_for=KEEP_LINE_AFTER_APPOINTMENT
            )
        except NumberOptedOut:
            detail = "number on the do-not-call list"
            self._repository.record_outcome(reminder_id, Outcome.OPTED_OUT, detail=detail)
            logger.info("reminder %s not dialled: %s", reminder_id, detail)
            return Disposition.OPTED_OUT
        except LineBusy:
            raise RetryLater(f"another call to {mask(record.to_phone_number)} is live") from None
        return self._call(claimed, attempt)

    def _call(self, claimed: ReminderRecord, attempt: int) -> Disposition:
        """Step 4: the POST of the claimed attempt, and what its ending leaves on the reminder."""
        reminder_id = claimed.reminder_id
        deadline = self._now() + self._timing.dial_budget - self._request_timeout
        try:
            placed = self._placer.post(claimed, deadline)
        except CallRejected as error:
            detail = f"sipgate refused the call: HTTP {error.status}: {error.body[:200]}"
            self._repository.record_outcome(reminder_id, Outcome.FAILED, detail=detail)
            self._repository.release_line(claimed.to_phone_number, reminder_id)
            logger.warning("reminder %s failed for good: %s", reminder_id, detail)
            return Disposition.FAILED
        except MaybePlaced as error:
            self._repository.note(reminder_id, HistoryEvent.MAYBE_PLACED, f"attempt {attempt}: {error}")
            logger.warning("reminder %s attempt %d may have been placed: %s", reminder_id, attempt, error)
            return Disposition.MAYBE_DIALLED
        except Exception as error:
            # No slot in time, DynamoDB failing, or certainly not placed (RetryLater from the placer): nothing
            # reached sipgate, so give the attempt back for the redelivered message to claim.
            reason = str(error) or type(error).__name__
            logger.warning("reminder %s attempt %d not placed, to be retried: %s", reminder_id, attempt, reason)
            self._release(reminder_id, attempt, reason)
            raise
        # No history entry of its own: the claim wrote "dialling", and only a call that was not placed, or
        # maybe not, adds one ("not placed", "maybe placed"). The log and the CallsPlaced metric say it.
        logger.info(
            "reminder %s attempt %d: call to %s placed (HTTP %d)",
            reminder_id,
            attempt,
            mask(placed.to_phone_number),
            placed.status_code,
        )
        return Disposition.DIALLED

    def _reopen_for_callback(self, record: ReminderRecord) -> ReminderRecord:
        """The callee called back as the mailbox message asked: reopen the reminder for the callback, if in time.

        Not when the call would break the minimum notice: the reminder then stays closed as ``voicemail``.
        """
        now = self._now()
        if not calls_back_after_voicemail(record, now) or self._timing.too_late(record, now):
            return record
        reopened = self._repository.reopen_for_callback(record.reminder_id, record.attempts)
        if reopened is None:
            return self._repository.get(record.reminder_id) or record  # reopened by a concurrent message
        logger.info("reminder %s reopened for a callback after the mailbox message", record.reminder_id)
        return reopened

    def _refuse_live(self, record: ReminderRecord, attempt: int) -> Disposition:
        reason = (
            f"attempt {attempt} refused: attempt {record.attempts} is live (its answer check decides what comes next)"
        )
        logger.warning("reminder %s: %s", record.reminder_id, reason)
        self._repository.note(record.reminder_id, HistoryEvent.REFUSED, reason)
        return Disposition.ATTEMPT_LIVE

    def _release(self, reminder_id: str, attempt: int, reason: str) -> None:
        try:
            self._repository.release_attempt(reminder_id, attempt, reason)
        except Exception:
            # The attempt stays claimed: its answer check treats it as unanswered, which is safe.
            logger.exception("could not release attempt %d of reminder %s", attempt, reminder_id)

    # Requests of other systems: schedule (create or move), cancel, forget.

    def _forget(self, message: ForgetMessage) -> Disposition:
        """Erase what the message names; the log line is the erasure's record (ids and counts, no number)."""
        if message.reminder_id is not None:
            forgotten = self._eraser.forget_reminder(message.reminder_id)
        else:
            assert message.to_phone_number is not None, "ForgetMessage names one of the two"
            forgotten = self._eraser.forget_number(message.to_phone_number)
        logger.info("forget message: %s (reminders %s)", forgotten.summary, ", ".join(forgotten.reminder_ids) or "none")
        return Disposition.FORGOTTEN

    def _apply_request(self, message: ScheduleMessage | CancelMessage) -> Disposition:
        try:
            if isinstance(message, ScheduleMessage):
                received, record = self._scheduler.receive(message.reminder)
                logger.info("reminder %s: %s (%s)", record.reminder_id, received.value, record.status.value)
                return _RECEIVED[received]
            self._scheduler.cancel(message.reminder_id, by=Canceller.CANCEL_MESSAGE)
        except InvalidReminder as error:
            return self._moves.reject(message.reminder_id, str(error))
        except SchedulingError as error:  # unknown, or decided already
            known = self._repository.get(message.reminder_id) is not None
            if not known:
                return self._moves.reject(message.reminder_id, str(error))
            self._repository.note(message.reminder_id, HistoryEvent.CANCEL_MESSAGE_NOT_APPLIED, str(error))
            return Disposition.CLOSED
        logger.info("reminder %s %s", message.reminder_id, HistoryEvent.CANCELLED_BY_CANCEL_MESSAGE)
        return Disposition.WITHDRAWN


def _sms_sender(config: DialerConfig, sms: Callable[[], SmsClient] | None) -> SmsSender | None:
    """Who the SMS after the last attempt comes from; ``None`` while it is off."""
    if not config.texted_outcomes:
        return None
    if sms is None or config.sms_callback_number is None:
        raise ValueError("SMS after the last attempt is on: the dialer needs its SMS client and callback number")
    return SmsSender(config.texted_outcomes, config.caller_name, config.sms_callback_number, sms)
