"""The DynamoDB items the webhook and the dialer share, and every conditional write on them.

One table, partition key ``pk`` (string), no sort key:

=========================  ===================================================================
``REMINDER#<id>``           the reminder, its status, attempts, outcome and history; ``status_shard``,
                            ``callee`` (the number's keyed hash) and ``expires_at`` (TTL) beside it
``LINE#<number hash>``      which reminder the number is about: a copy of it for the call, the
                            live-call claim (``claimed_until``) and an expiry (``expires_at``, TTL)
``RATE#<epoch second>``     how many calls were placed in that second (the calls-per-second cap)
``SESSION#<session id>``    the conversation state (written by ``aiflow.DynamoDBSessionStore``, TTL)
``OPTOUT#<number hash>``    a number on the do-not-call list (``reminders.store.do_not_call``), no TTL
=========================  ===================================================================

No key holds a phone number: where one is looked up, the key holds its keyed hash
(:mod:`reminders.store.number_keys`). Every item with personal data expires by TTL
(:mod:`reminders.model.retention`). The index ``by-status-shard`` (``status_shard``, ``call_at``) lists
reminders by status over sixteen partitions per status, ``by-callee`` (``callee``) a number's reminders
(:mod:`reminders.store.items`). Every write that can race, two events of one call or two dialers, is
conditional, so repeated or concurrent work never decides or dials twice.

:class:`ReminderRepository` is the one object its callers hold; its parts live in modules of their own,
one concern each, all on the table of :mod:`reminders.store.table`:

=======================  ==============================================================================
``lifecycle``            store, read, list, move, change, cancel and note a reminder between its calls
``dial_claims``          the dial's claim of an attempt and the line (one transaction), its release, the
                         calls-per-second slot
``lines``                the ``LINE#`` items: how the webhook finds a call's reminder, a claim's end
``outcomes``             the answer, a mailbox's message, the outcome written once
``recovery``             the reconciler's re-sent step, a voicemail reminder reopened for a callback
``texts``                the SMS after the last attempt: deferred, claimed with the do-not-call check, settled
``erasure``              every item of a reminder or of a number's reminders deleted
``migration``            items written before the keys were hashed and the index sharded, brought up to date
``items``, ``errors``    the keys and (de)serialisation of the items; why a write was refused
=======================  ==============================================================================
"""

from __future__ import annotations

from reminders.store.dial_claims import DialClaims
from reminders.store.erasure import Erased, Erasure
from reminders.store.errors import LineBusy, NumberOptedOut, ReminderMovedOn
from reminders.store.items import REMINDER_KEY_PREFIX, STATUS_INDEX, record_from_item
from reminders.store.lifecycle import ReminderLifecycle
from reminders.store.lines import CallLines, LineClaim, LineRelease
from reminders.store.migration import Migration
from reminders.store.number_keys import NumberKeys
from reminders.store.outcomes import CallOutcomes
from reminders.store.recovery import Recoveries
from reminders.store.texts import SmsClaim, SmsRecords

# The names its callers import with the repository: what its methods raise, take and return.
__all__ = [
    "REMINDER_KEY_PREFIX",
    "STATUS_INDEX",
    "Erased",
    "LineBusy",
    "LineClaim",
    "LineRelease",
    "NumberKeys",
    "NumberOptedOut",
    "ReminderMovedOn",
    "ReminderRepository",
    "SmsClaim",
    "record_from_item",
]


class ReminderRepository(
    ReminderLifecycle, DialClaims, CallOutcomes, CallLines, Recoveries, SmsRecords, Erasure, Migration
):
    """Reminders, line claims and the dial-rate counter in one DynamoDB table.

    ``ReminderRepository(table_name, client=..., clock=..., number_keys=..., retention=...)``; without a
    client it makes one from the environment (as on Lambda). Thread-safe as its client is: the dialer
    shares one across its threads.
    """
