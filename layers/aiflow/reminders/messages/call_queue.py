"""The call queue's messages: their format, and the reading of what other systems and operators send.

Every message on the call queue, in a one-time schedule's input and in a direct Scheduler or EventBridge
invocation of the dialer (the ``detail`` of a ``Reminder call`` event on the stack's bus) is one JSON
object; ``kind`` says which. Other systems send the first four (their JSON Schemas are in ``schemas/``):

``{"kind": "schedule", "reminder": {...}}``, or the bare reminder ``{...}`` (no ``kind``)
    Create the reminder, or update the one with that ``reminder_id`` while it waits for its call: a moved
    appointment moves its call (:meth:`ReminderScheduler.receive`). A reminder whose call is in progress or
    that is decided is not disturbed; its history says that the message came.
``{"kind": "cancel", "reminder_id": "appt-1001"}``
    Cancel the reminder (scheduled, or being called) and delete its pending schedule.
``{"kind": "forget", "reminder_id": "appt-1001"}`` or ``{"kind": "forget", "to_phone_number": "+49..."}``
    Erase the reminder, or every reminder of the number: every item and schedule of it goes
    (:mod:`reminders.aws.erasure`); a do-not-call entry stays, as a keyed hash. Whatever its state, a call
    in progress included (the webhook then finds nothing of it and ends the call politely).
``{"kind": "dial", "reminder": {...}, "attempt": 1}``
    Place attempt ``attempt`` (default 1) of the reminder. ``reminder`` is a whole reminder
    (:class:`reminders.model.reminder.Reminder`: ``reminder_id``, ``to_phone_number``, ``appointment_at``,
    ``time_zone``, ``name``, optional ``language``, ``location``, ``call_at``, ``max_attempts``). If the
    table does not know the reminder yet, the dialer stores it first, so "call now" needs no separate
    registration; if it does, the stored reminder wins and the copy is ignored.
``{"kind": "dial", "reminder_id": "appt-1001", "attempt": 2}``
    The same for a stored reminder. Dial messages never dial early: one that arrives before the reminder's
    ``call_at`` or outside the calling window is delivered again when calling is allowed.
``{"kind": "dial", "reminder_id": "appt-1001", "attempt": 2, "callback": true}``
    A callee called in about an open reminder and is rung back now (private callbacks: the message names
    no number, so the reminder's stored number is rung, never the caller ID's). Sent by the webhook.
``{"kind": "check_answer", "reminder_id": "appt-1001", "attempt": 1}``
    Sent by the dialer itself, delayed by the answer timeout, before it dials: if the callee has not
    answered that attempt by then, the reminder is retried after ``RETRY_DELAY_MINUTES`` or, after its last
    attempt, closed as ``no_answer``.
``{"kind": "sms", "reminder_id": "appt-1001", "attempt": 3}``
    Sent by the dialer itself when attempt ``attempt`` closed the reminder as ``no_answer`` or ``voicemail``
    and ``SMS_AFTER_LAST_ATTEMPT`` names that outcome: text the callee (:mod:`reminders.dialing.texts`), now,
    or again at the calling window's opening.

The attempt number makes every message idempotent: the dialer claims attempt *n* with a conditional write
(:meth:`reminders.store.repository.ReminderRepository.claim_attempt`), so a message delivered twice, two messages
for one attempt or a schedule that fires again never ring the callee twice. A message that fails
validation is rejected with its reason and never retried.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from aiflow import phone
from reminders.model.reminder import MAX_ATTEMPTS, REMINDER_ID_PATTERN, Reminder

__all__ = [
    "AnyCallMessage",
    "CallMessage",
    "CancelMessage",
    "CheckAnswerMessage",
    "DialMessage",
    "ForgetMessage",
    "InvalidCallMessage",
    "InvalidReminder",
    "Problem",
    "ScheduleMessage",
    "SchedulingError",
    "SmsMessage",
    "parse_call_message",
    "parse_reminder",
]

ReminderId = Annotated[str, StringConstraints(pattern=REMINDER_ID_PATTERN)]
Attempt = Annotated[int, Field(ge=1, le=MAX_ATTEMPTS)]


class DialMessage(BaseModel):
    """Place attempt ``attempt`` of a reminder; carries the whole reminder or only its id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["dial"] = "dial"
    reminder_id: ReminderId
    attempt: Attempt = 1
    reminder: Reminder | None = None
    # True: the callee called in and is to be rung back now, on the reminder's stored number (the message
    # carries none). Sent by reminders.conversation.inbound; unset for every other dial.
    callback: Literal[True] | None = None

    @model_validator(mode="before")
    @classmethod
    def _id_from_reminder(cls, data: Any) -> Any:
        # {"kind": "dial", "reminder": {...}} names its reminder once; the id is then taken from it.
        if isinstance(data, dict) and "reminder_id" not in data and isinstance(data.get("reminder"), dict):
            return {**data, "reminder_id": data["reminder"].get("reminder_id")}
        return data

    @model_validator(mode="after")
    def _same_reminder(self) -> Self:
        if self.reminder is not None and self.reminder.reminder_id != self.reminder_id:
            raise ValueError("reminder_id and reminder.reminder_id differ")
        return self


