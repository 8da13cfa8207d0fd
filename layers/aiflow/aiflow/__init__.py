"""aiflow: sipgate AI Flow voice assistants in Python, on AWS Lambda, ASGI or WSGI servers.

Everything public is importable from here. The outbound client and the SMS client load on first use: a
webhook that never dials never imports ``requests``. Pydantic models build their validators on first use too.
Installed as the distribution ``aiflow-kit``; its extras ``[outbound]`` and ``[aws]`` bring what placing
calls and the DynamoDB session store need, and using either without it raises :class:`MissingExtra`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from aiflow._extras import MissingExtra
from aiflow.actions import (
    Action,
    ActionModel,
    ActionType,
    AudioAction,
    AzureTts,
    BargeInAction,
    BargeInConfig,
    BargeInStrategy,
    ConfigureTranscriptionAction,
    ConfigureVoiceToVoiceAction,
    ElevenLabsTts,
    ElevenLabsVoice,
    HangupAction,
    MixAudioAction,
    SendSmsAction,
    SpeakAction,
    TranscriptionProvider,
    TransferAction,
    TtsProvider,
    VadConfig,
    audio,
    barge_in,
    configure_transcription,
    configure_voice_to_voice,
    dump_action,
    hangup,
    mix_audio,
    parse_action,
    send_sms,
    speak,
    transfer,
)
from aiflow.assistant import AiFlowAssistant, HandlerResult, WebhookResponse
from aiflow.auth import is_authorized
from aiflow.deadline import Deadline, DeadlineExceeded, bind_to_deadline
from aiflow.errors import AiFlowError, InvalidAction, InvalidEvent, StateConflict
from aiflow.events import (
    AssistantSpeak,
    AssistantSpeechEnded,
    DtmfReceived,
    Event,
    EventType,
    Session,
    SessionEnd,
    SessionStart,
    SmsFailed,
    UnknownEvent,
    UserBargeIn,
    UserInputTimeout,
    UserSpeak,
    UserSpeechStarted,
    parse_event,
)
from aiflow.phone import InvalidPhoneNumber
from aiflow.state import (
    CancellationReasons,
    DynamoDBSessionStore,
    InMemorySessionStore,
    SessionStore,
    StoredState,
    write_with_state,
)

__version__ = "0.1.0"

if TYPE_CHECKING:
    from aiflow.outbound import (
        CallRateLimited,
        CallRejected,
        CallServerError,
        CallTransportError,
        OutboundCallError,
        OutboundClient,
        PlacedCall,
    )
    from aiflow.sms import (
        SentSms,
        SmsBadRequest,
        SmsClient,
        SmsError,
        SmsMaybeSent,
        SmsNoCredit,
        SmsNotPermitted,
        SmsNotSent,
        SmsRefused,
    )

# The outbound client needs requests; a webhook that never dials should not load it.
_OUTBOUND = frozenset(
    {
        "CallRateLimited",
        "CallRejected",
        "CallServerError",
        "CallTransportError",
        "OutboundCallError",
        "OutboundClient",
        "PlacedCall",
    }
)
# The SMS client needs requests too.
_SMS = frozenset(
    {
        "SentSms",
        "SmsBadRequest",
        "SmsClient",
        "SmsError",
        "SmsMaybeSent",
        "SmsNoCredit",
        "SmsNotPermitted",
        "SmsNotSent",
        "SmsRefused",
    }
)


def __getattr__(name: str) -> Any:
    if name in _OUTBOUND:
        return getattr(import_module("aiflow.outbound"), name)
    if name in _SMS:
        return getattr(import_module("aiflow.sms"), name)
    raise AttributeError(f"module 'aiflow' has no attribute {name!r}")


__all__ = [
    "Action",
    "ActionModel",
    "ActionType",
    "AiFlowAssistant",
    "AiFlowError",
    "AssistantSpeak",
    "AssistantSpeechEnded",
    "AudioAction",
    "AzureTts",
    "BargeInAction",
    "BargeInConfig",
    "BargeInStrategy",
    "CallRateLimited",
    "CallRejected",
    "CallServerError",
    "CallTransportError",
    "CancellationReasons",
    "ConfigureTranscriptionAction",
    "ConfigureVoiceToVoiceAction",
    "Deadline",
    "DeadlineExceeded",
    "DtmfReceived",
    "DynamoDBSessionStore",
    "ElevenLabsTts",
    "ElevenLabsVoice",
    "Event",
    "EventType",
    "HandlerResult",
    "HangupAction",
    "InMemorySessionStore",
    "InvalidAction",
    "InvalidEvent",
    "InvalidPhoneNumber",
    "MissingExtra",
    "MixAudioAction",
    "OutboundCallError",
    "OutboundClient",
    "PlacedCall",
    "SendSmsAction",
    "SentSms",
    "Session",
    "SessionEnd",
    "SessionStart",
    "SessionStore",
    "SmsBadRequest",
    "SmsClient",
    "SmsError",
    "SmsFailed",
    "SmsMaybeSent",
    "SmsNoCredit",
    "SmsNotPermitted",
    "SmsNotSent",
    "SmsRefused",
    "SpeakAction",
    "StateConflict",
    "StoredState",
    "TranscriptionProvider",
    "TransferAction",
    "TtsProvider",
    "UnknownEvent",
    "UserBargeIn",
    "UserInputTimeout",
    "UserSpeak",
    "UserSpeechStarted",
    "VadConfig",
    "WebhookResponse",
    "__version__",
    "audio",
    "barge_in",
    "bind_to_deadline",
    "configure_transcription",
    "configure_voice_to_voice",
    "dump_action",
    "hangup",
    "is_authorized",
    "mix_audio",
    "parse_action",
    "parse_event",
    "send_sms",
    "speak",
    "transfer",
    "write_with_state",
]
