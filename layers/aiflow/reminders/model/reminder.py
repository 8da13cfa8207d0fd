"""The reminder as users give it, and as the table keeps it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from aiflow import phone
from reminders.model.history import HistoryEvent
from reminders.model.preferred_time import PreferredTime

__all__ = [
    "DECIDED",
    "MAX_ATTEMPTS",
    "REMINDER_ID_PATTERN",
    "HistoryEntry",
    "InboundCallbacks",
    "Language",
    "Outcome",
    "Reminder",
    "ReminderRecord",
    "ReminderStatus",
    "SmsFate",
    "Via",
    "utc_now",
]


# The most calls one reminder may make: the call queue's messages number attempts up to it.
MAX_ATTEMPTS = 10


class Language(StrEnum):
    GERMAN = "de-DE"
    ENGLISH = "en-US"


class InboundCallbacks(StrEnum):
    """What a caller whose number has an open reminder gets: caller ID proves nothing, so never its details."""

    CALL_BACK = "call-back"  # thanked and hung up on; the dialer rings the reminder's stored number at once
    OFF = "off"  # thanked and asked to wait for our call


class ReminderStatus(StrEnum):
    SCHEDULED = "scheduled"  # waiting for its call time
    CALLING = "calling"  # dialled; waiting for the callee to answer or decide
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"  # by the callee in the call (outcome set) or by an operator (no outcome)
    NO_DECISION = "no_decision"  # answered, but never said yes or no
    NO_ANSWER = "no_answer"  # every attempt went unanswered
    FAILED = "failed"  # sipgate refused the call (400/401/403/404), or its messages kept going astray
    EXPIRED = "expired"  # no call could come MIN_NOTICE_MINUTES before the appointment any more
    RESCHEDULE_REQUESTED = "reschedule_requested"  # the callee wants another time; the practice gets in touch
    OPTED_OUT = "opted_out"  # the callee asked for no more calls; the number is on the do-not-call list
    VOICEMAIL = "voicemail"  # the last attempt reached a mailbox, which got the short message
    WRONG_NUMBER = "wrong_number"  # whoever answered does not know the callee: the practice corrects the number


class Outcome(StrEnum):
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    NO_DECISION = "no_decision"
    NO_ANSWER = "no_answer"
    FAILED = "failed"
    EXPIRED = "expired"
    RESCHEDULE_REQUESTED = "reschedule_requested"
    OPTED_OUT = "opted_out"
    VOICEMAIL = "voicemail"
    WRONG_NUMBER = "wrong_number"


class Via(StrEnum):
    """How the callee gave their decision."""

    SPEECH = "speech"
    KEY = "key"


class SmsFate(StrEnum):
    """What became of a reminder's SMS after its last attempt (``sms`` on the reminder's item)."""

    DEFERRED = "deferred"  # waits for the calling window's opening
    SENDING = "sending"  # claimed: the request goes out now
    SENT = "sent"  # sipgate took it (2xx)
    MAYBE_SENT = "maybe_sent"  # the request may have reached sipgate (5xx, timeout, crash): never sent again
    REFUSED = "refused"  # sipgate refused it (402 no credit, 403 not permitted, 400 bad number): the reason kept
    SKIPPED = "skipped"  # not sent: do-not-call, after the appointment, the window opens too late

    @property
    def settled(self) -> bool:
        """Whether nothing more happens to it (the outcome event waits for a settled fate)."""
        return self not in (SmsFate.DEFERRED, SmsFate.SENDING)


# Statuses after which nothing is dialled or decided any more.
DECIDED = frozenset(
    {
        ReminderStatus.CONFIRMED,
        ReminderStatus.CANCELLED,
        ReminderStatus.NO_DECISION,
        ReminderStatus.NO_ANSWER,
        ReminderStatus.FAILED,
        ReminderStatus.EXPIRED,
        ReminderStatus.RESCHEDULE_REQUESTED,
        ReminderStatus.OPTED_OUT,
        ReminderStatus.VOICEMAIL,
        ReminderStatus.WRONG_NUMBER,
    }
)

_REMINDER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$")
# For other models that carry a reminder id (the dialer's queue messages): one rule for every entrance.
REMINDER_ID_PATTERN = _REMINDER_ID.pattern


class Reminder(BaseModel):
    """One appointment to remind a callee of: what every entrance (SQS, Scheduler, CLI, CSV) accepts.

    ``appointment_at`` is ISO 8601 with an offset, or a local time that ``time_zone`` places; it is kept
    timezone-aware. ``call_at`` is when to ring (``None``: the scheduler derives it from the lead time).
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reminder_id: str
    to_phone_number: str
    appointment_at: datetime
    time_zone: str
    name: str = Field(min_length=1, max_length=100)
    language: Language = Language.GERMAN
    location: str | None = Field(default=None, max_length=200)
    call_at: datetime | None = None
    max_attempts: int = Field(default=3, ge=1, le=MAX_ATTEMPTS)
    # Who calls, as the greeting says it ("Praxis Dr. Weber"); None: the stack's CALLER_NAME.
    caller_name: str | None = Field(default=None, max_length=100)

    @field_validator("reminder_id")
    @classmethod
    def _valid_id(cls, value: str) -> str:
        if not _REMINDER_ID.fullmatch(value):
            raise ValueError("reminder_id must be 1-128 letters, digits or . _ : @ - and start with a letter or digit")
        return value

    @field_validator("to_phone_number")
    @classmethod
    def _dialable(cls, value: str) -> str:
        return phone.normalize(value)

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r}") from None
        return value

    @field_validator("location", "caller_name", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _aware_times(self) -> Self:
        zone = ZoneInfo(self.time_zone)
        if self.appointment_at.tzinfo is None:
            self.appointment_at = self.appointment_at.replace(tzinfo=zone)
        if self.call_at is not None and self.call_at.tzinfo is None:
            self.call_at = self.call_at.replace(tzinfo=zone)
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def local_appointment(self) -> datetime:
        """The appointment in the callee's own time zone, as it should be spoken."""
        return self.appointment_at.astimezone(self.zone)

    def latest_call(self, min_notice: timedelta) -> datetime:
        """The last moment a call about this reminder may start: ``min_notice`` before the appointment."""
        return self.appointment_at - min_notice


class HistoryEntry(BaseModel):
    at: datetime
    event: HistoryEvent
    detail: str | None = None


class ReminderRecord(Reminder):
    """A reminder as stored: the reminder plus what happened to it."""

    model_config = ConfigDict(extra="ignore")

    status: ReminderStatus = ReminderStatus.SCHEDULED
    attempts: int = 0
    outcome: Outcome | None = None
    outcome_via: Via | None = None
    outcome_session_id: str | None = None
    decided_at: datetime | None = None
    answered_attempt: int = 0
    voicemail_attempt: int = 0  # the last attempt that reached a mailbox (it got the short message)
    third_party_attempt: int = 0  # the last attempt that someone else answered for the callee
    # What the call that closed the reminder learned for the practice (never the callee's words).
    question_open: bool = False  # the callee asked what only the practice can answer: it calls back
    preferred_time: PreferredTime | None = None  # the time a reschedule_requested callee asked for
    attempt_started_at: datetime | None = None  # when the current attempt was claimed (the answer check needs it)
    recoveries: int = 0  # how often the reconciler re-sent a step whose message went astray
    last_error: str | None = None
    sms: SmsFate | None = None  # the SMS after the last attempt (reminders.model.sms), once it was looked at
    sms_detail: str | None = None  # why it was refused or skipped, or when a deferred one goes
    schedule_name: str | None = None
    created_at: datetime = Field(default_factory=lambda: utc_now())
    updated_at: datetime = Field(default_factory=lambda: utc_now())
    history: list[HistoryEntry] = Field(default_factory=list)

    @property
    def is_decided(self) -> bool:
        return self.status in DECIDED

    @property
    def awaits_callback(self) -> bool:
        """Waiting with its attempts used up: only a callback can be next (the callee called back after the
        last attempt's mailbox message, and the dialer reopened the reminder for that call)."""
        return self.status is ReminderStatus.SCHEDULED and self.attempts >= self.max_attempts

    @property
    def third_party_answered_last(self) -> bool:
        """Whether someone else answered the reminder's last call for the callee (who was not reached)."""
        return self.attempts > 0 and self.third_party_attempt >= self.attempts

    def reminder(self) -> Reminder:
        return Reminder.model_validate(self.model_dump(include=set(Reminder.model_fields)))


def utc_now() -> datetime:
    return datetime.now(UTC)
