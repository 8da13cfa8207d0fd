"""Scheduling reminders for users and other systems: schedule, receive (create or move), call now, cancel,
look up; each reminder planned into its callee's calling window before its appointment."""

from reminders.scheduling.scheduler import Received, ReminderScheduler, Scheduled

__all__ = ["Received", "ReminderScheduler", "Scheduled"]
