"""Reconciling: no reminder is stranded because a call message was lost, expired or dead-lettered.

Every open reminder has exactly one next step, and its time is on the reminder (:mod:`reminders.dialing.dialer`
has the state diagram):

- ``scheduled``: the dial of attempt ``attempts + 1``, due at ``call_at`` (a callback's, once the attempts
  are used up: the reminder was reopened for the callee's call back);
- ``calling``: the answer check of attempt ``attempts``, due the answer timeout plus the dial budget after
  ``attempt_started_at`` (for an answered call: once the call must be over).

:meth:`Reconciler.run` (every five minutes, from an EventBridge Scheduler rate schedule) finds through the
``by-status`` index the open reminders whose step is overdue by more than the grace, and for each:

- closes it as ``expired`` when a dial could no longer come ``MIN_NOTICE_MINUTES`` before the appointment;
- closes it as ``failed``, with the reason, when its steps went astray as often as it has attempts (a
  message that keeps landing in the dead-letter queue, say because sipgate refuses every try for hours);
- otherwise notes the recovery on the reminder's history (a conditional write: a reminder that moved on
  meanwhile, or another reconciler, wins) and sends the step's message again, now. The message meets every
  rule of the dialer: claims, the live-attempt refusal, the calling window, the minimum notice. A late
  original racing it rings nobody twice: one of the two claims the attempt, the other is a duplicate.

A closed reminder has one step left when it gets an SMS after its last attempt (``SMS_AFTER_LAST_ATTEMPT``,
:mod:`reminders.dialing.texts`): the ``sms`` message, whose settled fate releases the outcome event. A
reminder closed with such an outcome whose SMS is still unsettled (never looked at, claimed or deferred)
the grace after its last write (for a deferred one, after the calling window's opening) lost that message,
or the answer check that was to send it:

- claimed (``sending``) and never settled: the claiming invocation died, its request may have left;
  settled ``maybe_sent`` here, never sent again;
- past the appointment, or with the window opening only after it: settled ``skipped`` with the reason
  (``sms: none`` in the event);
- otherwise the ``sms`` message is sent again (noted on the history); its claim keeps the SMS to one.

Those reminders are read through the same index, by their last call (``call_at``), up to
:data:`SMS_LOOKBACK` back: the longest lead time, and a week for a reconciler that did not run.

The grace must exceed what a healthy step may be late by: a refused dial comes back after the queue's
visibility timeout (6 minutes) up to five times, a schedule may retry its delivery for a while.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from reminders.aws.delivery import CallDelivery
from reminders.dialing.timing import CallTiming
from reminders.messages.call_queue import CheckAnswerMessage, DialMessage, SmsMessage
from reminders.model.calling_window import CallingWindow
from reminders.model.history import HistoryEvent
from reminders.model.reminder import Outcome, ReminderRecord, ReminderStatus, SmsFate, utc_now
from reminders.model.sms import SmsSkipped, SmsWaits, when_to_text
from reminders.settings import ReconcilerConfig
from reminders.store.repository import ReminderRepository

__all__ = ["SMS_LOOKBACK", "Action", "Reconciler", "ReconcilingFailed", "Recovery"]

logger = logging.getLogger(__name__)

# How far back the reconciler looks for a closed reminder's unsettled SMS: the longest lead time (14 days)
# and a week.
SMS_LOOKBACK = timedelta(days=21)


class Action(StrEnum):
    DIAL = "dial"  # the dial message was sent again
    CHECK_ANSWER = "check_answer"  # the answer check was sent again
    EXPIRED = "expired"  # too late for a call: closed
    FAILED = "failed"  # its steps went astray too often: closed
    SMS = "sms"  # the sms message of a closed reminder was sent again
    SMS_SETTLED = "sms_settled"  # a closed reminder's SMS can no longer go, or its claim died: settled


@dataclass(frozen=True)
class Recovery:
    """What the reconciler did for one reminder."""

    reminder_id: str
    action: Action
    detail: str


class ReconcilingFailed(RuntimeError):
    """Some reminders could not be reconciled (DynamoDB or SQS failed); the next run tries them again."""


class Reconciler:
    def __init__(
        self,
        config: ReconcilerConfig,
        *,
        repository: ReminderRepository,
        delivery: CallDelivery,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._timing = CallTiming(
            answer_timeout=timedelta(seconds=config.answer_timeout_seconds),
            dial_budget=timedelta(seconds=config.dial_budget_seconds),
            min_notice=timedelta(minutes=config.min_notice_minutes),
        )
        self._grace = timedelta(minutes=config.reconcile_grace_minutes)
        self._texted = config.texted_outcomes
        self._window = CallingWindow.parse(config.call_window)
        self._repository = repository
        self._delivery = delivery
        self._now = clock

    def run(self) -> list[Recovery]:
        """Recover every overdue step; what was done, one entry per reminder (empty when all is well).

        One reminder that cannot be recovered does not stop the others: :class:`ReconcilingFailed` comes at
        the end, naming them.
        """
        now = self._now()
        recoveries, failed = [], []
        for record, due in self._overdue(now):
            try:
                recovery = self._settle_sms(record, now) if record.is_decided else self._recover(record, due, now)
            except Exception:
                logger.exception("could not reconcile reminder %s", record.reminder_id)
                failed.append(record.reminder_id)
                continue
            if recovery is not None:
                logger.warning("reconciled reminder %s: %s (%s)", record.reminder_id, recovery.action, recovery.detail)
                recoveries.append(recovery)
        if failed:
            raise ReconcilingFailed(f"{len(failed)} reminders not reconciled: {', '.join(failed[:20])}")
        return recoveries

    def _overdue(self, now: datetime) -> Iterator[tuple[ReminderRecord, datetime]]:
        cutoff = now - self._grace
        for record in self._repository.list(ReminderStatus.SCHEDULED, due_by=cutoff):
            assert record.call_at is not None  # every stored reminder has one
            yield record, record.call_at
        # A calling reminder's call_at lies before its attempt started, hence before its check is due.
        for record in self._repository.list(ReminderStatus.CALLING, due_by=cutoff):
            due = self._timing.check_due(record)
            if due is not None and due <= cutoff:
                yield record, due
        for outcome in sorted(self._texted):
            for record in self._repository.list(ReminderStatus(outcome.value), due_by=cutoff, since=now - SMS_LOOKBACK):
                due = self._sms_due(record)
                if due is not None and due <= cutoff:
                    yield record, due

    def _sms_due(self, record: ReminderRecord) -> datetime | None:
        """When the unsettled SMS of a closed ``record`` was to be settled: at its last write, or at the window's
        opening it was deferred to; ``None`` for a settled one."""
        if record.sms is not None and record.sms.settled:
            return None
        if record.sms is SmsFate.DEFERRED:
            plan = when_to_text(record, record.updated_at, self._window)
            if isinstance(plan, SmsWaits):
                return plan.at
        return record.updated_at

    def _settle_sms(self, record: ReminderRecord, now: datetime) -> Recovery | None:
        """The last step of a closed reminder whose SMS went astray (see the module's notes)."""
        reminder_id = record.reminder_id
        if record.sms is SmsFate.SENDING:
            reason = "reconciler: the claiming invocation ended before it recorded the answer"
            settled = self._repository.settle_sms(reminder_id, SmsFate.MAYBE_SENT, reason)
            return Recovery(reminder_id, Action.SMS_SETTLED, reason) if settled else None
        plan = when_to_text(record, now, self._window)
        if isinstance(plan, SmsSkipped):
            reason = f"reconciler: {plan.reason}"
            return (
                Recovery(reminder_id, Action.SMS_SETTLED, reason)
                if self._repository.skip_sms(reminder_id, reason)
                else None
            )
        detail = f"the SMS after the last attempt was not settled by {now.isoformat(timespec='seconds')}: sent again"
        if not self._repository.note_sms_resent(record, detail):
            return None  # it moved on since it was read
        self._delivery.send(SmsMessage(reminder_id=reminder_id, attempt=max(record.attempts, 1)))
        return Recovery(reminder_id, Action.SMS, detail)

    def _recover(self, record: ReminderRecord, due: datetime, now: datetime) -> Recovery | None:
        scheduled = record.status is ReminderStatus.SCHEDULED
        step = f"attempt {record.attempts + 1}" if scheduled else f"the answer check of attempt {record.attempts}"
        overdue = f"{step} was due at {due.isoformat(timespec='seconds')}"
        if scheduled and self._timing.too_late(record, now):
            return self._close(record, Outcome.EXPIRED, f"{overdue} and would now come too late for the appointment")
        if record.recoveries >= record.max_attempts:
            reasons = (entry.detail for entry in reversed(record.history) if entry.event != HistoryEvent.RECONCILED)
            last = next((detail for detail in reasons if detail), "no reason recorded")
            reason = f"{overdue}; its messages went astray {record.recoveries} times (last: {last})"
            return self._close(record, Outcome.FAILED, reason)
        detail = f"{overdue}: sent again (recovery {record.recoveries + 1} of {record.max_attempts})"
        if not self._repository.note_recovery(record, detail):
            return None  # it moved on since it was read: its own messages are on their way
        if scheduled:
            callback = True if record.awaits_callback else None  # else the dialer refuses the attempt past the last
            self._delivery.send(
                DialMessage(reminder_id=record.reminder_id, attempt=record.attempts + 1, callback=callback)
            )
            return Recovery(record.reminder_id, Action.DIAL, detail)
        self._delivery.send(CheckAnswerMessage(reminder_id=record.reminder_id, attempt=record.attempts))
        return Recovery(record.reminder_id, Action.CHECK_ANSWER, detail)

    def _close(self, record: ReminderRecord, outcome: Outcome, reason: str) -> Recovery | None:
        if not self._repository.record_outcome(record.reminder_id, outcome, detail=f"reconciler: {reason}"):
            return None  # decided meanwhile
        return Recovery(record.reminder_id, Action(outcome.value), reason)
