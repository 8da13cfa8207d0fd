"""boto3's clients for scheduling, and the adapters on them, made from the settings.

The reminder logic is handed its repository and delivery (``reminders.scheduling`` imports no boto3):
:func:`scheduling_backends` makes them on boto3's default session for the processes that schedule outside
a Lambda (``python -m reminders``, the local demo), which build the scheduler with
``ReminderScheduler.from_settings(config, *scheduling_backends(config))``. :func:`schedule_target` is the
Scheduler target that the settings name, for them and for the dialer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import boto3
from botocore.config import Config

from reminders.aws.delivery import CallDelivery, ScheduleTarget
from reminders.aws.secrets import SecureParameters
from reminders.model.reminder import utc_now
from reminders.model.retention import Retention
from reminders.settings import ScheduleSettings, SchedulingConfig
from reminders.store.number_keys import NumberKeys
from reminders.store.repository import ReminderRepository

__all__ = ["schedule_target", "scheduling_backends"]

# The import runs rows on a pool of threads: a connection for each, and throttling retried with backoff.
_SHARED = Config(max_pool_connections=32, retries={"mode": "standard"})


def schedule_target(config: ScheduleSettings) -> ScheduleTarget:
    """The Scheduler group and role that deliver a later call, and the queues they deliver to."""
    return ScheduleTarget(
        group=config.scheduler_group,
        role_arn=config.scheduler_role_arn,
        queue_arn=config.call_queue_arn,
        dead_letter_arn=config.dead_letter_queue_arn,
        kms_key_arn=config.kms_key_arn,
    )


def scheduling_backends(
    config: SchedulingConfig, *, clock: Callable[[], datetime] = utc_now
) -> tuple[ReminderRepository, CallDelivery]:
    """The table and the call delivery that ``config`` names, on clients the import's threads share; the
    numbers' hash key is read from SSM on first use (the import's threads share it too)."""
    delivery = CallDelivery(
        boto3.client("sqs", config=_SHARED),
        config.call_queue_url,
        scheduler=boto3.client("scheduler", config=_SHARED),
        target=schedule_target(config),
        clock=clock,
    )
    secrets = SecureParameters(boto3.client("ssm"))
    repository = ReminderRepository(
        config.table_name,
        client=boto3.client("dynamodb", config=_SHARED),
        clock=clock,
        number_keys=NumberKeys(lambda: secrets.get_once(config.number_key_parameter)),
        retention=Retention(config.retention_days),
    )
    return repository, delivery
