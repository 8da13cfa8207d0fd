"""Adapters to AWS services other than the table: call messages to SQS and EventBridge Scheduler, and
SecureString parameters from SSM."""

from reminders.aws.delivery import SQS_MAX_DELAY, CallDelivery, ScheduleTarget, schedule_name
from reminders.aws.secrets import ParameterUnavailable, SecureParameters

__all__ = [
    "SQS_MAX_DELAY",
    "CallDelivery",
    "ParameterUnavailable",
    "ScheduleTarget",
    "SecureParameters",
    "schedule_name",
]
