"""What became of one call-queue message (:class:`Disposition`), and the message that must come again
(:class:`RetryLater`): what the dialer's parts answer, and what the Lambda entry counts and reports."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Disposition", "RetryLater"]


class Disposition(StrEnum):
    """What became of one message."""

    DIALLED = "dialled"
    MAYBE_DIALLED = "maybe dialled"  # no clear answer from sipgate; the answer check takes over
    FAILED = "failed"  # sipgate refused the call for good; the reminder is closed as failed
    DEFERRED = "deferred"  # too early or outside the calling window; delivered again later
    DUPLICATE = "duplicate"  # the attempt was claimed before: the message came twice
    CLOSED = "closed"  # the reminder is decided or cancelled
    REJECTED = "rejected"  # the message is invalid
    ANSWERED = "answered"  # the check found the attempt answered; it looks again once the call must be over
    UNDECIDED = "undecided"  # the answered call ended with no outcome on the last attempt: no_decision
    RETRY_SCHEDULED = "retry scheduled"  # the check found it unanswered and scheduled the next attempt
    NO_ANSWER = "no answer"  # the check found the last attempt unanswered
    STALE_CHECK = "stale check"  # the check belongs to a claim that was given back, superseded or checked
    ATTEMPT_LIVE = "attempt live"  # a dial for the next attempt while the current one may still ring: dropped
    EXPIRED = "expired"  # too close to the appointment for a call: the reminder is closed as expired
    OPTED_OUT = "opted out"  # the number is on the do-not-call list: never rung, the reminder closed opted_out
    VOICEMAIL = "voicemail"  # the check found the last attempt reached a mailbox: the reminder closed voicemail
    CREATED = "created"  # a schedule message stored a new reminder
    UPDATED = "updated"  # a schedule message moved or changed a waiting reminder
    UNCHANGED = "unchanged"  # a schedule message repeated what is stored
    KEPT = "kept"  # a schedule message for a reminder being called or decided: not disturbed
    WITHDRAWN = "withdrawn"  # a cancel message cancelled the reminder
    SMS_SENT = "sms sent"  # the SMS after the last attempt went out
    SMS_MAYBE_SENT = "sms maybe sent"  # it may have gone out (5xx, timeout): never sent again
    SMS_REFUSED = "sms refused"  # sipgate refused it (402, 403, 400): the reason recorded, alarmed
    SMS_DEFERRED = "sms deferred"  # outside the calling window: delivered again at its opening
    SMS_SKIPPED = "sms skipped"  # never sent: do-not-call, after the appointment, the window opens too late
    FORGOTTEN = "forgotten"  # a forget message erased a reminder or a number's reminders (maybe none were left)


class RetryLater(Exception):
    """The message could not be handled now and nothing was dialled: deliver it again later."""
