"""The SMS after a reminder's last attempt: which outcomes get one, when it may go, and what became of it.

``SmsAfterLastAttempt`` names the outcomes that get a text (:func:`texted_outcomes`): ``off``, ``no_answer``,
``voicemail`` or ``no_answer,voicemail``. A reminder that closes with one of them gets exactly one SMS to its
stored number, and its fate is written on the reminder (:class:`SmsFate`), once:

- never after the appointment, never outside the calling window: outside it, the SMS waits for the
  window's opening, unless that is after the appointment (then it is not sent at all) (:func:`when_to_text`);
- never to a number on the do-not-call list (the dialer checks the list when it sends);
- claimed (``sending``) with a conditional write before the request, so a request that may have reached
  sipgate is never made again: a crash after the claim leaves ``maybe_sent``, as a ``5xx`` or a timeout does.

The outcome event says what became of it (:func:`sms_in_event`): ``sent``, ``refused``, ``unknown`` (it may
have been sent) or ``none``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reminders.model.calling_window import CallingWindow
from reminders.model.reminder import Outcome, ReminderRecord, SmsFate

__all__ = [
    "SMS_IN_EVENT",
    "SmsFate",
    "SmsNow",
    "SmsPlan",
    "SmsSkipped",
    "SmsWaits",
    "sms_in_event",
    "texted_outcomes",
    "when_to_text",
]

# The outcomes a text may follow: a reminder that reached nobody.
_TEXTABLE = (Outcome.NO_ANSWER, Outcome.VOICEMAIL)
OFF = "off"


# What the outcome event's ``sms`` says: sent, refused, unknown (maybe sent) or none.
SMS_IN_EVENT = ("sent", "refused", "unknown", "none")
_IN_EVENT = {SmsFate.SENT: "sent", SmsFate.REFUSED: "refused", SmsFate.MAYBE_SENT: "unknown"}


def sms_in_event(fate: SmsFate | None) -> str:
    return _IN_EVENT.get(fate, "none") if fate is not None else "none"


def texted_outcomes(setting: str) -> frozenset[Outcome]:
    """The outcomes ``SmsAfterLastAttempt`` names; :class:`ValueError` for anything but its four values."""
    names = {name.strip() for name in setting.split(",")} - {""}
    if names == {OFF}:
        return frozenset()
    allowed = {outcome.value for outcome in _TEXTABLE}
    if not names or not names <= allowed:
        raise ValueError(f"must be off, no_answer, voicemail or no_answer,voicemail, not {setting!r}")
    return frozenset(Outcome(name) for name in names)


@dataclass(frozen=True)
class SmsNow:
    """Send it now."""


@dataclass(frozen=True)
class SmsWaits:
    """Outside the calling window: send it at ``at``, the window's opening (before the appointment)."""

    at: datetime


@dataclass(frozen=True)
class SmsSkipped:
    """Never send it, for ``reason``."""

    reason: str


type SmsPlan = SmsNow | SmsWaits | SmsSkipped


def when_to_text(record: ReminderRecord, now: datetime, window: CallingWindow) -> SmsPlan:
    """When the SMS after ``record``'s last attempt may go, seen at ``now``: never after the appointment,
    only inside the calling window (in the callee's time zone)."""
    if now >= record.appointment_at:
        return SmsSkipped("the appointment has begun")
    if window.contains(now, record.zone):
        return SmsNow()
    opening = window.earliest_from(now, record.zone)
    if opening >= record.appointment_at:
        return SmsSkipped(f"the calling window {window} opens only after the appointment")
    return SmsWaits(opening)
