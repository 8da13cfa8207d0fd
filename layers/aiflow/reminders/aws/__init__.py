"""Adapters to AWS services other than the table: call messages to SQS and EventBridge Scheduler,
SecureString parameters from SSM, and the erasure of a reminder's items and schedules."""

from reminders.aws.delivery import SQS_MAX_DELAY, CallDelivery, ScheduleTarget, schedule_name, schedule_prefix
from reminders.aws.erasure import Eraser, Forgotten
from reminders.aws.secrets import ParameterUnavailable, SecureParameters

__all__ = [
    "SQS_MAX_DELAY",
    "CallDelivery",
    "Eraser",
    "Forgotten",
    "ParameterUnavailable",
    "ScheduleTarget",
    "SecureParameters",
    "schedule_name",
    "schedule_prefix",
]
