"""When an attempt's steps are due, and when a call is too late: the rules the dialer and the reconciler share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from reminders.model.reminder import ReminderRecord

__all__ = ["LINE_HOLD", "CallTiming"]

# How long after a call starts the callee's number counts as busy: the ringing plus a reminder conversation.
LINE_HOLD = timedelta(minutes=10)


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
