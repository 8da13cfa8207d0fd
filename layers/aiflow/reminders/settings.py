"""The settings: every template parameter a function or the ``reminders`` command line reads, each defined once.

A field is defined once, with its type, bounds and default, in the group of the readers that need it; its
environment variable is its name in capitals (``min_notice_minutes``: ``MIN_NOTICE_MINUTES``), and where
the stack holds it, a :class:`StackParameter` or :class:`StackOutput` next to it names it there. A
reader's view is the groups it reads, plus the fields only it reads:

- :class:`TableSettings`, the table: every view but the outcome publisher's;
- :class:`CallSettings`, the call queue and the minimum notice: the dialer, the reconciler and the CLI;
- :class:`ScheduleSettings`, the Scheduler's group and role, the calling window and lead time: the dialer
  and the CLI (:class:`SchedulingConfig`, which the dialer's view extends);
- :class:`AttemptSettings`, an attempt's timing: the dialer and the reconciler;
- :class:`VoicemailSettings`, retrying after a mailbox: the webhook and the dialer;
- :class:`CallerSettings`, who calls: the webhook (the call says it) and the dialer (its SMS says it);
- :class:`SmsSettings`, which outcomes get an SMS after the last attempt: the dialer sends it, the outcome
  publisher waits for its fate.
- :class:`NumberKeySettings`, the key of the numbers' keyed hashes: the webhook, the dialer and the CLI;
- :class:`RetentionSettings`, how long a reminder is kept after its appointment: the dialer and the CLI.

A Lambda reads its view from the environment (:meth:`Settings.from_environ`); ``reminders --stack-name``
reads :class:`SchedulingConfig` from the stack's Parameters and Outputs (:meth:`Settings.from_stack`). A
missing or malformed value fails at init with a message that names it as its source does. Secrets are
never in the environment: a variable names an SSM SecureString.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Self, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo

from aiflow import phone
from reminders.model.calling_window import CallingWindow
from reminders.model.reminder import InboundCallbacks, Language, Outcome
from reminders.model.retention import DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS
from reminders.model.sms import texted_outcomes

__all__ = [
    "AttemptSettings",
    "CallSettings",
    "CallerSettings",
    "ConfigError",
    "DialerConfig",
    "NumberKeySettings",
    "PublisherConfig",
    "ReconcilerConfig",
    "RetentionSettings",
    "ScheduleSettings",
    "SchedulingConfig",
    "Settings",
    "SmsSettings",
    "StackOutput",
    "StackParameter",
    "TableSettings",
    "VoicemailSettings",
    "WebhookConfig",
    "stack_source",
]


class ConfigError(RuntimeError):
    """The function's environment (or the stack) is incomplete or wrong; the message names the value."""


@dataclass(frozen=True)
class StackParameter:
    """The template parameter a field is set from: the stack's Parameters hold it."""

    name: str


@dataclass(frozen=True)
class StackOutput:
    """The stack output that holds a field: a resource of the stack, which the functions get by reference."""

    name: str


def stack_source(field: FieldInfo) -> StackParameter | StackOutput | None:
    """Where the stack holds ``field``: its marker, also inside an optional field's ``Annotated`` type."""
    nested = (getattr(member, "__metadata__", ()) for member in get_args(field.annotation))
    for marker in itertools.chain(field.metadata, *nested):
        if isinstance(marker, StackParameter | StackOutput):
            return marker
    return None


def _calling_window(text: str) -> str:
    return str(CallingWindow.parse(text))


def _texted_outcomes(text: str) -> str:
    return ",".join(sorted(texted_outcomes(text))) or "off"


# A Bedrock model ID or inference profile ID: "amazon.nova-micro-v1:0", "eu.amazon.nova-micro-v1:0".
MODEL_ID_PATTERN = r"^[a-z0-9-]+(\.[a-z0-9-]+)+(:[0-9]+)?$"

