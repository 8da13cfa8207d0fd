"""Messages in and events out: the call queue's messages (and user input read the same way), and the
``Reminder outcome`` event the business hears. Their JSON Schemas are in ``schemas/``."""

from reminders.messages.call_queue import (
    AnyCallMessage,
    CallMessage,
    CancelMessage,
    CheckAnswerMessage,
    DialMessage,
    ForgetMessage,
    InvalidCallMessage,
    InvalidReminder,
    Problem,
    ScheduleMessage,
    SchedulingError,
    parse_call_message,
    parse_reminder,
)
from reminders.messages.outcome_events import DETAIL_TYPE, OPERATOR, SOURCE, OutcomeDetail, outcome_event

__all__ = [
    "DETAIL_TYPE",
    "OPERATOR",
    "SOURCE",
    "AnyCallMessage",
    "CallMessage",
    "CancelMessage",
    "CheckAnswerMessage",
    "DialMessage",
    "ForgetMessage",
    "InvalidCallMessage",
    "InvalidReminder",
    "OutcomeDetail",
    "Problem",
    "ScheduleMessage",
    "SchedulingError",
    "outcome_event",
    "parse_call_message",
    "parse_reminder",
]
