"""Forgetting a reminder or a phone number: its items in the table and its schedules in EventBridge Scheduler.

:class:`Eraser` is what ``reminders forget`` and the dialer's ``forget`` message
(:class:`reminders.messages.call_queue.ForgetMessage`) run: the table's part is
:mod:`reminders.store.erasure` (which says what stays: the do-not-call entry, as a keyed hash), the
schedules' part deletes every one-time schedule whose name is the reminder's
(:func:`reminders.aws.delivery.schedule_prefix`), so that no dial or answer check of it is delivered
later. The result (:class:`Forgotten`) names the reminders, keys and schedules removed: no number, so it
can be printed, logged and kept as the record of the erasure.
"""

from __future__ import annotations

from pydantic import BaseModel

from reminders.aws.delivery import CallDelivery
from reminders.store.erasure import Erased
from reminders.store.repository import ReminderRepository

__all__ = ["Eraser", "Forgotten"]


class Forgotten(BaseModel):
    """What one erasure removed, and whether the number stays on the do-not-call list (as its hash)."""

    reminder_ids: list[str]
    keys: list[str]
    schedules: list[str]
    do_not_call_kept: bool

    @property
    def summary(self) -> str:
        kept = "; its do-not-call entry stays (a keyed hash)" if self.do_not_call_kept else ""
        return (
            f"{len(self.reminder_ids)} reminder(s), {len(self.keys)} item(s), "
            f"{len(self.schedules)} schedule(s) removed{kept}"
        )


class Eraser:
    """Deletes what the table and the Scheduler hold of a reminder or a number."""

    def __init__(self, repository: ReminderRepository, delivery: CallDelivery) -> None:
        self._repository = repository
        self._delivery = delivery

    def forget_reminder(self, reminder_id: str) -> Forgotten:
        """Every item and schedule of the reminder (its schedules even when the table no longer knows it)."""
        erased = self._repository.erase_reminder(reminder_id)
        return self._with_schedules(erased, [reminder_id])

    def forget_number(self, number: str) -> Forgotten:
        """Every item and schedule of the number's reminders, and its line; its do-not-call entry stays."""
        erased = self._repository.erase_number(number)
        return self._with_schedules(erased, erased.reminder_ids)

    def _with_schedules(self, erased: Erased, reminder_ids: list[str]) -> Forgotten:
        schedules = [name for reminder_id in reminder_ids for name in self._delivery.delete_schedules_of(reminder_id)]
        return Forgotten(
            reminder_ids=erased.reminder_ids,
            keys=erased.keys,
            schedules=schedules,
            do_not_call_kept=erased.do_not_call_kept,
        )