CallQueueUrl = Annotated[str, Field(min_length=1), StackOutput("CallQueueUrl")]
# When calls, and the SMS after the last attempt, may go: the callee's local time.
CallWindow = Annotated[str, AfterValidator(_calling_window), StackParameter("CallWindow")]


class Settings(BaseModel):
    """How a view is read: from the environment or from a stack."""

    # Built on first use: a process reads one view, and the groups are never validated on their own.
    model_config = ConfigDict(frozen=True, extra="ignore", str_strip_whitespace=True, defer_build=True)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Self:
        """The view from environment variables (``os.environ`` by default); an empty variable is unset."""
        environ = os.environ if environ is None else environ
        variables = {name: name.upper() for name in cls.model_fields}
        return cls._read({name: environ.get(variable) for name, variable in variables.items()}, variables)

    @classmethod
    def from_stack(cls, stack: Mapping[str, Any]) -> Self:
        """The view from a stack as CloudFormation's ``DescribeStacks`` describes it.

        An output missing for a required field means the stack is not this application's; a parameter missing
        takes the field's default (a stack made before the parameter existed).
        """
        held = {
            StackOutput: {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])},
            StackParameter: {item["ParameterKey"]: item["ParameterValue"] for item in stack.get("Parameters", [])},
        }
        sources = cls.stack_sources()
        values = {name: held[type(source)].get(source.name) for name, source in sources.items()}
        missing = [
            source.name
            for name, source in sources.items()
            if isinstance(source, StackOutput) and values[name] is None and cls.model_fields[name].is_required()
        ]
        if missing:
            raise ConfigError(
                f"stack {stack['StackName']} has no output(s) {', '.join(missing)}: is it this application's?"
            )
        return cls._read(values, {name: source.name for name, source in sources.items()})

    @classmethod
    def stack_sources(cls) -> dict[str, StackParameter | StackOutput]:
        """Where the stack holds each field of this view; :class:`TypeError` for a field it does not hold."""
        sources = {name: stack_source(field) for name, field in cls.model_fields.items()}
        unheld = [name for name, source in sources.items() if source is None]
        if unheld:
            raise TypeError(f"{cls.__name__} cannot be read from a stack: no stack holds {', '.join(unheld)}")
        return {name: source for name, source in sources.items() if source is not None}

    @classmethod
    def _read(cls, values: Mapping[str, str | None], labels: Mapping[str, str]) -> Self:
        """The view from ``values`` by field name; a problem names the field by its label in the source."""
        try:
            return cls.model_validate({name: value for name, value in values.items() if value})
        except ValidationError as error:
            problems = "; ".join(
                f"{labels[str(problem['loc'][0])] if problem['loc'] else cls.__name__}: {problem['msg']}"
                for problem in error.errors(include_url=False)
            )
            raise ConfigError(f"invalid configuration: {problems}") from None


class TableSettings(Settings):
    """The table of reminders, sessions, lines and the do-not-call list."""

    table_name: Annotated[str, Field(min_length=1), StackOutput("TableName")]


class CallSettings(Settings):
    """Where calls are queued, and how near its appointment a call may still come: for all that queue calls."""

    call_queue_url: CallQueueUrl
    # No call comes later than this before the appointment: the reminder closes as expired instead.
    min_notice_minutes: Annotated[int, Field(ge=0, le=24 * 60), StackParameter("MinNoticeMinutes")] = 60


class ScheduleSettings(Settings):
    """When a reminder is called, and what delivers a call later than SQS can: the Scheduler's group and role."""

    call_queue_arn: Annotated[str, Field(min_length=1), StackOutput("CallQueueArn")]
    scheduler_group: Annotated[str, Field(min_length=1), StackOutput("SchedulerGroupName")]
    scheduler_role_arn: Annotated[str, Field(min_length=1), StackOutput("SchedulerRoleArn")]
    # Where a schedule puts a message it could not deliver.
    dead_letter_queue_arn: Annotated[str | None, StackOutput("DeadLetterQueueArn")] = None
    # The customer-managed key that encrypts the schedules' payloads (None: an AWS owned key).
    kms_key_arn: Annotated[str | None, StackParameter("KmsKeyArn")] = None
    call_window: CallWindow = "08:00-20:00"
    lead_time_hours: Annotated[int, Field(ge=0, le=24 * 14), StackParameter("LeadTimeHours")] = 24


