"""The reminder and its rules: statuses, outcomes, history events, the attempt limit, the calling window,
what follows a mailbox, the time a callee asks for instead, how long a reminder is kept."""

from reminders.model.after_voicemail import CALLBACK_AFTER_VOICEMAIL, calls_back_after_voicemail, voicemail_is_final
from reminders.model.calling_window import CallingWindow
from reminders.model.history import Canceller, HistoryEvent
from reminders.model.preferred_time import PreferredTime
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
from reminders.model.retention import DEFAULT_RETENTION_DAYS, Retention

__all__ = [
    "CALLBACK_AFTER_VOICEMAIL",
    "DECIDED",
    "DEFAULT_RETENTION_DAYS",
    "MAX_ATTEMPTS",
    "REMINDER_ID_PATTERN",
    "CallingWindow",
    "Canceller",
    "HistoryEntry",
    "HistoryEvent",
    "InboundCallbacks",
    "Language",
    "Outcome",
    "PreferredTime",
    "Reminder",
    "ReminderRecord",
    "ReminderStatus",
    "Retention",
    "Via",
    "calls_back_after_voicemail",
    "utc_now",
    "voicemail_is_final",
]
