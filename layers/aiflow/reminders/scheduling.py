"""Scheduling reminder calls: the call queue's message format, its delivery, and the API users schedule with.

The call queue's messages
=========================

Every message on the call queue, in a one-time schedule's input and in a direct Scheduler or EventBridge
invocation of the dialer (the ``detail`` of a ``Reminder call`` event on the stack's bus) is one JSON
object; ``kind`` says which. Other systems send the first three (their JSON Schemas are in ``schemas/``):

``{"kind": "schedule", "reminder": {...}}``, or the bare reminder ``{...}`` (no ``kind``)
    Create the reminder, or update the one with that ``reminder_id`` while it waits for its call: a moved
    appointment moves its call (:meth:`ReminderScheduler.receive`). A reminder whose call is in progress or
    that is decided is not disturbed; its history says that the message came.
``{"kind": "cancel", "reminder_id": "appt-1001"}``
    Cancel the reminder (scheduled, or being called) and delete its pending schedule.
``{"kind": "dial", "reminder": {...}, "attempt": 1}``
    Place attempt ``attempt`` (default 1) of the reminder. ``reminder`` is a whole reminder
    (:class:`reminders.models.Reminder`: ``reminder_id``, ``to_phone_number``, ``appointment_at``,
    ``time_zone``, ``name``, optional ``language``, ``location``, ``call_at``, ``max_attempts``). If the
    table does not know the reminder yet, the dialer stores it first, so "call now" needs no separate
    registration; if it does, the stored reminder wins and the copy is ignored.
``{"kind": "dial", "reminder_id": "appt-1001", "attempt": 2}``
    The same for a stored reminder. Dial messages never dial early: one that arrives before the reminder's
    ``call_at`` or outside the calling window is delivered again when calling is allowed.
``{"kind": "dial", "reminder_id": "appt-1001", "attempt": 2, "callback": true}``
    A callee called in about an open reminder and is rung back now (private callbacks: the message names
    no number, so the reminder's stored number is rung, never the caller ID's). Sent by the webhook.
``{"kind": "check_answer", "reminder_id": "appt-1001", "attempt": 1}``
    Sent by the dialer itself, delayed by the answer timeout, before it dials: if the callee has not
    answered that attempt by then, the reminder is retried after ``RETRY_DELAY_MINUTES`` or, after its last
    attempt, closed as ``no_answer``.

The attempt number makes every message idempotent: the dialer claims attempt *n* with a conditional write
(:meth:`reminders.repository.ReminderRepository.claim_attempt`), so a message delivered twice, two messages
for one attempt or a schedule that fires again never ring the callee twice. A message that fails
validation is rejected with its reason and never retried.

Delivery
========

:class:`CallDelivery` puts a message on the call queue now, with an SQS delay of up to 15 minutes, or,
further ahead, through an EventBridge Scheduler one-time schedule (``at(...)`` in the callee's time zone,
``ActionAfterCompletion: DELETE``, a retry policy and a dead-letter queue) whose target is the queue.

Scheduling for users
====================

:class:`ReminderScheduler` is what ``python -m reminders`` runs: ``schedule``, ``call_now``, ``cancel``,
``status`` and ``list``. ``ReminderScheduler.from_config(SchedulingConfig.from_environ())`` builds one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal, Self
from zoneinfo import ZoneInfo

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from reminders.calling_window import CallingWindow
from reminders.config import ConfigError, SchedulingConfig
from reminders.do_not_call import DoNotCallList
from reminders.models import REMINDER_ID_PATTERN, Reminder, ReminderRecord, ReminderStatus, utc_now
from reminders.repository import NumberOptedOut, ReminderRepository

__all__ = [
    "SQS_MAX_DELAY",
    "AnyCallMessage",
    "CallDelivery",
    "CallMessage",
    "CancelMessage",
    "CheckAnswerMessage",
    "DialMessage",
    "InvalidCallMessage",
    "InvalidReminder",
    "Problem",
    "Received",
    "ReminderScheduler",
    "ScheduleMessage",
    "ScheduleTarget",
    "Scheduled",
    "SchedulingError",
    "parse_call_message",
    "parse_reminder",
    "schedule_name",
]

SQS_MAX_DELAY = timedelta(seconds=900)  # SQS DelaySeconds cannot exceed 15 minutes
# A schedule may deliver a little late (Scheduler retries, a busy queue), never so late that a call is pointless.
SCHEDULE_MAX_EVENT_AGE_SECONDS = 3600
SCHEDULE_MAX_RETRIES = 10

ReminderId = Annotated[str, StringConstraints(pattern=REMINDER_ID_PATTERN)]
Attempt = Annotated[int, Field(ge=1, le=10)]  # Reminder.max_attempts is at most 10


class DialMessage(BaseModel):
    """Place attempt ``attempt`` of a reminder; carries the whole reminder or only its id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["dial"] = "dial"
    reminder_id: ReminderId
    attempt: Attempt = 1
    reminder: Reminder | None = None
    # True: the callee called in and is to be rung back now, on the reminder's stored number (the message
    # carries none). Sent by reminders.conversation; unset for every other dial.
    callback: Literal[True] | None = None

    @model_validator(mode="before")
    @classmethod
    def _id_from_reminder(cls, data: Any) -> Any:
        # {"kind": "dial", "reminder": {...}} names its reminder once; the id is then taken from it.
        if isinstance(data, dict) and "reminder_id" not in data and isinstance(data.get("reminder"), dict):
            return {**data, "reminder_id": data["reminder"].get("reminder_id")}
        return data

    @model_validator(mode="after")
    def _same_reminder(self) -> Self:
        if self.reminder is not None and self.reminder.reminder_id != self.reminder_id:
            raise ValueError("reminder_id and reminder.reminder_id differ")
        return self


