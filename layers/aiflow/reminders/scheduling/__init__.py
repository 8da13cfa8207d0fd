"""Scheduling reminders for users and other systems: schedule, receive (create or move), call now, cancel,
look up; each reminder planned into its callee's calling window before its appointment, the calls that
the lead time would bunch spread over the hour before it (``spreading``)."""

from reminders.scheduling.scheduler import Received, ReminderScheduler, Scheduled
from reminders.scheduling.spreading import SPREAD, CallPlan

__all__ = ["SPREAD", "CallPlan", "Received", "ReminderScheduler", "Scheduled"]
