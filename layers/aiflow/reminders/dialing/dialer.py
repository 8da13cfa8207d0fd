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

The answer check of attempt *n* acts only while the reminder is ``calling`` with *n* claimed: unanswered,
it ends the line claim and schedules attempt *n + 1* (``scheduled`` again), closes the reminder as
``no_answer`` after the last attempt, or as ``expired`` when the retry would come too late. A mailbox that
got the message (the webhook set ``voicemail_attempt``) is over: the same, at once, with ``voicemail``
instead of ``no_answer`` when :func:`reminders.conversation.voicemail.voicemail_is_final` says so.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from aiflow.outbound import CallRejected, OutboundCallError, OutboundClient, PlacedCall
from aiflow.phone import mask
from reminders.aws.delivery import CallDelivery
from reminders.conversation.voicemail import calls_back_after_voicemail, voicemail_is_final
from reminders.messages.call_queue import (
    CancelMessage,
    CheckAnswerMessage,
    DialMessage,
    InvalidCallMessage,
    InvalidReminder,
    ScheduleMessage,
    SchedulingError,
    parse_call_message,
)
from reminders.model.calling_window import CallingWindow
from reminders.model.history import Canceller, HistoryEvent
from reminders.model.reminder import Outcome, ReminderRecord, ReminderStatus, utc_now
from reminders.scheduling.scheduler import Received, ReminderScheduler
from reminders.settings import DialerConfig
from reminders.store.repository import LineBusy, NumberOptedOut, ReminderMovedOn, ReminderRepository

__all__ = ["CallTiming", "Dialer", "Disposition", "RetryLater"]

logger = logging.getLogger(__name__)

# A dial message may come a little before call_at (a schedule rounds to the second, SQS delays to the
# second): that is on time.
EARLY_TOLERANCE = timedelta(seconds=60)
# How long after a call starts the callee's number counts as busy: the ringing plus a reminder conversation.
LINE_HOLD = timedelta(minutes=10)
# How long after the appointment a callback from the callee still finds the reminder.
KEEP_LINE_AFTER_APPOINTMENT = timedelta(days=1)
# A slot is only taken while this much of its second remains, so that the request reaches sipgate within
# the second it was counted in.
SLOT_MARGIN = 0.3
# How many times a dial follows a reminder that changed between its read and its claim before it gives up
# for now (the message comes again); each time, the refused claim returned the reminder as it is now.
MOVES_FOLLOWED = 3
POST_TRIES = 3
FIRST_BACKOFF = 0.5  # seconds before the second try, doubled before each further one


@dataclass(frozen=True)
class CallTiming:
    """When the steps of an attempt are due, and when a call is too late: the rules the reconciler shares."""

    answer_timeout: timedelta
    dial_budget: timedelta
    min_notice: timedelta

    def too_late(self, record: ReminderRecord, call_at: datetime) -> bool:
        """Whether a dial starting at ``call_at`` breaks the minimum notice (its tries end within the dial budget)."""
        return call_at > record.latest_call(self.min_notice)

    def check_due(self, record: ReminderRecord) -> datetime | None:
        """When the live attempt's answer check comes (for an answered call: once the call must be over)."""
        if record.attempt_started_at is None:
            return None
        due = record.attempt_started_at + self.answer_timeout + self.dial_budget
        if record.answered_attempt >= record.attempts:
            due = max(due, record.attempt_started_at + LINE_HOLD)
        return due


class Disposition(StrEnum):
    """What became of one message."""

    DIALLED = "dialled"
    MAYBE_DIALLED = "maybe dialled"  # no clear answer from sipgate; the answer check takes over
    FAILED = "failed"  # sipgate refused the call for good; the reminder is closed as failed
    DEFERRED = "deferred"  # too early or outside the calling window; delivered again later
    DUPLICATE = "duplicate"  # the attempt was claimed before: the message came twice
    CLOSED = "closed"  # the reminder is decided or cancelled
    REJECTED = "rejected"  # the message is invalid
    ANSWERED = "answered"  # the check found the attempt answered; it looks again once the call must be over
    UNDECIDED = "undecided"  # the answered call ended with no outcome on the last attempt: no_decision
    RETRY_SCHEDULED = "retry scheduled"  # the check found it unanswered and scheduled the next attempt
    NO_ANSWER = "no answer"  # the check found the last attempt unanswered
    STALE_CHECK = "stale check"  # the check belongs to a claim that was given back, superseded or checked
    ATTEMPT_LIVE = "attempt live"  # a dial for the next attempt while the current one may still ring: dropped
    EXPIRED = "expired"  # too close to the appointment for a call: the reminder is closed as expired
    OPTED_OUT = "opted out"  # the number is on the do-not-call list: never rung, the reminder closed opted_out
    VOICEMAIL = "voicemail"  # the check found the last attempt reached a mailbox: the reminder closed voicemail
    CREATED = "created"  # a schedule message stored a new reminder
    UPDATED = "updated"  # a schedule message moved or changed a waiting reminder
    UNCHANGED = "unchanged"  # a schedule message repeated what is stored
    KEPT = "kept"  # a schedule message for a reminder being called or decided: not disturbed
    WITHDRAWN = "withdrawn"  # a cancel message cancelled the reminder


