"""What follows a mailbox: whether its attempt closes the reminder, and how long a call back is answered.

The mailbox message asks the callee to call back. A reminder closed as ``voicemail`` therefore still
answers a callback for :data:`CALLBACK_AFTER_VOICEMAIL` (:func:`calls_back_after_voicemail`): the inbound
caller gets the private callback as for an open reminder, the dialer reopens the reminder for that one
call, and the callee can confirm or cancel on it. The webhook and the dialer share both rules.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from reminders.model.reminder import ReminderRecord, ReminderStatus

__all__ = ["CALLBACK_AFTER_VOICEMAIL", "calls_back_after_voicemail", "voicemail_is_final"]

# How long after the mailbox message a callee's call back still gets the callback (a mailbox is often heard
# days later; the appointment itself, the line item's expiry and the minimum notice bound it further).
CALLBACK_AFTER_VOICEMAIL = timedelta(days=3)


def voicemail_is_final(attempt: int, max_attempts: int, *, retry_after_voicemail: bool) -> bool:
    """Whether an attempt that reached a mailbox closes its reminder as ``voicemail``.

    With ``RetryAfterVoicemail`` the reminder is called again while attempts remain; the last attempt, or
    every attempt without it, ends the reminder ``voicemail``. The webhook and the dialer share this rule.
    """
    return not retry_after_voicemail or attempt >= max_attempts


def calls_back_after_voicemail(record: ReminderRecord, now: datetime) -> bool:
    """Whether a callee calling in about ``record``, closed as ``voicemail``, is still called back.

    Only within :data:`CALLBACK_AFTER_VOICEMAIL` of the message and before the appointment. The webhook
    (to promise the callback) and the dialer (to reopen the reminder for it) share this rule.
    """
    return (
        record.status is ReminderStatus.VOICEMAIL
        and record.decided_at is not None
        and now - record.decided_at <= CALLBACK_AFTER_VOICEMAIL
        and now < record.appointment_at
    )