class ScheduleMessage(BaseModel):
    """Create a reminder, or update a waiting one (another system's appointment was made or moved)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="schedule message")

    kind: Literal["schedule"] = "schedule"
    reminder: Reminder

    @property
    def reminder_id(self) -> str:
        return self.reminder.reminder_id


class CancelMessage(BaseModel):
    """Cancel a reminder and delete its schedule (another system's appointment was cancelled)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="cancel message")

    kind: Literal["cancel"] = "cancel"
    reminder_id: ReminderId


class CheckAnswerMessage(BaseModel):
    """Did the callee answer attempt ``attempt``? Sent delayed by the dialer before it dials."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["check_answer"] = "check_answer"
    reminder_id: ReminderId
    attempt: Attempt


AnyCallMessage = ScheduleMessage | CancelMessage | DialMessage | CheckAnswerMessage
CallMessage = Annotated[AnyCallMessage, Field(discriminator="kind")]
_CALL_MESSAGE: TypeAdapter[AnyCallMessage] = TypeAdapter(CallMessage)
_KINDS = ("schedule", "cancel", "dial", "check_answer")


class InvalidCallMessage(ValueError):
    """A message that is not a valid call message; ``reminder_id`` is its reminder's id if one could be read."""

    def __init__(self, reason: str, reminder_id: str | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.reminder_id = reminder_id


def parse_call_message(body: str | bytes | Mapping[str, Any]) -> AnyCallMessage:
    """The message in ``body`` (JSON text or an already decoded object); :class:`InvalidCallMessage` says why not.

    An object without ``kind`` that has a ``reminder_id`` and a ``to_phone_number`` is a bare reminder: a
    ``schedule`` message.
    """
    if isinstance(body, Mapping):
        data: Any = dict(body)
    else:
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as error:
            raise InvalidCallMessage(f"not JSON: {error}", None) from None
    if not isinstance(data, dict):
        raise InvalidCallMessage("the message must be a JSON object", None)
    kinds = ", ".join(_KINDS[:3])  # check_answer is the dialer's own
    if "kind" not in data:
        if not {"reminder_id", "to_phone_number"} <= data.keys():
            raise InvalidCallMessage(
                f"kind: missing, one of {kinds} (a bare reminder is scheduled)", _readable_id(data)
            )
        data = {"kind": "schedule", "reminder": data}
    elif data["kind"] not in _KINDS:
        raise InvalidCallMessage(f"kind: {data['kind']!r} is not one of {kinds}", _readable_id(data))
    try:
        return _CALL_MESSAGE.validate_python(data)
    except ValidationError as error:
        raise InvalidCallMessage(_describe(error), _readable_id(data)) from None


def _readable_id(data: Any) -> str | None:
    """The reminder id of an invalid message, when it has a well-formed one (for the reminder's history)."""
    if not isinstance(data, dict):
        return None
    candidate = data.get("reminder_id")
    if candidate is None and isinstance(data.get("reminder"), dict):
        candidate = data["reminder"].get("reminder_id")
    if isinstance(candidate, str) and re.fullmatch(REMINDER_ID_PATTERN, candidate):
        return candidate
    return None


def _describe(error: ValidationError) -> str:
    # Without the input values: they may hold a phone number, which must not reach the logs.
    return "; ".join(f"{problem.field}: {problem.reason}" for problem in _problems(error))


@dataclass(frozen=True)
class Problem:
    """What is wrong with one field of a reminder."""

    field: str
    reason: str


# Pydantic's words where they name its own machinery rather than what is wrong.
_PLAIN_REASONS = {
    "missing": "is required",
    "extra_forbidden": "is not a field of this message",
    "string_pattern_mismatch": "has characters that are not allowed here",
    "model_type": "must be a JSON object",
    "model_attributes_type": "must be a JSON object",
}


def _problems(error: ValidationError) -> list[Problem]:
    problems = []
    for detail in error.errors(include_url=False, include_input=False, include_context=False):
        location = [str(part) for part in detail["loc"] if part not in _KINDS]
        reason = _PLAIN_REASONS.get(detail["type"]) or detail["msg"].removeprefix("Value error, ")
        problems.append(Problem(".".join(location) or "message", reason))
    return problems


class SchedulingError(Exception):
    """A scheduling request that cannot be carried out; the message says why."""


class InvalidReminder(SchedulingError):
    """A reminder with invalid fields: ``problems`` names each field and what is wrong with it."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{problem.field}: {problem.reason}" for problem in problems))
        self.problems = problems


def parse_reminder(values: Mapping[str, Any]) -> Reminder:
    """A :class:`Reminder` from user input (CLI flags, a CSV row); :class:`InvalidReminder` names every bad field."""
    try:
        return Reminder.model_validate(dict(values))
    except ValidationError as error:
        raise InvalidReminder(_problems(error)) from None


def schedule_name(message: DialMessage | CheckAnswerMessage, at: datetime) -> str:
    """A Scheduler-legal (``[0-9A-Za-z_.-]``, at most 64 characters), deterministic name for one delivery.

    Delivering the same message at the same time twice gives the same name, so the second create fails
    and no duplicate schedule exists; the digest keeps ids apart that differ only in characters replaced.
    """
    readable = re.sub(r"[^0-9A-Za-z_.-]", "_", message.reminder_id)[:24]
    digest = hashlib.sha256(message.reminder_id.encode()).hexdigest()[:10]
    kind = "d" if isinstance(message, DialMessage) else "c"
    return f"{readable}-{digest}-{kind}{message.attempt}-{at.astimezone(UTC):%Y%m%dT%H%M%S}"


def _whole_second(at: datetime) -> datetime:
    """at() has whole seconds; rounding up means a schedule never fires before the moment asked for."""
    return at.replace(microsecond=0) + timedelta(seconds=1) if at.microsecond else at


@dataclass(frozen=True)
class ScheduleTarget:
    """Where one-time schedules deliver: the call queue, the role the Scheduler assumes, and the schedules' DLQ."""

    group: str
    role_arn: str
    queue_arn: str
    dead_letter_arn: str | None = None


class CallDelivery:
    """Puts call messages on the call queue: now, up to 15 minutes later (SQS delay), or later (a schedule)."""

    def __init__(
        self,
        sqs: Any,
        queue_url: str,
        *,
        scheduler: Any = None,
        target: ScheduleTarget | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._sqs = sqs
        self._queue_url = queue_url
        self._scheduler = scheduler
        self._target = target
        self._now = clock

    def send(self, message: DialMessage | CheckAnswerMessage, *, delay: timedelta = timedelta(0)) -> None:
        """Put ``message`` on the queue, invisible for ``delay`` (at most :data:`SQS_MAX_DELAY`)."""
        if not timedelta(0) <= delay <= SQS_MAX_DELAY:
            raise ValueError(f"an SQS delay must be between 0 and {SQS_MAX_DELAY}, not {delay}")
        self._sqs.send_message(
            QueueUrl=self._queue_url,
            MessageBody=message.model_dump_json(exclude_none=True),
            DelaySeconds=math.ceil(delay.total_seconds()),
        )

    def name_for(self, message: DialMessage | CheckAnswerMessage, at: datetime) -> str | None:
        """The name of the schedule :meth:`deliver_at` would create now, or ``None`` if it would use SQS."""
        if at - self._now() <= SQS_MAX_DELAY:
            return None
        return schedule_name(message, _whole_second(at))

    def deliver_at(self, message: DialMessage | CheckAnswerMessage, at: datetime, *, time_zone: str) -> str | None:
        """Have ``message`` arrive at ``at``; the schedule's name if that took a schedule, else ``None``."""
        wait = at - self._now()
        if wait <= SQS_MAX_DELAY:
            self.send(message, delay=max(wait, timedelta(0)))
            return None
        return self._schedule(message, at, time_zone)

    def delete_schedule(self, name: str) -> bool:
        """Delete a schedule; ``False`` if it is gone already (it deletes itself once it has fired)."""
        scheduler, target = self._scheduling()
        try:
            scheduler.delete_schedule(Name=name, GroupName=target.group)
        except scheduler.exceptions.ResourceNotFoundException:
            return False
        return True

    def _schedule(self, message: DialMessage | CheckAnswerMessage, at: datetime, time_zone: str) -> str:
        scheduler, target = self._scheduling()
        at = _whole_second(at)
        name = schedule_name(message, at)
        destination: dict[str, Any] = {
            "Arn": target.queue_arn,
            "RoleArn": target.role_arn,
            "Input": message.model_dump_json(exclude_none=True),
            "RetryPolicy": {
                "MaximumEventAgeInSeconds": SCHEDULE_MAX_EVENT_AGE_SECONDS,
                "MaximumRetryAttempts": SCHEDULE_MAX_RETRIES,
            },
        }
        if target.dead_letter_arn:
            destination["DeadLetterConfig"] = {"Arn": target.dead_letter_arn}
        local = at.astimezone(ZoneInfo(time_zone))
        # A ConflictException means the same delivery was scheduled before (a repeated request): one is enough.
        with contextlib.suppress(scheduler.exceptions.ConflictException):
            scheduler.create_schedule(
                Name=name,
                GroupName=target.group,
                # The callee's wall clock, as the issue asks. It is ambiguous only in the night hour when clocks
                # fall back, and deliveries are calls and their answer checks: inside or just after the window.
                ScheduleExpression=f"at({local:%Y-%m-%dT%H:%M:%S})",
                ScheduleExpressionTimezone=time_zone,
                FlexibleTimeWindow={"Mode": "OFF"},
                ActionAfterCompletion="DELETE",
                Description=f"{message.kind} attempt {message.attempt}",
                Target=destination,
            )
        return name

    def _scheduling(self) -> tuple[Any, ScheduleTarget]:
        if self._scheduler is None or self._target is None:
            raise ConfigError(
                "delivering a call more than 15 minutes ahead needs EventBridge Scheduler: set CALL_QUEUE_ARN, "
                "SCHEDULER_GROUP and SCHEDULER_ROLE_ARN"
            )
        return self._scheduler, self._target


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

    ``lead_time`` before the appointment is when a reminder is called unless it says ``call_at``; either is
    moved into the calling window, and a reminder with no calling time left ``min_notice`` before its
    appointment is refused (the dialer would close it as expired).
    """

    def __init__(
        self,
        repository: ReminderRepository,
        delivery: CallDelivery,
        *,
        window: CallingWindow,
        lead_time: timedelta,
        min_notice: timedelta = timedelta(minutes=60),
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._repository = repository
        self._delivery = delivery
        self._window = window
        self._lead_time = lead_time
        self._min_notice = min_notice
        self._now = clock
        self._do_not_call = DoNotCallList(repository.table_name, client=repository.client)

    @classmethod
    def from_config(cls, config: SchedulingConfig, *, clock: Callable[[], datetime] = utc_now) -> Self:
        """A scheduler on the table, queue and Scheduler group that ``config`` names (boto3's default session)."""
        import boto3  # deferred: importing this module for its message models must not need boto3
        from botocore.config import Config

        # The import runs rows on a pool of threads: a connection for each, and throttling retried with backoff.
        shared = Config(max_pool_connections=32, retries={"mode": "standard"})

        target = ScheduleTarget(
            group=config.scheduler_group,
            role_arn=config.scheduler_role_arn,
            queue_arn=config.call_queue_arn,
            dead_letter_arn=config.dead_letter_queue_arn,
        )
        delivery = CallDelivery(
            boto3.client("sqs", config=shared),
            config.call_queue_url,
            scheduler=boto3.client("scheduler", config=shared),
            target=target,
            clock=clock,
        )
        return cls(
            ReminderRepository(config.table_name, client=boto3.client("dynamodb", config=shared), clock=clock),
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
        """``reminder`` with the ``call_at`` it will be called at; :class:`InvalidReminder` if there is none."""
        now = self._now()
        if reminder.appointment_at <= now:
            raise InvalidReminder([Problem("appointment_at", "the appointment is in the past")])
        wanted = reminder.call_at if reminder.call_at is not None else reminder.appointment_at - self._lead_time
        call_at = self._window.earliest_from(max(wanted, now), reminder.zone)
        if call_at > reminder.latest_call(self._min_notice):
            field = "call_at" if reminder.call_at is not None else "appointment_at"
            notice = int(self._min_notice.total_seconds() // 60)
            reason = (
                f"no calling time before the appointment: the calling window is {self._window} "
                f"({reminder.time_zone}) and the earliest call would be {call_at:%Y-%m-%d %H:%M}, "
                f"less than {notice} minutes before it"
            )
            raise InvalidReminder([Problem(field, reason)])
        return reminder.model_copy(update={"call_at": call_at})

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
        self._repository.note(record.reminder_id, "schedule message not applied", why)

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

    def cancel(self, reminder_id: str, *, by: str = "operator") -> ReminderRecord:
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
