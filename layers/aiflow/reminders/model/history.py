"""What a reminder's history says happened: its events, as the table stores them.

Every write to a reminder appends one entry to its ``history`` (when, the :class:`HistoryEvent`, a detail);
the CLI's ``status`` shows it, the report reads when the first call left, the reconciler the last reason
before its own notes. The values are stored, and stored reminders are read with this enum: never change
a value, and keep a member for as long as reminders carrying it may be stored (a history with a value
missing here cannot be read).

An outcome's event is the outcome's value (:meth:`HistoryEvent.decided`); a cancellation names who
cancelled (:meth:`HistoryEvent.cancelled_by`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reminders.model.reminder import Outcome

__all__ = ["Canceller", "HistoryEvent"]


class Canceller(StrEnum):
    """Who withdrew a reminder before it was decided."""

    OPERATOR = "operator"  # reminders cancel
    CANCEL_MESSAGE = "a cancel message"  # another system, through the call queue


class HistoryEvent(StrEnum):
    # Scheduling, and messages of other systems about a reminder.
    SCHEDULED = "scheduled"  # stored, with its first call time
    UPDATED = "updated"  # a waiting reminder's details replaced (a moved appointment, another name...)
    RESCHEDULED = "rescheduled"  # the next attempt moved: deferred into the window, a retry, "call now"
    SCHEDULE_MESSAGE_NOT_APPLIED = "schedule message not applied"  # it was being called or decided
    CANCELLED_BY_OPERATOR = f"cancelled by {Canceller.OPERATOR}"
    CANCELLED_BY_CANCEL_MESSAGE = f"cancelled by {Canceller.CANCEL_MESSAGE}"
    CANCEL_MESSAGE_NOT_APPLIED = "cancel message not applied"  # it was decided already
    REJECTED = "rejected"  # an invalid message for it

    # Dialling.
    DIALLING = "dialling"  # an attempt claimed: its call goes out (and stands for the placed call)
    NOT_PLACED = "not placed"  # certainly no call: the attempt given back for the retry to claim
    MAYBE_PLACED = "maybe placed"  # sipgate may have taken the call: the answer check decides
    REFUSED = "refused"  # a dial for the next attempt while the live one may still ring
    PLACED = "placed"  # a placed call, written before the claim was one transaction: read, no longer written

    # The call, and what brings a reminder back.
    ANSWERED = "answered"
    VOICEMAIL = "voicemail"  # a mailbox got the message (and the outcome of that name)
    THIRD_PARTY = "answered by someone else"  # not the callee: no decision asked, the dialer calls again
    RECONCILED = "reconciled"  # a step whose message went astray was sent again
    REOPENED = "reopened"  # closed as voicemail, reopened for the callee's call back
    SMS = "sms"  # the SMS after the last attempt: deferred, claimed, sent, refused or skipped (the detail says)

    # The outcomes (each Outcome's value; VOICEMAIL above is one of them).
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    NO_DECISION = "no_decision"
    NO_ANSWER = "no_answer"
    FAILED = "failed"
    EXPIRED = "expired"
    RESCHEDULE_REQUESTED = "reschedule_requested"
    OPTED_OUT = "opted_out"
    WRONG_NUMBER = "wrong_number"

    @classmethod
    def decided(cls, outcome: Outcome) -> HistoryEvent:
        """The event of a reminder decided with ``outcome``."""
        return cls(outcome.value)

    @classmethod
    def cancelled_by(cls, canceller: Canceller) -> HistoryEvent:
        return cls(f"cancelled by {canceller}")