class AttemptSettings(Settings):
    """How long one attempt takes: for the dialer that makes it and the reconciler that finds it overdue."""

    # The template asks for at least 30 s (a phone must ring a while); local runs go shorter.
    answer_timeout_seconds: Annotated[int, Field(ge=5, le=900), StackParameter("AnswerTimeoutSeconds")] = 120
    # From claiming an attempt to the answer of its last POST, so longer than one POST's 13 s timeout; the
    # function's 60 s timeout leaves room for the steps around it. Not a template parameter for that reason.
    dial_budget_seconds: Annotated[int, Field(ge=15, le=300)] = 40


class VoicemailSettings(Settings):
    """Whether a mailbox ends the reminder: the webhook says so on the call, the dialer decides the retry."""

    # An attempt that reached a mailbox is retried while attempts remain (model.after_voicemail.voicemail_is_final).
    retry_after_voicemail: Annotated[bool, StackParameter("RetryAfterVoicemail")] = True


class CallerSettings(Settings):
    """Who calls: the call says it, and so does the SMS after the last attempt."""

    # Who calls, e.g. "Praxis Dr. Weber".
    caller_name: Annotated[str, Field(min_length=1, max_length=100), StackParameter("CallerName")]


class SmsSettings(Settings):
    """Which outcomes get an SMS after the last attempt (``reminders.model.sms``): off, no_answer and/or voicemail."""

    sms_after_last_attempt: Annotated[str, AfterValidator(_texted_outcomes), StackParameter("SmsAfterLastAttempt")] = (
        "off"
    )

    @property
    def texted_outcomes(self) -> frozenset[Outcome]:
        return texted_outcomes(self.sms_after_last_attempt)


class NumberKeySettings(Settings):
    """The SecureString holding the key of the numbers' keyed hashes (reminders.store.number_keys): it must never
    change once numbers are stored under it."""

    number_key_parameter: Annotated[str, Field(min_length=1), StackParameter("NumberKeyParameterName")] = (
        "/aiflow-reminders/number-key"
    )


class RetentionSettings(Settings):
    """How long a reminder, its history and its line are kept after the appointment (reminders.model.retention)."""

    retention_days: Annotated[int, Field(ge=1, le=MAX_RETENTION_DAYS), StackParameter("RetentionDays")] = (
        DEFAULT_RETENTION_DAYS
    )


class WebhookConfig(VoicemailSettings, CallerSettings, NumberKeySettings, TableSettings):
    """The webhook's view: the conversation's settings, and the queue a callback's dial goes to."""

    webhook_token_parameter: Annotated[str, Field(min_length=1), StackParameter("WebhookTokenParameterName")]
    default_language: Annotated[Language, StackParameter("DefaultLanguage")] = Language.GERMAN
    transfer_number: Annotated[str | None, StackParameter("TransferNumber")] = None
    # On: a confirmation, or a request for another time, also gets the appointment in writing (send_sms).
    confirmation_sms: Annotated[bool, StackParameter("ConfirmationSms")] = False
    inbound_callbacks: Annotated[InboundCallbacks, StackParameter("InboundCallbacks")] = InboundCallbacks.CALL_BACK
    call_queue_url: CallQueueUrl | None = None  # needed only while callbacks are on
    # Each turn is answered within this many milliseconds of its arrival (sipgate waits about a second).
    turn_deadline_ms: Annotated[int, Field(ge=100, le=10_000), StackParameter("TurnDeadlineMs")] = 800
    # A Bedrock model or inference profile (eu.amazon.nova-micro-v1:0) that reads the answers the rules leave
    # unclear (reminders.conversation.second_reader); unset: off, and no Bedrock client is made.
    understanding_model_id: Annotated[
        str | None, Field(pattern=MODEL_ID_PATTERN, max_length=200), StackParameter("UnderstandingModelId")
    ] = None

    @field_validator("transfer_number")
    @classmethod
    def _dialable(cls, value: str | None) -> str | None:
        return None if value is None else phone.normalize(value)

    @model_validator(mode="after")
    def _callbacks_need_the_queue(self) -> Self:
        if self.inbound_callbacks is InboundCallbacks.CALL_BACK and not self.call_queue_url:
            raise ValueError("CALL_QUEUE_URL is required while INBOUND_CALLBACKS is call-back")
        return self