class ScheduleMessage(BaseModel):
    """Create a reminder, or update a waiting one (another system's appointment was made or moved)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="schedule message")

    kind: Literal["schedule"] = "schedule"
    reminder: Reminder

    @property
    def reminder_id(self) -> str:
        return self.reminder.reminder_id


class CancelMessage(BaseModel):
    """Cancel a reminder and delete its schedule (another system's appointment was cancelled)."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="cancel message")

    kind: Literal["cancel"] = "cancel"
    reminder_id: ReminderId


class ForgetMessage(BaseModel):
    """Erase a reminder, or every reminder of a phone number (the patient asked, or the practice deleted them)."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="forget message",
        # The schema's way of saying "one of the two" (the validator below says it to the parser).
        json_schema_extra={
            "oneOf": [
                {"required": ["reminder_id"], "properties": {"reminder_id": {"type": "string"}}},
                {"required": ["to_phone_number"], "properties": {"to_phone_number": {"type": "string"}}},
            ]
        },
    )

    kind: Literal["forget"] = "forget"
    reminder_id: ReminderId | None = None
    to_phone_number: Annotated[str, AfterValidator(phone.normalize)] | None = None

    @model_validator(mode="after")
    def _one_subject(self) -> Self:
        if (self.reminder_id is None) == (self.to_phone_number is None):
            raise ValueError("give either reminder_id or to_phone_number")
        return self


class CheckAnswerMessage(BaseModel):
    """Did the callee answer attempt ``attempt``? Sent delayed by the dialer before it dials."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["check_answer"] = "check_answer"
    reminder_id: ReminderId
    attempt: Attempt


class SmsMessage(BaseModel):
    """Text the callee of a reminder that attempt ``attempt`` closed unreached. Sent by the dialer itself."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["sms"] = "sms"
    reminder_id: ReminderId
    attempt: Attempt


AnyCallMessage = ScheduleMessage | CancelMessage | ForgetMessage | DialMessage | CheckAnswerMessage | SmsMessage
CallMessage = Annotated[AnyCallMessage, Field(discriminator="kind")]
_CALL_MESSAGE: TypeAdapter[AnyCallMessage] = TypeAdapter(CallMessage)
_KINDS = ("schedule", "cancel", "forget", "dial", "check_answer", "sms")


class InvalidCallMessage(ValueError):
    """A message that is not a valid call message; ``reminder_id`` is its reminder's id if one could be read."""

    def __init__(self, reason: str, reminder_id: str | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.reminder_id = reminder_id


def parse_call_message(body: str | bytes | Mapping[str, Any]) -> AnyCallMessage:
    """The message in ``body`` (JSON text or an already decoded object); :class:`InvalidCallMessage` says why not.

    An object without ``kind`` that has a ``reminder_id`` and a ``to_phone_number`` is a bare reminder: a
    ``schedule`` message.
    """
    if isinstance(body, Mapping):
        data: Any = dict(body)
    else:
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as error:
            raise InvalidCallMessage(f"not JSON: {error}", None) from None
    if not isinstance(data, dict):
        raise InvalidCallMessage("the message must be a JSON object", None)
    kinds = ", ".join(_KINDS[:4])  # check_answer and sms are the dialer's own
    if "kind" not in data:
        if not {"reminder_id", "to_phone_number"} <= data.keys():
            raise InvalidCallMessage(
                f"kind: missing, one of {kinds} (a bare reminder is scheduled)", _readable_id(data)
            )
        data = {"kind": "schedule", "reminder": data}
    elif data["kind"] not in _KINDS:
        raise InvalidCallMessage(f"kind: {data['kind']!r} is not one of {kinds}", _readable_id(data))
    try:
        return _CALL_MESSAGE.validate_python(data)
    except ValidationError as error:
        raise InvalidCallMessage(_describe(error), _readable_id(data)) from None


def _readable_id(data: Any) -> str | None:
    """The reminder id of an invalid message, when it has a well-formed one (for the reminder's history)."""
    if not isinstance(data, dict):
        return None
    candidate = data.get("reminder_id")
    if candidate is None and isinstance(data.get("reminder"), dict):
        candidate = data["reminder"].get("reminder_id")
    if isinstance(candidate, str) and re.fullmatch(REMINDER_ID_PATTERN, candidate):
        return candidate
    return None


def _describe(error: ValidationError) -> str:
    # Without the input values: they may hold a phone number, which must not reach the logs.
    return "; ".join(f"{problem.field}: {problem.reason}" for problem in _problems(error))


@dataclass(frozen=True)
class Problem:
    """What is wrong with one field of a reminder."""

    field: str
    reason: str


# Pydantic's words where they name its own machinery rather than what is wrong.
_PLAIN_REASONS = {
    "missing": "is required",
    "extra_forbidden": "is not a field of this message",
    "string_pattern_mismatch": "has characters that are not allowed here",
    "model_type": "must be a JSON object",
    "model_attributes_type": "must be a JSON object",
}


def _problems(error: ValidationError) -> list[Problem]:
    problems = []
    for detail in error.errors(include_url=False, include_input=False, include_context=False):
        location = [str(part) for part in detail["loc"] if part not in _KINDS]
        reason = _PLAIN_REASONS.get(detail["type"]) or detail["msg"].removeprefix("Value error, ")
        problems.append(Problem(".".join(location) or "message", reason))
    return problems


class SchedulingError(Exception):
    """A scheduling request that cannot be carried out; the message says why."""


class InvalidReminder(SchedulingError):
    """A reminder with invalid fields: ``problems`` names each field and what is wrong with it."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{problem.field}: {problem.reason}" for problem in problems))
        self.problems = problems


def parse_reminder(values: Mapping[str, Any]) -> Reminder:
    """A :class:`Reminder` from user input (CLI flags, a CSV row); :class:`InvalidReminder` names every bad field."""
    try:
        return Reminder.model_validate(dict(values))
    except ValidationError as error:
        raise InvalidReminder(_problems(error)) from None
