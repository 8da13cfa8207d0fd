"""The store: the DynamoDB items the webhook, the dialer and the CLI share, every conditional write on them,
and the do-not-call list. The only part of the product's logic that speaks DynamoDB.

:class:`ReminderRepository` (``repository``) puts together the parts of the repository, one module per
concern (``lifecycle``, ``dial_claims``, ``lines``, ``outcomes``, ``recovery``, on ``table`` and ``items``;
``repository``'s docstring draws the table); ``do_not_call`` keeps the do-not-call list.
"""

from reminders.store.do_not_call import OPTOUT_PREFIX, DoNotCallEntry, DoNotCallList
from reminders.store.errors import LineBusy, NumberOptedOut, ReminderMovedOn
from reminders.store.items import REMINDER_KEY_PREFIX, STATUS_INDEX, record_from_item
from reminders.store.lines import LineClaim, LineRelease
from reminders.store.repository import ReminderRepository

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
