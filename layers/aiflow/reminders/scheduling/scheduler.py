"""Scheduling for users: the API behind ``reminders schedule``, ``call``, ``cancel``, ``status`` and ``list``.

====================

:class:`ReminderScheduler` is what ``python -m reminders`` runs: ``schedule``, ``call_now``, ``cancel``,
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Self

from reminders.aws.delivery import CallDelivery
from reminders.messages.call_queue import DialMessage, InvalidReminder, Problem, SchedulingError
from reminders.model.calling_window import CallingWindow
from reminders.model.history import Canceller, HistoryEvent
from reminders.model.reminder import Reminder, ReminderRecord, ReminderStatus, utc_now
from reminders.scheduling.spreading import SPREAD, CallPlan
from reminders.settings import SchedulingConfig
from reminders.store.do_not_call import DoNotCallList
from reminders.store.repository import NumberOptedOut, ReminderRepository

__all__ = ["Received", "ReminderScheduler", "Scheduled"]


_LISTED = "the number is on the do-not-call list (its owner asked for no more calls): not scheduled"


def _refuse_changes(stored: ReminderRecord, planned: Reminder) -> None:
    """:class:`InvalidReminder` naming each field in which ``planned`` differs from the stored reminder."""
    kept = stored.reminder().model_dump(exclude={"call_at"})
    changed = [name for name, value in planned.model_dump(exclude={"call_at"}).items() if kept[name] != value]
    if changed:
        raise InvalidReminder(
            [
                Problem(name, f"reminder {planned.reminder_id} is already scheduled with another {name}")
                for name in changed
            ]
        )


class Received(StrEnum):
    """What :meth:`ReminderScheduler.receive` did with a reminder another system sent."""

    CREATED = "created"
    UPDATED = "updated"  # it waited for its call: its data and call time are the new ones
    UNCHANGED = "unchanged"  # it was stored with the same data already
    KEPT = "kept"  # its call is in progress or it is decided: not disturbed (its history says so)


@dataclass(frozen=True)
class Scheduled:
    """What :meth:`ReminderScheduler.schedule` did: ``new`` is ``False`` when the reminder was there already."""

    record: ReminderRecord
    new: bool


class ReminderScheduler:
    """Schedule, call, cancel and look up reminders: the API behind ``python -m reminders``.

    A reminder is called at its ``call_at``, or within ``spread`` of calling time before ``lead_time`` before
    its appointment, at a second its id picks (:mod:`reminders.scheduling.spreading`, the one rule); a
    reminder with no calling time left ``min_notice`` before its appointment is refused (the dialer would
    close it as expired).
    """

    def __init__(
        self,
        repository: ReminderRepository,
        delivery: CallDelivery,
        *,
        window: CallingWindow,
        lead_time: timedelta,
        min_notice: timedelta = timedelta(minutes=60),
        spread: timedelta = SPREAD,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._repository = repository
        self._delivery = delivery
        self._window = window
        self._plan = CallPlan(window, lead_time, min_notice, spread)
        self._now = clock
        self._do_not_call = DoNotCallList(
            repository.table_name, client=repository.client, number_keys=repository.number_keys
        )

    @classmethod
    def from_settings(
        cls,
        config: SchedulingConfig,
        repository: ReminderRepository,
        delivery: CallDelivery,
        *,
        clock: Callable[[], datetime] = utc_now,
    ) -> Self:
        """A scheduler with the calling window, lead time and minimum notice ``config`` sets.

        ``reminders.aws.clients.scheduling_backends(config)`` makes the repository and delivery it names.
        """
        return cls(
            repository,
            delivery,
            window=CallingWindow.parse(config.call_window),
            lead_time=timedelta(hours=config.lead_time_hours),
            min_notice=timedelta(minutes=config.min_notice_minutes),
            clock=clock,
        )

    @property
    def window(self) -> CallingWindow:
        return self._window

    @property
    def do_not_call(self) -> DoNotCallList:
        """The do-not-call list that :meth:`schedule` checks (``reminders optout`` manages it)."""
        return self._do_not_call

    def plan(self, reminder: Reminder) -> Reminder:
        """``reminder`` with the ``call_at`` it will be called at (:mod:`reminders.scheduling.spreading`);
        :class:`InvalidReminder` if there is none."""
        return reminder.model_copy(update={"call_at": self._plan.call_time(reminder, self._now())})

    def schedule(self, reminder: Reminder) -> Scheduled:
        """Store the reminder and have it called at its planned time; a known reminder is left as it is.

        Two requests: one transaction stores the reminder unless its id exists or its number is on the
        do-not-call list (a refused write returns the stored reminder, so no read comes first), then one
        delivery (a schedule, or an SQS message when it is due within 15 minutes). Safe to run again: a
        known reminder with the same data is delivered again while it still waits for its first call, at
        its stored time, which finds the first run's schedule in place (its name is deterministic) or
        repairs a delivery that failed; one with different data is refused (cancel it first), so that
        nothing changes silently. Should the delivery fail after the write, that second run (or the
        reconciler, once the call is overdue) delivers it.
        """
        planned = self.plan(reminder)
        assert planned.call_at is not None  # set by plan()
        first_dial = DialMessage(reminder_id=planned.reminder_id, reminder=planned)
        try:
            record, new = self._repository.create_unless_listed(
                planned, schedule_name=self._delivery.name_for(first_dial, planned.call_at)
            )
        except NumberOptedOut:
            raise InvalidReminder([Problem("to_phone_number", _LISTED)]) from None
        if not new:
            _refuse_changes(record, planned)
            if record.status is not ReminderStatus.SCHEDULED or record.attempts or record.call_at is None:
                return Scheduled(record, new=False)
            first_dial = DialMessage(reminder_id=record.reminder_id, reminder=record.reminder())
        assert record.call_at is not None  # stored with its planned call time
        self._delivery.deliver_at(first_dial, record.call_at, time_zone=record.time_zone)
        return Scheduled(record, new=new)

    def receive(self, reminder: Reminder) -> tuple[Received, ReminderRecord]:
        """A reminder another system sent (a ``schedule`` message): create it, or update it while it waits.

        A waiting (``scheduled``) reminder takes the new data and call time: its next attempt is delivered
        at the new time and the old schedule deleted (a message already on its way for the old time is
        deferred by the dialer, since the call time moved). One whose call is in progress or that is
        decided is kept as it is; its history notes the message. :class:`InvalidReminder` as for
        :meth:`schedule` (a past appointment, no calling time left, a do-not-call number).
        """
        existing = self._repository.get(reminder.reminder_id)
        if existing is None:
            return Received.CREATED, self.schedule(reminder).record
        if existing.status is not ReminderStatus.SCHEDULED:
            self._keep(existing, f"the reminder is {existing.status.value}")
            return Received.KEPT, existing
        planned = self._planned_for(reminder)
        if planned.max_attempts <= existing.attempts:
            problem = f"{existing.attempts} attempt(s) were made already; max_attempts must be more"
            raise InvalidReminder([Problem("max_attempts", problem)])
        if planned == existing.reminder():
            return Received.UNCHANGED, existing
        assert planned.call_at is not None  # set by plan()
        next_dial = DialMessage(reminder_id=planned.reminder_id, attempt=existing.attempts + 1)
        name = self._delivery.deliver_at(next_dial, planned.call_at, time_zone=planned.time_zone)
        reason = "by a schedule message; call at " + planned.call_at.isoformat()
        updated = self._repository.replace_waiting(
            planned, attempts=existing.attempts, schedule_name=name, reason=reason
        )
        if updated is None:  # dialled, decided or cancelled meanwhile
            current = self.status(planned.reminder_id)
            self._keep(current, f"the reminder became {current.status.value} meanwhile")
            return Received.KEPT, current
        if existing.schedule_name and existing.schedule_name != name:
            self._delivery.delete_schedule(existing.schedule_name)
        return Received.UPDATED, updated

    def _planned_for(self, reminder: Reminder) -> Reminder:
        """``reminder`` planned, refused when its number is on the do-not-call list."""
        planned = self.plan(reminder)
        if self._do_not_call.contains(planned.to_phone_number):
            raise InvalidReminder([Problem("to_phone_number", _LISTED)])
        return planned

    def _keep(self, record: ReminderRecord, why: str) -> None:
        self._repository.note(record.reminder_id, HistoryEvent.SCHEDULE_MESSAGE_NOT_APPLIED, why)

    def call_now(self, reminder_id: str) -> ReminderRecord:
        """Dial the reminder's next attempt as soon as the calling window allows, instead of at its call time.

        Refused while an attempt is live (``calling``): the callee's phone may be ringing, and the attempt's
        answer check decides whether and when to call again.
        """
        record = self.status(reminder_id)
        if record.is_decided:
            raise SchedulingError(f"reminder {reminder_id} is {record.status.value}: there is nothing to call")
        if record.status is ReminderStatus.CALLING:
            raise SchedulingError(
                f"reminder {reminder_id} is being called (attempt {record.attempts} of {record.max_attempts}): "
                "not calling again while that call may ring; its answer check schedules the next attempt"
            )
        attempt = record.attempts + 1
        if attempt > record.max_attempts:
            raise SchedulingError(f"reminder {reminder_id} has had all its {record.max_attempts} attempts")
        # The new call time first: the dialer defers a dial message that arrives before call_at.
        if not self._repository.reschedule(
            reminder_id, self._now(), attempts=record.attempts, schedule_name=None, reason="call now"
        ):
            raise SchedulingError(f"reminder {reminder_id} was closed or dialled meanwhile")
        self._delivery.send(DialMessage(reminder_id=reminder_id, attempt=attempt))
        if record.schedule_name:
            # The old schedule would only deliver a duplicate (the attempt is claimed once), but it is clutter.
            self._delivery.delete_schedule(record.schedule_name)
        return self.status(reminder_id)

    def cancel(self, reminder_id: str, *, by: Canceller = Canceller.OPERATOR) -> ReminderRecord:
        """Mark the reminder cancelled and delete its pending schedule; a decided reminder stays as it is."""
        record = self.status(reminder_id)
        if not self._repository.cancel(reminder_id, by=by):
            raise SchedulingError(f"reminder {reminder_id} is {self.status(reminder_id).status.value} already")
        # A message already on its way is harmless: the dialer re-reads the reminder and skips a cancelled one.
        if record.schedule_name:
            self._delivery.delete_schedule(record.schedule_name)
        return self.status(reminder_id)

    def status(self, reminder_id: str) -> ReminderRecord:
        record = self._repository.get(reminder_id)
        if record is None:
            raise SchedulingError(f"reminder {reminder_id} does not exist")
        return record

    def list(self, status: ReminderStatus | None = None) -> list[ReminderRecord]:
        """Every reminder, or those with ``status``, by call time."""
        records = list(self._repository.list(status))
        return sorted(records, key=lambda record: (record.call_at or record.created_at, record.reminder_id))