class SchedulingConfig(RetentionSettings, NumberKeySettings, ScheduleSettings, CallSettings, TableSettings):
    """What scheduling reminders needs (``reminders.scheduling``, ``python -m reminders``).

    Every field is held by the stack, so ``reminders --stack-name`` reads it all from the stack. The bases'
    order puts the table's and the queue's fields first (pydantic begins with the last base's), as its messages
    name them.
    """


class DialerConfig(SchedulingConfig, AttemptSettings, VoicemailSettings, SmsSettings, CallerSettings):
    """The dialer's view: it schedules too (deferred calls, other systems' messages), it places the calls, and
    it sends the SMS after the last attempt."""

    sipgate_token_parameter: Annotated[str, Field(min_length=1), StackParameter("SipgateTokenParameterName")]
    sipgate_base_url: Annotated[str, StackParameter("SipgateBaseUrl")] = "https://api.sipgate.com"
    ai_flow_id: Annotated[str, Field(min_length=1), StackParameter("AiFlowId")]
    billing_device: Annotated[str, Field(min_length=1), StackParameter("BillingDevice")]
    calls_per_second: Annotated[int, Field(ge=1, le=100), StackParameter("CallsPerSecond")] = 1
    # Fractions of a minute are for local runs (make demo); the template's parameter allows whole minutes.
    retry_delay_minutes: Annotated[float, Field(gt=0, le=24 * 60), StackParameter("RetryDelayMinutes")] = 60
    # The Web SMS extension the SMS after the last attempt goes from ("s0"), and the number it asks to call
    # back: the AI Flow's own, whose calls reach the private callback. Both needed while that SMS is on.
    sms_id: Annotated[str | None, Field(pattern=r"^s\d+$"), StackParameter("SmsId")] = None
    sms_callback_number: Annotated[str | None, StackParameter("SmsCallbackNumber")] = None

    @field_validator("sms_callback_number")
    @classmethod
    def _callback_dialable(cls, value: str | None) -> str | None:
        return None if value is None else phone.normalize(value)

    @model_validator(mode="after")
    def _sms_needs_its_sender(self) -> Self:
        if self.texted_outcomes and not (self.sms_id and self.sms_callback_number):
            raise ValueError("SMS_ID and SMS_CALLBACK_NUMBER are required while SMS_AFTER_LAST_ATTEMPT is not off")
        return self


class ReconcilerConfig(CallSettings, AttemptSettings, SmsSettings, TableSettings):
    """The reconciler's view: the dialer's timings (the same variables), the grace it gives a step, and the
    SMS after the last attempt it sees settled (which outcomes get one, and when it may go)."""

    call_window: CallWindow = "08:00-20:00"

    # How late a step may be before it counts as lost: longer than a redelivery after a refused dial takes.
    reconcile_grace_minutes: Annotated[float, Field(gt=0, le=24 * 60), StackParameter("ReconcileGraceMinutes")] = 30


class PublisherConfig(SmsSettings):
    """The outcome publisher's view: the bus it puts ``Reminder outcome`` events on, and the outcomes whose
    event waits for the fate of their SMS."""

    event_bus_name: Annotated[str, Field(min_length=1), StackOutput("EventBusName")]
