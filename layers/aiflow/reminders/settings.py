"""The Lambdas' configuration: environment variables that ``template.yaml`` sets, checked at init.

A missing or malformed variable fails the init with a message that names it. Secrets are never in the
environment: a variable names an SSM SecureString, read through Powertools parameters with a cache.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from aiflow import phone
from reminders.model.calling_window import CallingWindow
from reminders.model.reminder import InboundCallbacks, Language

__all__ = [
    "ConfigError",
    "DialerConfig",
    "ReconcilerConfig",
    "SchedulingConfig",
    "WebhookConfig",
    "read_secure_parameter",
]

SECRET_CACHE_SECONDS = 300


class ConfigError(RuntimeError):
    """The function's environment is incomplete or wrong; the message names the variable."""


class _EnvironmentConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", str_strip_whitespace=True)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Self:
        environ = os.environ if environ is None else environ
        values = {name: environ[name.upper()] for name in cls.model_fields if environ.get(name.upper(), "") != ""}
        try:
            return cls.model_validate(values)
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in problem['loc']).upper() or cls.__name__}: {problem['msg']}"
                for problem in error.errors(include_url=False)
            )
            raise ConfigError(f"invalid configuration: {problems}") from None


class WebhookConfig(_EnvironmentConfig):
    table_name: str = Field(min_length=1)
    webhook_token_parameter: str = Field(min_length=1)
    default_language: Language = Language.GERMAN
    transfer_number: str | None = None
    caller_name: str = Field(min_length=1, max_length=100)  # who calls, e.g. "Praxis Dr. Weber"
    retry_after_voicemail: bool = True
    inbound_callbacks: InboundCallbacks = InboundCallbacks.CALL_BACK
    call_queue_url: str | None = None  # where a callback's dial goes
    # Each turn is answered within this many milliseconds of its arrival (sipgate waits about a second).
    turn_deadline_ms: Annotated[int, Field(ge=100, le=10_000)] = 800

    @field_validator("transfer_number")
    @classmethod
    def _dialable(cls, value: str | None) -> str | None:
        return None if value is None else phone.normalize(value)

    @model_validator(mode="after")
    def _callbacks_need_the_queue(self) -> Self:
        if self.inbound_callbacks is InboundCallbacks.CALL_BACK and not self.call_queue_url:
            raise ValueError("CALL_QUEUE_URL is required while INBOUND_CALLBACKS is call-back")
        return self


_WINDOW = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


class DialerConfig(_EnvironmentConfig):
    table_name: str = Field(min_length=1)
    sipgate_token_parameter: str = Field(min_length=1)
    sipgate_base_url: str = "https://api.sipgate.com"
    ai_flow_id: str = Field(min_length=1)
    billing_device: str = Field(min_length=1)
    calls_per_second: Annotated[int, Field(ge=1, le=100)] = 1
    call_window: str = "08:00-20:00"
    # Fractions of a minute are for local runs (make demo); the template's parameter allows whole minutes.
    retry_delay_minutes: Annotated[float, Field(gt=0, le=24 * 60)] = 60
    # The template asks for at least 30 s (a phone must ring a while); local runs go shorter.
    answer_timeout_seconds: Annotated[int, Field(ge=5, le=900)] = 120
    # From claiming an attempt to the answer of its last POST, so longer than one POST's 13 s timeout; the
    # function's 60 s timeout leaves room for the steps around it. Not a template parameter for that reason.
    dial_budget_seconds: Annotated[int, Field(ge=15, le=300)] = 40
    lead_time_hours: Annotated[int, Field(ge=0, le=24 * 14)] = 24
    # An attempt that reached a mailbox is retried while attempts remain (conversation.voicemail.voicemail_is_final).
    retry_after_voicemail: bool = True
    # No call comes later than this before the appointment: the reminder closes as expired instead.
    min_notice_minutes: Annotated[int, Field(ge=0, le=24 * 60)] = 60
    call_queue_url: str = Field(min_length=1)
    call_queue_arn: str | None = None
    scheduler_group: str | None = None
    scheduler_role_arn: str | None = None
    dead_letter_queue_arn: str | None = None  # where a schedule puts a message it could not deliver

    @field_validator("call_window")
    @classmethod
    def _window(cls, value: str) -> str:
        match = _WINDOW.fullmatch(value)
        if match is None or match.group(1, 2) >= match.group(3, 4):
            raise ValueError("must look like 08:00-20:00, the start before the end")
        return value


class ReconcilerConfig(_EnvironmentConfig):
    """The reconciler's settings: the dialer's timings (the same variables), and the grace it gives a step."""

    table_name: str = Field(min_length=1)
    call_queue_url: str = Field(min_length=1)
    answer_timeout_seconds: Annotated[int, Field(ge=5, le=900)] = 120
    dial_budget_seconds: Annotated[int, Field(ge=15, le=300)] = 40
    min_notice_minutes: Annotated[int, Field(ge=0, le=24 * 60)] = 60
    # How late a step may be before it counts as lost: longer than a redelivery after a refused dial takes.
    reconcile_grace_minutes: Annotated[float, Field(gt=0, le=24 * 60)] = 30


class SchedulingConfig(_EnvironmentConfig):
    """What scheduling reminders needs (``reminders.scheduling``, ``python -m reminders``).

    The variables have the dialer's names; ``reminders.operations.cli`` also reads them from a stack's Outputs.
    """

    table_name: str = Field(min_length=1)
    call_queue_url: str = Field(min_length=1)
    call_queue_arn: str = Field(min_length=1)
    scheduler_group: str = Field(min_length=1)
    scheduler_role_arn: str = Field(min_length=1)
    dead_letter_queue_arn: str | None = None
    call_window: str = "08:00-20:00"
    lead_time_hours: Annotated[int, Field(ge=0, le=24 * 14)] = 24
    min_notice_minutes: Annotated[int, Field(ge=0, le=24 * 60)] = 60

    @field_validator("call_window")
    @classmethod
    def _window(cls, value: str) -> str:
        return str(CallingWindow.parse(value))


def read_secure_parameter(name: str, *, force_fetch: bool = False) -> str:
    """An SSM SecureString, decrypted and cached for a few minutes (a rotated token arrives by itself).

    ``force_fetch`` skips the cache (and refills it): for a caller that has reason to think it changed.
    """
    from aws_lambda_powertools.utilities import parameters  # deferred: costs ~50 ms, needed once per cache period

    value = parameters.get_parameter(name, decrypt=True, max_age=SECRET_CACHE_SECONDS, force_fetch=force_fetch)
    if not isinstance(value, str) or not value:
        raise ConfigError(f"SSM parameter {name} is empty")
    return value
