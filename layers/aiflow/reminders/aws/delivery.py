"""Delivering call messages to the call queue: now, with an SQS delay, or through EventBridge Scheduler.

========

:class:`CallDelivery` puts a message on the call queue now, with an SQS delay of up to 15 minutes, or,
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from reminders.messages.call_queue import CheckAnswerMessage, DialMessage, SmsMessage
from reminders.model.reminder import utc_now
from reminders.settings import ConfigError

__all__ = ["SQS_MAX_DELAY", "CallDelivery", "ScheduleTarget", "schedule_name", "schedule_prefix"]

type _Delivered = DialMessage | CheckAnswerMessage | SmsMessage
SQS_MAX_DELAY = timedelta(seconds=900)  # SQS DelaySeconds cannot exceed 15 minutes
# A schedule may deliver a little late (Scheduler retries, a busy queue), never so late that a call is pointless.
SCHEDULE_MAX_EVENT_AGE_SECONDS = 3600
SCHEDULE_MAX_RETRIES = 10


def schedule_name(message: _Delivered, at: datetime) -> str:
    """A Scheduler-legal (``[0-9A-Za-z_.-]``, at most 64 characters), deterministic name for one delivery.

    Delivering the same message at the same time twice gives the same name, so the second create fails
    and no duplicate schedule exists; the digest keeps ids apart that differ only in characters replaced.
    """
    kind = {"dial": "d", "check_answer": "c", "sms": "s"}[message.kind]
    return f"{schedule_prefix(message.reminder_id)}{kind}{message.attempt}-{at.astimezone(UTC):%Y%m%dT%H%M%S}"


def schedule_prefix(reminder_id: str) -> str:
    """What the name of every schedule of one reminder begins with (and no other reminder's)."""
    readable = re.sub(r"[^0-9A-Za-z_.-]", "_", reminder_id)[:24]
    digest = hashlib.sha256(reminder_id.encode()).hexdigest()[:10]
    return f"{readable}-{digest}-"


def _whole_second(at: datetime) -> datetime:
    """at() has whole seconds; rounding up means a schedule never fires before the moment asked for."""
    return at.replace(microsecond=0) + timedelta(seconds=1) if at.microsecond else at


@dataclass(frozen=True)
class ScheduleTarget:
    """Where one-time schedules deliver: the call queue, the role the Scheduler assumes, the schedules' DLQ,
    and the customer-managed KMS key their payloads are encrypted with (``None``: an AWS owned key)."""

    group: str
    role_arn: str
    queue_arn: str
    dead_letter_arn: str | None = None
    kms_key_arn: str | None = None


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

    def send(self, message: _Delivered, *, delay: timedelta = timedelta(0)) -> None:
        """Put ``message`` on the queue, invisible for ``delay`` (at most :data:`SQS_MAX_DELAY`)."""
        if not timedelta(0) <= delay <= SQS_MAX_DELAY:
            raise ValueError(f"an SQS delay must be between 0 and {SQS_MAX_DELAY}, not {delay}")
        self._sqs.send_message(
            QueueUrl=self._queue_url,
            MessageBody=message.model_dump_json(exclude_none=True),
            DelaySeconds=math.ceil(delay.total_seconds()),
        )

    def name_for(self, message: _Delivered, at: datetime) -> str | None:
        """The name of the schedule :meth:`deliver_at` would create now, or ``None`` if it would use SQS."""
        if at - self._now() <= SQS_MAX_DELAY:
            return None
        return schedule_name(message, _whole_second(at))

    def deliver_at(self, message: _Delivered, at: datetime, *, time_zone: str) -> str | None:
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

    def delete_schedules_of(self, reminder_id: str) -> list[str]:
        """Delete every schedule of the reminder (its dials and answer checks); the names of those deleted."""
        scheduler, target = self._scheduling()
        pages = scheduler.get_paginator("list_schedules").paginate(
            GroupName=target.group, NamePrefix=schedule_prefix(reminder_id)
        )
        names = [schedule["Name"] for page in pages for schedule in page.get("Schedules", [])]
        return [name for name in names if self.delete_schedule(name)]

    def _schedule(self, message: _Delivered, at: datetime, time_zone: str) -> str:
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
        encryption = {"KmsKeyArn": target.kms_key_arn} if target.kms_key_arn else {}
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
                **encryption,
            )
        return name

    def _scheduling(self) -> tuple[Any, ScheduleTarget]:
        if self._scheduler is None or self._target is None:
            raise ConfigError(
                "delivering a call more than 15 minutes ahead needs EventBridge Scheduler: set CALL_QUEUE_ARN, "
                "SCHEDULER_GROUP and SCHEDULER_ROLE_ARN"
            )
        return self._scheduler, self._target
