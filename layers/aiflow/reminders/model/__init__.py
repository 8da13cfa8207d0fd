"""The reminder and its rules: statuses, outcomes, history events, the attempt limit, the calling window."""

from reminders.model.calling_window import CallingWindow
from reminders.model.history import Canceller, HistoryEvent
from reminders.model.reminder import (
    DECIDED,
    MAX_ATTEMPTS,
    REMINDER_ID_PATTERN,
    HistoryEntry,
    InboundCallbacks,
    Language,
    Outcome,
    Reminder,
    ReminderRecord,
    ReminderStatus,
    Via,
    utc_now,
)

__all__ = [
    "DECIDED",
    "MAX_ATTEMPTS",
    "REMINDER_ID_PATTERN",
    "CallingWindow",
    "Canceller",
    "HistoryEntry",
    "HistoryEvent",
    "InboundCallbacks",
    "Language",
    "Outcome",
    "Reminder",
    "ReminderRecord",
    "ReminderStatus",
    "Via",
    "utc_now",
]
