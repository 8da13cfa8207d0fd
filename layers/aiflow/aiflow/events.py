"""The events sipgate AI Flow POSTs to the webhook, as typed models, and the one entry point that parses them.

The models are lenient where the protocol is: every session field but ``id`` is optional, extra fields
are kept, numbers arrive with or without ``+``, ``user_barge_in`` is the legacy form of an interruption
and ``timeout`` an alias of ``user_input_timeout``. An event ``type`` this SDK does not know parses to
:class:`UnknownEvent` (answered ``204`` for forward compatibility), never to an error.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import StrEnum
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from aiflow import phone
from aiflow.errors import InvalidEvent

__all__ = [
    "REPLY_IGNORED_TYPES",
    "AssistantSpeak",
    "AssistantSpeechEnded",
    "DtmfReceived",
    "Event",
    "EventType",
    "Session",
    "SessionEnd",
    "SessionStart",
    "SmsFailed",
    "UnknownEvent",
    "UserBargeIn",
    "UserInputTimeout",
    "UserSpeak",
    "UserSpeechStarted",
    "parse_event",
]


class EventType(StrEnum):
    SESSION_START = "session_start"
    USER_SPEAK = "user_speak"
    USER_BARGE_IN = "user_barge_in"
    USER_SPEECH_STARTED = "user_speech_started"
    ASSISTANT_SPEAK = "assistant_speak"
    ASSISTANT_SPEECH_ENDED = "assistant_speech_ended"
    USER_INPUT_TIMEOUT = "user_input_timeout"
    DTMF_RECEIVED = "dtmf_received"
    SESSION_END = "session_end"
    SMS_FAILED = "sms_failed"


# sipgate does nothing with the webhook's answer to these, whatever it is: the call is over, or the caller only
# began to speak (what they say follows as user_speak).
REPLY_IGNORED_TYPES: frozenset[str] = frozenset({EventType.SESSION_END, EventType.USER_SPEECH_STARTED})


# defer_build: a model's validator is built on first use, so importing this module stays cheap and a
# webhook only pays for the event types it actually receives.
_LENIENT = ConfigDict(extra="allow", defer_build=True, coerce_numbers_to_str=True)


class Session(BaseModel):
    """The call an event belongs to. Only ``id`` is always present."""

    model_config = _LENIENT

    id: str = Field(min_length=1)
    account_id: str | None = None
    phone_number: str | None = None
    # "inbound" or "outbound"; kept as a plain string so a direction sipgate adds later is no 400.
    direction: str | None = None
    from_phone_number: str | None = None
    to_phone_number: str | None = None

    @property
    def is_outbound(self) -> bool:
        return self.direction == "outbound"

    @property
    def remote_number(self) -> str | None:
        """The other party's number as digits-only E.164: the callee of an outbound call, else the caller.

        ``None`` when sipgate did not send it or it is not a dialable number (an anonymous caller).
        """
        raw = self.to_phone_number if self.is_outbound else self.from_phone_number
        if raw is None:
            return None
        try:
            return phone.normalize(raw)
        except phone.InvalidPhoneNumber:
            return None


class _EventBase(BaseModel):
    model_config = _LENIENT

    session: Session

    @property
    def session_id(self) -> str:
        return self.session.id


class SessionStart(_EventBase):
    """A call began; re-sent with the same session id when a ``transfer`` with ``timeout`` failed."""

    type: Literal["session_start"]


class UserSpeak(_EventBase):
    """Recognised speech; ``barged_in`` means the user interrupted the assistant."""

    type: Literal["user_speak"]
    text: str = ""  # sent without text: empty speech, for the handler to answer (a 400 would leave silence)
    barged_in: bool = False


class UserBargeIn(_EventBase):
    """The legacy form of an interruption: handled like ``user_speak`` with ``barged_in``."""

    type: Literal["user_barge_in"]
    text: str | None = None


class UserSpeechStarted(_EventBase):
    """WebSocket only: the user started speaking. Any reply is ignored by sipgate."""

    type: Literal["user_speech_started"]


class AssistantSpeak(_EventBase):
    """Playback of the assistant's speech started."""

    type: Literal["assistant_speak"]
    text: str | None = None
    ssml: str | None = None
    duration_ms: int | float | None = None  # an integer stays one
    speech_started_at: int | None = None


