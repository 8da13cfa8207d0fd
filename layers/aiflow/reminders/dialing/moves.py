"""What the dialer writes on a reminder it does not ring now: the call deferred, the reminder expired, the
message rejected. The dial and the answer check share them (see :mod:`reminders.dialing.dialer`)."""

from __future__ import annotations

import logging
from datetime import datetime

from reminders.aws.delivery import CallDelivery
from reminders.dialing.dispositions import Disposition
from reminders.dialing.timing import CallTiming
from reminders.messages.call_queue import DialMessage
from reminders.model.history import HistoryEvent
from reminders.model.reminder import Outcome, ReminderRecord, ReminderStatus
from reminders.store.repository import ReminderRepository

__all__ = ["ReminderMoves"]

logger = logging.getLogger(__name__)


class ReminderMoves:
    """Defer, expire, reject: each a conditional write (or a note) and its log line."""

    def __init__(
        self,
        *,
        timing: CallTiming,
        min_notice_minutes: int,
        repository: ReminderRepository,
        delivery: CallDelivery,
    ) -> None:
        self._timing = timing
        self._min_notice_minutes = min_notice_minutes
        self._repository = repository
        self._delivery = delivery

    def defer(
        self, record: ReminderRecord, attempt: int, at: datetime, reason: str, *, callback: bool | None = None
    ) -> Disposition:
        """Deliver the dial message again at ``at`` and note the new call time; expire now if ``at`` is too late.

        Delivered first, so that the reminder never waits without its message: if it moved on meanwhile (the
        attempt claimed by another message, or retried by another check), the message is a harmless duplicate.
        """
        if self._timing.too_late(record, at):
            return self.expire(record, at)
        message = DialMessage(reminder_id=record.reminder_id, attempt=attempt, callback=True if callback else None)
        name = self._delivery.deliver_at(message, at, time_zone=record.time_zone)
        if not self._repository.reschedule(
            record.reminder_id, at, attempts=attempt - 1, from_status=record.status, schedule_name=name, reason=reason
        ):
            logger.info("reminder %s moved on meanwhile: attempt %d not deferred", record.reminder_id, attempt)
            return Disposition.STALE_CHECK if record.status is ReminderStatus.CALLING else Disposition.DUPLICATE
        logger.info("reminder %s attempt %d deferred to %s: %s", record.reminder_id, attempt, at.isoformat(), reason)
        return Disposition.DEFERRED

    def expire(self, record: ReminderRecord, call_at: datetime) -> Disposition:
        """Close the reminder as ``expired``: a call at ``call_at`` would break the minimum notice."""
        reason = (
            f"a call at {call_at.astimezone(record.zone):%Y-%m-%d %H:%M} would come less than "
            f"{self._min_notice_minutes} minutes before the appointment at "
            f"{record.local_appointment:%Y-%m-%d %H:%M} ({record.time_zone})"
        )
        self._repository.record_outcome(record.reminder_id, Outcome.EXPIRED, detail=reason)
        logger.info("reminder %s expired: %s", record.reminder_id, reason)
        return Disposition.EXPIRED

    def reject(self, reminder_id: str | None, reason: str) -> Disposition:
        """An invalid message: noted on its reminder's history, if the message names a known one."""
        logger.warning("rejected a message for reminder %s: %s", reminder_id or "(unknown)", reason)
        if reminder_id is not None:
            self._repository.note(reminder_id, HistoryEvent.REJECTED, reason)  # no-op for a reminder the table lacks
        return Disposition.REJECTED
