"""Reminder outcome events: what the business hears when a reminder is closed.

The table's change stream is the source (not the webhook turn, so a caller waits for nothing extra, and
an outcome written is an outcome published however long the bus fails: the stream keeps the record and
the publisher tries again). :func:`outcome_event` looks at one stream record and returns the event for it,
or ``None`` when the record is not a reminder reaching a final status:

- a reminder item (``REMINDER#...``) whose new image has a final status (:data:`reminders.model.reminder.DECIDED`)
  and whose old image did not have one: the moment it was decided, expired, failed or cancelled;
- everything else (sessions, line claims, rate counters, history notes on a closed reminder) is not, and
  neither is any deletion: an erasure's (``reminders forget``) or the table's TTL's (its records name
  DynamoDB's own principal, :func:`is_expiry`; the publisher's event filter drops them before this).

A reminder closed with an outcome that gets an SMS after the last attempt (``texted``, from
``SMS_AFTER_LAST_ATTEMPT``) is published once its SMS is settled (:attr:`SmsFate.settled`: sent, maybe sent,
refused or skipped), so that the event says what became of it (``sms``); a deferred SMS holds its event until
the calling window opens.

Each event goes on the stack's bus with source :data:`SOURCE` and detail-type :data:`DETAIL_TYPE`; the
detail is :class:`OutcomeDetail` (JSON Schema: ``schemas/reminder-outcome.schema.json``). Delivery is at
least once: a stream record can be read twice, and the publisher repeats a batch that the bus refused in
part. ``event_id`` (the reminder id and the outcome) is the same each time, so a consumer drops the
duplicates by it. The detail carries no phone number and no transcript.

Besides the outcome, the detail says what the practice has to act on, each a field of its own and never
the callee's words: ``preferred_time`` (on ``reschedule_requested``, the time the callee asked for, as
:class:`reminders.model.preferred_time.PreferredTime`: only the parts said, resolved to the calendar),
``question_open`` (the callee asked something only the practice can answer; it calls back about it) and
``third_party`` (the reminder's last call was answered by someone else for the callee,
who was not reached: ``no_decision``, or ``expired`` when no later call could come in time).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_serializer

from reminders.model.preferred_time import PreferredTime
from reminders.model.reminder import DECIDED, Outcome, ReminderStatus, SmsFate, Via
from reminders.model.sms import SMS_IN_EVENT, sms_in_event
from reminders.store.repository import REMINDER_KEY_PREFIX, record_from_item

__all__ = ["DETAIL_TYPE", "OPERATOR", "SOURCE", "TTL_PRINCIPAL", "OutcomeDetail", "is_expiry", "outcome_event"]

SOURCE = "aiflow.reminders"
DETAIL_TYPE = "Reminder outcome"
# ``via`` of a reminder an operator withdrew (the CLI's ``cancel``): it has a status but no outcome.
OPERATOR = "operator"
# Who a stream record of a TTL deletion names in its userIdentity (type "Service").
TTL_PRINCIPAL = "dynamodb.amazonaws.com"


class OutcomeDetail(BaseModel):
    """The ``detail`` of a ``Reminder outcome`` event."""

    model_config = ConfigDict(extra="forbid", title="Reminder outcome")

    event_id: str = Field(description="reminder_id and outcome: the same for every delivery of this outcome")
    reminder_id: str
    outcome: str = Field(
        description="the reminder's final status",
        json_schema_extra={"enum": [*sorted(final.value for final in DECIDED)]},
    )
    via: str | None = Field(
        description="how it was decided: speech or key (the callee), operator (cancelled by an operator), "
        "null when the dialer closed it (no_answer, failed, ...)",
        json_schema_extra={"enum": [*sorted(via.value for via in Via), OPERATOR, None]},
    )
    attempts: int = Field(ge=0, description="calls placed for this reminder")
    decided_at: datetime
    appointment_at: datetime
    time_zone: str = Field(description="the callee's IANA time zone, in which the appointment is spoken")
    session_id: str | None = Field(description="the AI Flow session of the call that decided it, if any")
    sms: str = Field(
        description="the SMS after the last attempt: sent, refused (402, 403, 400), unknown (it may have been "
        "sent: a 5xx or a timeout, never repeated) or none",
        json_schema_extra={"enum": list(SMS_IN_EVENT)},
    )
    preferred_time: PreferredTime | None = Field(
        description="on reschedule_requested, the time the callee asked for (only the parts said; dates resolved "
        "against the appointment in its time zone); null when they named none. Never the callee's words"
    )
    question_open: bool = Field(
        description="the callee asked a question only the practice can answer, and was told it calls back "
        "(the flag, never the words)"
    )
    third_party: bool = Field(
        description="the last call was answered by someone else for the callee, who was not reached "
        "(outcome no_decision, or expired when no later call could come in time)"
    )

    @field_serializer("preferred_time")
    def _parts_said(self, preferred_time: PreferredTime | None) -> dict[str, str] | None:
        return preferred_time.stated() if preferred_time is not None else None


def outcome_event(record: dict[str, Any], texted: frozenset[Outcome] = frozenset()) -> OutcomeDetail | None:
    """The event for one DynamoDB stream record (Lambda's format), or ``None`` if it closes no reminder.

    ``texted``: the outcomes whose event waits for their SMS to be settled.
    """
    if is_expiry(record):
        return None
    change = record.get("dynamodb") or {}
    new_image = change.get("NewImage")
    key = (change.get("Keys") or {}).get("pk", {}).get("S", "")
    if not new_image or not key.startswith(REMINDER_KEY_PREFIX):
        return None
    if not _is_final(new_image, texted) or _is_final(change.get("OldImage") or {}, texted):
        return None
    reminder = record_from_item(new_image)
    outcome = reminder.outcome.value if reminder.outcome is not None else reminder.status.value
    operator_closed = reminder.outcome is None and reminder.status is ReminderStatus.CANCELLED
    via = OPERATOR if operator_closed else (reminder.outcome_via.value if reminder.outcome_via else None)
    return OutcomeDetail(
        event_id=f"{reminder.reminder_id}#{outcome}",
        reminder_id=reminder.reminder_id,
        outcome=outcome,
        via=via,
        attempts=reminder.attempts,
        decided_at=reminder.decided_at or reminder.updated_at,
        appointment_at=reminder.appointment_at,
        time_zone=reminder.time_zone,
        session_id=reminder.outcome_session_id,
        sms=sms_in_event(reminder.sms),
        preferred_time=reminder.preferred_time,
        question_open=reminder.question_open,
        third_party=reminder.third_party_answered_last,
    )


def is_expiry(record: dict[str, Any]) -> bool:
    """Whether the stream record is the table's TTL deleting an item (never an outcome, whatever it held)."""
    identity = record.get("userIdentity") or {}
    return identity.get("type") == "Service" and identity.get("principalId") == TTL_PRINCIPAL


def _is_final(image: dict[str, Any], texted: frozenset[Outcome]) -> bool:
    status = image.get("status", {}).get("S")
    if status is None or status not in {final.value for final in DECIDED}:
        return False
    outcome = image.get("outcome", {}).get("S")
    sms = image.get("sms", {}).get("S")
    return outcome not in texted or (sms is not None and SmsFate(sms).settled)