class AssistantSpeechEnded(_EventBase):
    """Playback finished: the moment to ``hangup`` after a goodbye without cutting it off."""

    type: Literal["assistant_speech_ended"]


class UserInputTimeout(_EventBase):
    """No speech followed a ``speak`` that set ``user_input_timeout_seconds``."""

    type: Literal["user_input_timeout", "timeout"]


class DtmfReceived(_EventBase):
    """One key press."""

    type: Literal["dtmf_received"]
    digit: str = Field(pattern=r"^[0-9*#]$")


class SessionEnd(_EventBase):
    """The call is over. No action is possible any more."""

    type: Literal["session_end"]
    reason: str | None = None


class SmsFailed(_EventBase):
    """A ``send_sms`` failed. sipgate does not document its fields: the likely ones are read when they come
    (as strings, whatever their JSON type, never refused), and any other field is kept in ``model_extra``.

    ``phone_number`` is the recipient, ``message`` the text, ``reason`` why it failed (sent as ``reason``,
    ``error`` or ``error_message``); each is ``None`` when absent.
    """

    type: Literal["sms_failed"]
    phone_number: str | None = None
    message: str | None = None
    reason: str | None = Field(default=None, validation_alias=AliasChoices("reason", "error", "error_message"))

    @field_validator("phone_number", "message", "reason", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> str | None:
        """A field of an undocumented shape is read, never refused: an object or a list becomes its JSON."""
        if value is None or isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False)


class UnknownEvent(_EventBase):
    """An event type this SDK does not know yet; ``raw`` holds the payload as received."""

    type: str
    raw: dict[str, Any]


KnownEvent = Annotated[
    SessionStart
    | UserSpeak
    | UserBargeIn
    | UserSpeechStarted
    | AssistantSpeak
    | AssistantSpeechEnded
    | UserInputTimeout
    | DtmfReceived
    | SessionEnd
    | SmsFailed,
    Field(discriminator="type"),
]
Event = KnownEvent | UnknownEvent

_KNOWN_TYPES = frozenset(EventType) | {"timeout"}


@cache
def _known_event_adapter() -> TypeAdapter[KnownEvent]:
    return TypeAdapter(KnownEvent)


def parse_event(data: bytes | str | Mapping[str, Any]) -> Event:
    """Parse a webhook body (raw bytes, text or an already decoded object) into a typed event.

    Raises :class:`InvalidEvent`, with a reason fit for a ``400`` response, for anything that is not
    an AI Flow event: not UTF-8, not JSON, not an object, no ``type``, no ``session.id``, or a known
    type whose fields have the wrong types.
    """
    payload = _decode(data)
    event_type = payload.get("type")
    if not isinstance(event_type, str) or not event_type:
        raise InvalidEvent("event has no 'type' string")
    session = payload.get("session")
    if not isinstance(session, Mapping):
        raise InvalidEvent("event has no 'session' object")
    session_id = session.get("id")
    if not isinstance(session_id, str) or not session_id:
        raise InvalidEvent("event has no 'session.id' string")
    try:
        if event_type in _KNOWN_TYPES:
            return _known_event_adapter().validate_python(payload)
        return UnknownEvent.model_validate({"type": event_type, "session": session, "raw": dict(payload)})
    except ValidationError as error:
        raise InvalidEvent(f"invalid {event_type} event: {_first_problem(error)}") from None


def _decode(data: bytes | str | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(data, Mapping):
        return data
    if isinstance(data, bytes | bytearray | memoryview):
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidEvent("body is not UTF-8 text") from None
    if not isinstance(data, str):
        raise InvalidEvent(f"body must be bytes, str or a mapping, got {type(data).__name__}")
    try:
        payload = json.loads(data)
    except (ValueError, RecursionError) as error:  # ValueError: JSONDecodeError, or an int too long to convert
        raise InvalidEvent(f"body is not JSON: {error}") from None
    if not isinstance(payload, dict):
        raise InvalidEvent(f"event must be a JSON object, got {type(payload).__name__}")
    return payload


def _first_problem(error: ValidationError) -> str:
    problem = error.errors(include_url=False, include_input=False)[0]
    location = [str(part) for part in problem["loc"] if part not in _KNOWN_TYPES]  # drop the union tag
    where = ".".join(location)
    count = error.error_count()
    more = f" (and {count - 1} more)" if count > 1 else ""
    return f"{where or 'event'}: {problem['msg']}{more}"
