"""The store: the DynamoDB items the webhook, the dialer and the CLI share, every conditional write on them,
and the do-not-call list. The only part of the product's logic that speaks DynamoDB.

:class:`ReminderRepository` (``repository``) puts together the parts of the repository, one module per
concern (``lifecycle``, ``dial_claims``, ``lines``, ``outcomes``, ``recovery``, ``erasure``, ``migration``,
on ``table`` and ``items``; ``repository``'s docstring draws the table); ``do_not_call`` keeps the
do-not-call list; ``number_keys`` the keyed hashes that stand for phone numbers in keys.
"""

from reminders.store.do_not_call import OPTOUT_PREFIX, DoNotCallEntry, DoNotCallList
from reminders.store.erasure import Erased
from reminders.store.errors import LineBusy, NumberOptedOut, ReminderMovedOn
from reminders.store.items import CALLEE_INDEX, REMINDER_KEY_PREFIX, STATUS_INDEX, STATUS_SHARDS, record_from_item
from reminders.store.lines import LineClaim, LineRelease
from reminders.store.migration import Migrated
from reminders.store.number_keys import NumberKeys, NumberKeysMissing, number_hash
from reminders.store.repository import ReminderRepository

__all__ = [
    "CALLEE_INDEX",
    "OPTOUT_PREFIX",
    "REMINDER_KEY_PREFIX",
    "STATUS_INDEX",
    "STATUS_SHARDS",
    "DoNotCallEntry",
    "DoNotCallList",
    "Erased",
    "LineBusy",
    "LineClaim",
    "LineRelease",
    "Migrated",
    "NumberKeys",
    "NumberKeysMissing",
    "NumberOptedOut",
    "ReminderMovedOn",
    "ReminderRepository",
    "number_hash",
    "record_from_item",
]
