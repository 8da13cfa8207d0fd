"""The store: the DynamoDB items the webhook, the dialer and the CLI share, every conditional write on them,
and the do-not-call list. The only part of the product's logic that speaks DynamoDB."""

from reminders.store.do_not_call import OPTOUT_PREFIX, DoNotCallEntry, DoNotCallList
from reminders.store.repository import (
    REMINDER_KEY_PREFIX,
    STATUS_INDEX,
    LineBusy,
    LineClaim,
    LineRelease,
    NumberOptedOut,
    ReminderMovedOn,
    ReminderRepository,
    record_from_item,
)

__all__ = [
    "OPTOUT_PREFIX",
    "REMINDER_KEY_PREFIX",
    "STATUS_INDEX",
    "DoNotCallEntry",
    "DoNotCallList",
    "LineBusy",
    "LineClaim",
    "LineRelease",
    "NumberOptedOut",
    "ReminderMovedOn",
    "ReminderRepository",
    "record_from_item",
]