_RECEIVED = {
    Received.CREATED: Disposition.CREATED,
    Received.UPDATED: Disposition.UPDATED,
    Received.UNCHANGED: Disposition.UNCHANGED,
    Received.KEPT: Disposition.KEPT,
}


class RetryLater(Exception):
    """The message could not be handled now and nothing was dialled: deliver it again later."""


class _MaybePlaced(Exception):
    """sipgate may have taken the call without confirming it."""


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
    ) -> None:
        """``outbound`` makes the sipgate client of one dialling thread (called once per thread).

        ``dial_budget`` bounds the time from claiming an attempt to the answer of its last POST.

        ``request_timeout`` is the longest one POST can take (the outbound client's connect plus read
        timeout): no try starts later than that before the budget ends. The answer check comes the answer
        timeout plus the budget after the claim, so the callee always has the whole answer timeout.
        """
        self._config = config
        self._window = CallingWindow.parse(config.call_window)
        self._timing = CallTiming(
            answer_timeout=timedelta(seconds=config.answer_timeout_seconds),
            dial_budget=dial_budget,
            min_notice=timedelta(minutes=config.min_notice_minutes),
        )
        self._retry_delay = timedelta(minutes=config.retry_delay_minutes)
        self._repository = repository
        self._new_outbound = outbound
        self._threads = threading.local()
        self._delivery = delivery
        self._now = clock
        self._sleep = sleep
        self._request_timeout = request_timeout
        self._scheduler = ReminderScheduler(
            repository,
            delivery,
            window=self._window,
            lead_time=timedelta(hours=config.lead_time_hours),
            min_notice=self._timing.min_notice,
            clock=clock,
        )

    def handle(self, body: str | bytes | Mapping[str, Any]) -> Disposition:
        """Handle one message; raises :class:`RetryLater` (or an AWS error) when it must be delivered again."""
        try:
            message = parse_call_message(body)
        except InvalidCallMessage as error:
            return self._reject(error.reminder_id, error.reason)
        if isinstance(message, DialMessage):
            return self._dial(message)
        if isinstance(message, CheckAnswerMessage):
            return self._check_answer(message)
        return self._apply_request(message)

    # Dialling.

    def _dial(self, message: DialMessage) -> Disposition:
        if message.reminder is None:
            record = self._repository.get(message.reminder_id)
            if record is None:
                return self._reject(message.reminder_id, "unknown reminder: the message carries only its id")
        else:
            record, stored = self._repository.create_or_read(message.reminder)
            if stored:
                logger.info("reminder %s stored from its dial message", message.reminder_id)
        return self._consider(message, record)

    def _consider(self, message: DialMessage, record: ReminderRecord, *, moves_seen: int = 0) -> Disposition:
        """Step 1 on the reminder as read: skip, refuse, reject, expire, defer, or place the call."""
        reminder_id, attempt = message.reminder_id, message.attempt
        if message.callback and record.status is ReminderStatus.VOICEMAIL:
            record = self._reopen_for_callback(record)
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
            return self._reject(reminder_id, reason)

        now = self._now()
        if self._timing.too_late(record, now):
            return self._expire(record, now)
        # A callback is due now, not at the next retry's time; the window and the minimum notice still hold.
        if not message.callback and record.call_at is not None and record.call_at > now + EARLY_TOLERANCE:
            return self._defer(record, attempt, record.call_at, "the message came before the call time")
        if not self._window.contains(now, record.zone):
            opening = self._window.earliest_from(now, record.zone)
            return self._defer(
                record, attempt, opening, f"outside the calling window {self._window}", callback=message.callback
            )
        try:
            return self._place(record, attempt, now)
        except ReminderMovedOn as moved:
            # Changed between the read and the claim (another message claimed it, a schedule message moved it):
            # decide again on the reminder as it is now, which the refused claim returned.
            if moved.current is None or moves_seen >= MOVES_FOLLOWED:
                raise RetryLater(f"reminder {reminder_id} kept changing while it was dialled") from None
            return self._consider(message, moved.current, moves_seen=moves_seen + 1)

    def _place(self, record: ReminderRecord, attempt: int, now: datetime) -> Disposition:
        """Steps 2 to 4: the answer check, the claim, the POST, and what its ending leaves on the reminder.

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
        deadline = self._now() + self._timing.dial_budget - self._request_timeout
        try:
            placed = self._post(claimed, deadline)
        except CallRejected as error:
            detail = f"sipgate refused the call: HTTP {error.status}: {error.body[:200]}"
            self._repository.record_outcome(reminder_id, Outcome.FAILED, detail=detail)
            self._repository.release_line(claimed.to_phone_number, reminder_id)
            logger.warning("reminder %s failed for good: %s", reminder_id, detail)
            return Disposition.FAILED
        except _MaybePlaced as error:
            self._repository.note(reminder_id, HistoryEvent.MAYBE_PLACED, f"attempt {attempt}: {error}")
            logger.warning("reminder %s attempt %d may have been placed: %s", reminder_id, attempt, error)
            return Disposition.MAYBE_DIALLED
        except Exception as error:
            # No slot in time, DynamoDB failing, or certainly not placed (RetryLater from _post): nothing
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

    def _post(self, record: ReminderRecord, deadline: datetime) -> PlacedCall:
        """The POST, tried again while sipgate certainly did not place the call; each try takes a slot of the cap.

        No try starts after ``deadline``; :class:`RetryLater` when every try failed for certain,
        :class:`_MaybePlaced` for any failure after the request may have left (the SDK's ``retryable`` is
        ``False``, or an error it did not foresee).
        """
        try_number = 1
        while True:
            self._take_slot(deadline)
            try:
                return self._outbound().call(
                    ai_flow_id=self._config.ai_flow_id,
                    billing_device=self._config.billing_device,
                    to_phone_number=record.to_phone_number,
                )
            except CallRejected:
                raise
            except OutboundCallError as error:
                if not error.retryable:
                    raise _MaybePlaced(str(error)) from error
                wait = error.retry_after if error.retry_after is not None else FIRST_BACKOFF * 2 ** (try_number - 1)
                if try_number == POST_TRIES or self._now() + timedelta(seconds=wait) >= deadline:
                    raise RetryLater(f"sipgate did not take the call: {error}") from error
            except Exception as error:
                raise _MaybePlaced(f"{type(error).__name__}: {error}") from error
            self._sleep(wait)
            try_number += 1

    def _take_slot(self, deadline: datetime) -> None:
        """Wait for a slot of the calls-per-second cap; :class:`RetryLater` if none is free before ``deadline``."""
        while True:
            now = self._now()
            if now >= deadline:
                raise RetryLater(f"no slot of the {self._config.calls_per_second} calls per second came free in time")
            second, fraction = divmod(now.timestamp(), 1)
            if fraction <= 1 - SLOT_MARGIN and self._repository.take_dial_slot(self._config.calls_per_second):
                if self._now().timestamp() // 1 == second:
                    return
                continue  # the second ended while DynamoDB answered: the slot is spent, take the next one
            self._sleep(1 - self._now().timestamp() % 1)

    def _outbound(self) -> OutboundClient:
        """This thread's sipgate client: requests' Session, and with it the client, is not thread-safe."""
        client: OutboundClient | None = getattr(self._threads, "outbound", None)
        if client is None:
            client = self._threads.outbound = self._new_outbound()
        return client

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

    def _expire(self, record: ReminderRecord, call_at: datetime) -> Disposition:
        reason = (
            f"a call at {call_at.astimezone(record.zone):%Y-%m-%d %H:%M} would come less than "
            f"{self._config.min_notice_minutes} minutes before the appointment at "
            f"{record.local_appointment:%Y-%m-%d %H:%M} ({record.time_zone})"
        )
        self._repository.record_outcome(record.reminder_id, Outcome.EXPIRED, detail=reason)
        logger.info("reminder %s expired: %s", record.reminder_id, reason)
        return Disposition.EXPIRED

    def _release(self, reminder_id: str, attempt: int, reason: str) -> None:
        try:
            self._repository.release_attempt(reminder_id, attempt, reason)
        except Exception:
            # The attempt stays claimed: its answer check treats it as unanswered, which is safe.
            logger.exception("could not release attempt %d of reminder %s", attempt, reminder_id)

    def _defer(
        self, record: ReminderRecord, attempt: int, at: datetime, reason: str, *, callback: bool | None = None
    ) -> Disposition:
        """Deliver the dial message again at ``at`` and note the new call time; expire now if ``at`` is too late.

        Delivered first, so that the reminder never waits without its message: if it moved on meanwhile (the
        attempt claimed by another message, or retried by another check), the message is a harmless duplicate.
        """
        if self._timing.too_late(record, at):
            return self._expire(record, at)
        message = DialMessage(reminder_id=record.reminder_id, attempt=attempt, callback=True if callback else None)
        name = self._delivery.deliver_at(message, at, time_zone=record.time_zone)
        if not self._repository.reschedule(
            record.reminder_id, at, attempts=attempt - 1, from_status=record.status, schedule_name=name, reason=reason
        ):
            logger.info("reminder %s moved on meanwhile: attempt %d not deferred", record.reminder_id, attempt)
            return Disposition.STALE_CHECK if record.status is ReminderStatus.CALLING else Disposition.DUPLICATE
        logger.info("reminder %s attempt %d deferred to %s: %s", record.reminder_id, attempt, at.isoformat(), reason)
        return Disposition.DEFERRED

    # The answer check.

    def _check_answer(self, message: CheckAnswerMessage) -> Disposition:
        reminder_id, attempt = message.reminder_id, message.attempt
        record = self._repository.get(reminder_id)
        if record is None:
            return self._reject(reminder_id, "unknown reminder")
        if record.is_decided:
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
            self._repository.record_outcome(reminder_id, Outcome.NO_ANSWER, detail=detail)
            logger.info("reminder %s: %s", reminder_id, detail)
            return Disposition.NO_ANSWER
        return self._retry(record, attempt, now, f"attempt {attempt} was not answered")

    def _retry(self, record: ReminderRecord, attempt: int, now: datetime, reason: str) -> Disposition:
        """Schedule the attempt after ``attempt`` after the retry delay, within the window; or expire."""
        retry_at = self._window.earliest_from(now + self._retry_delay, record.zone)
        deferred = self._defer(record, attempt + 1, retry_at, reason)
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
        if voicemail_is_final(attempt, record.max_attempts, retry_after_voicemail=self._config.retry_after_voicemail):
            detail = f"attempt {attempt} reached a mailbox, which got the message"
            self._repository.record_outcome(record.reminder_id, Outcome.VOICEMAIL, detail=detail)
            logger.info("reminder %s: %s", record.reminder_id, detail)
            return Disposition.VOICEMAIL
        return self._retry(record, attempt, now, f"attempt {attempt} reached a mailbox")

    # Requests of other systems: schedule (create or move) and cancel.

    def _apply_request(self, message: ScheduleMessage | CancelMessage) -> Disposition:
        try:
            if isinstance(message, ScheduleMessage):
                received, record = self._scheduler.receive(message.reminder)
                logger.info("reminder %s: %s (%s)", record.reminder_id, received.value, record.status.value)
                return _RECEIVED[received]
            self._scheduler.cancel(message.reminder_id, by=Canceller.CANCEL_MESSAGE)
        except InvalidReminder as error:
            return self._reject(message.reminder_id, str(error))
        except SchedulingError as error:  # unknown, or decided already
            known = self._repository.get(message.reminder_id) is not None
            if not known:
                return self._reject(message.reminder_id, str(error))
            self._repository.note(message.reminder_id, HistoryEvent.CANCEL_MESSAGE_NOT_APPLIED, str(error))
            return Disposition.CLOSED
        logger.info("reminder %s %s", message.reminder_id, HistoryEvent.CANCELLED_BY_CANCEL_MESSAGE)
        return Disposition.WITHDRAWN

    def _reject(self, reminder_id: str | None, reason: str) -> Disposition:
        logger.warning("rejected a message for reminder %s: %s", reminder_id or "(unknown)", reason)
        if reminder_id is not None:
            self._repository.note(reminder_id, HistoryEvent.REJECTED, reason)  # no-op for a reminder the table lacks
        return Disposition.REJECTED
