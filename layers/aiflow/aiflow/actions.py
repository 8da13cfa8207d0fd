"""The actions a webhook answers with, their sub-objects, and short builders for them.

Builders (``speak("Hello")``, ``hangup()``, ``transfer(...)``) need no session id inside a handler: the
assistant fills it in from the event. Dumping omits unset fields, as sipgate expects (no ``null``).
Models keep phone numbers as given (so the published examples round-trip); the builders normalise
them to digits-only E.164, or ``+`` E.164 with ``plus=True``.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from enum import StrEnum
from functools import cache
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator, model_validator

from aiflow import phone
from aiflow.errors import InvalidAction

__all__ = [
    "Action",
    "ActionModel",
    "ActionType",
    "AudioAction",
    "AzureTts",
    "BargeInAction",
    "BargeInConfig",
    "BargeInStrategy",
    "ConfigureTranscriptionAction",
    "ConfigureVoiceToVoiceAction",
    "ElevenLabsTts",
    "ElevenLabsVoice",
    "HangupAction",
    "MixAudioAction",
    "SendSmsAction",
    "SpeakAction",
    "TranscriptionProvider",
    "TransferAction",
    "TtsProvider",
    "VadConfig",
    "audio",
    "barge_in",
    "configure_transcription",
    "configure_voice_to_voice",
    "describe_invalid",
    "dump_action",
    "hangup",
    "mix_audio",
    "parse_action",
    "send_sms",
    "speak",
    "transfer",
]


class ActionType(StrEnum):
    SPEAK = "speak"
    AUDIO = "audio"
    MIX_AUDIO = "mix_audio"
    HANGUP = "hangup"
    TRANSFER = "transfer"
    BARGE_IN = "barge_in"
    CONFIGURE_TRANSCRIPTION = "configure_transcription"
    CONFIGURE_VOICE_TO_VOICE = "configure_voice_to_voice"
    SEND_SMS = "send_sms"


class BargeInStrategy(StrEnum):
    NONE = "none"
    MANUAL = "manual"
    MINIMUM_CHARACTERS = "minimum_characters"
    IMMEDIATE = "immediate"


class TtsProvider(StrEnum):
    AZURE = "azure"
    ELEVEN_LABS = "eleven_labs"


class TranscriptionProvider(StrEnum):
    AZURE = "AZURE"
    DEEPGRAM = "DEEPGRAM"
    ELEVEN_LABS = "ELEVEN_LABS"


# Strict on what we send: a misspelt field is a bug to report, not something for sipgate to ignore.
_STRICT = ConfigDict(extra="forbid", defer_build=True)

PositiveNumber = Annotated[int, Field(gt=0)] | Annotated[float, Field(gt=0, allow_inf_nan=False)]


class AzureTts(BaseModel):
    model_config = _STRICT

    provider: Literal[TtsProvider.AZURE] = TtsProvider.AZURE
    language: str | None = None
    voice: str | None = None


class ElevenLabsVoice(BaseModel):
    """The object form of an ElevenLabs voice that sipgate's older docs show: ``{"id": ...}`` or ``{"name": ...}``."""

    model_config = _STRICT

    id: str | None = Field(default=None, min_length=1)
    name: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _id_or_name(self) -> Self:
        if self.id is None and self.name is None:
            raise ValueError("a voice object needs 'id' or 'name'")
        return self


class ElevenLabsTts(BaseModel):
    """ElevenLabs speech. Without ``voice`` sipgate uses its default; the voice goes out as it was given."""

    model_config = _STRICT

    provider: Literal[TtsProvider.ELEVEN_LABS] = TtsProvider.ELEVEN_LABS
    voice: Annotated[str, Field(min_length=1)] | ElevenLabsVoice | None = None
    language: str | None = None


Tts = Annotated[AzureTts | ElevenLabsTts, Field(discriminator="provider")]


class BargeInConfig(BaseModel):
    """How the caller may interrupt a ``speak`` or ``audio``."""

    model_config = _STRICT

    strategy: BargeInStrategy | None = None  # sipgate's n8n node sends allow_after_ms alone
    minimum_characters: int | None = Field(default=None, ge=1, le=100)
    allow_after_ms: int | None = Field(default=None, ge=0, le=10_000)

    @model_validator(mode="after")
    def _minimum_characters_needs_its_strategy(self) -> Self:
        if self.minimum_characters is not None and self.strategy is not BargeInStrategy.MINIMUM_CHARACTERS:
            raise ValueError("minimum_characters is only allowed with strategy 'minimum_characters'")
        return self


class VadConfig(BaseModel):
    """Voice activity detection: how much silence ends the caller's turn."""

    model_config = _STRICT

    end_of_turn_silence_ms: int = Field(ge=150, le=2000)


class ActionModel(BaseModel):
    """What every action has: its ``type`` (set by each subclass) and the ``session_id`` it is for."""

    model_config = _STRICT

    # Optional so builders work inside handlers; the assistant fills it in before anything is sent.
    session_id: str | None = Field(default=None, min_length=1)


class SpeakAction(ActionModel):
    type: Literal[ActionType.SPEAK] = ActionType.SPEAK
    text: str | None = Field(default=None, min_length=1)
    ssml: str | None = Field(default=None, min_length=1)
    tts: Tts | None = None
    barge_in: BargeInConfig | None = None
    user_input_timeout_seconds: PositiveNumber | None = None
    vad: VadConfig | None = None

    @model_validator(mode="after")
    def _text_xor_ssml(self) -> Self:
        if (self.text is None) == (self.ssml is None):
            raise ValueError("speak needs exactly one of 'text' or 'ssml'")
        return self


class AudioAction(ActionModel):
    type: Literal[ActionType.AUDIO] = ActionType.AUDIO
    audio: str = Field(min_length=1, description="Base64 of a whole WAV file (16 kHz, mono, 16-bit PCM)")
    barge_in: BargeInConfig | None = None


class MixAudioAction(ActionModel):
    type: Literal[ActionType.MIX_AUDIO] = ActionType.MIX_AUDIO
    audio: str | None = Field(default=None, min_length=1)
    volume: float | None = Field(default=None, ge=0.0, le=1.0)
    stop: bool | None = None

    @model_validator(mode="after")
    def _audio_unless_stop(self) -> Self:
        if self.audio is None and not self.stop:
            raise ValueError("mix_audio needs 'audio' unless 'stop' is true")
        return self


class HangupAction(ActionModel):
    type: Literal[ActionType.HANGUP] = ActionType.HANGUP


class BargeInAction(ActionModel):
    """Stops whatever is playing right now."""

    type: Literal[ActionType.BARGE_IN] = ActionType.BARGE_IN


def _dialable(value: str) -> str:
    phone.normalize(value)
    return value


class TransferAction(ActionModel):
    type: Literal[ActionType.TRANSFER] = ActionType.TRANSFER
    target_phone_number: str
    caller_id_name: str = Field(min_length=1)
    caller_id_number: str
    timeout: int | None = Field(default=None, ge=5, le=120)

    _numbers_dialable = field_validator("target_phone_number", "caller_id_number")(_dialable)


class ConfigureTranscriptionAction(ActionModel):
    type: Literal[ActionType.CONFIGURE_TRANSCRIPTION] = ActionType.CONFIGURE_TRANSCRIPTION
    provider: TranscriptionProvider | None = None
    languages: list[Annotated[str, Field(min_length=2)]] | None = Field(default=None, min_length=1, max_length=4)
    custom_vocabulary: list[Annotated[str, Field(max_length=200)]] | None = Field(default=None, max_length=100)
    vad: VadConfig | None = None


class ConfigureVoiceToVoiceAction(ActionModel):
    type: Literal[ActionType.CONFIGURE_VOICE_TO_VOICE] = ActionType.CONFIGURE_VOICE_TO_VOICE
    system_prompt: str = Field(min_length=1)
    greeting: str | None = None
    temperature: float | None = Field(default=None, ge=0.0, le=2.0)
    language: str | None = None


class SendSmsAction(ActionModel):
    type: Literal[ActionType.SEND_SMS] = ActionType.SEND_SMS
    phone_number: str
    message: str = Field(min_length=1)

    _number_dialable = field_validator("phone_number")(_dialable)


Action = Annotated[
    SpeakAction
    | AudioAction
    | MixAudioAction
    | HangupAction
    | TransferAction
    | BargeInAction
    | ConfigureTranscriptionAction
    | ConfigureVoiceToVoiceAction
    | SendSmsAction,
    Field(discriminator="type"),
]


@cache
def _action_adapter() -> TypeAdapter[Action]:
    return TypeAdapter(Action)


def parse_action(data: Mapping[str, Any]) -> Action:
    """Validate one action given as a mapping; :class:`InvalidAction` says in one line what is wrong."""
    try:
        return _action_adapter().validate_python(data)
    except ValidationError as error:
        kind = data.get("type") if isinstance(data, Mapping) else None
        raise InvalidAction(describe_invalid(error, kind if isinstance(kind, str) else None)) from None


def dump_action(action: BaseModel) -> dict[str, Any]:
    """The action as sipgate expects it on the wire: JSON types, unset fields left out.

    A field given explicitly as ``null`` (sipgate's flow-io sends ``"language": null``) is sent on as
    ``null``: what came in goes out unchanged. Builders never set a field to ``None``.
    """
    return _with_explicit_nulls(action, action.model_dump(mode="json", exclude_none=True))


def _with_explicit_nulls(model: BaseModel, dumped: dict[str, Any]) -> dict[str, Any]:
    for name in model.model_fields_set - {"session_id"}:
        value = getattr(model, name)
        if value is None:
            dumped[name] = None
        elif isinstance(value, BaseModel):
            _with_explicit_nulls(value, dumped[name])
    return dumped


def describe_invalid(error: ValidationError, action_type: str | None) -> str:
    """One readable line for a rejected action: the action, each field and what is wrong with it.

    Pydantic's locations carry union tags and member types (``tagged-union[...]``, ``eleven_labs``,
    ``str``); only field names and list positions are kept.
    """
    problems: dict[str, str] = {}
    # A value that fits no member of a union fails once per member: the member's own rule says more than
    # "should be a valid string", so type mismatches come last and the first problem per field wins.
    errors = sorted(error.errors(include_url=False, include_input=False), key=lambda e: e["type"].endswith("_type"))
    for problem in errors:
        *path, last = problem["loc"] or ("",)
        parts = [str(part) for part in path if isinstance(part, int) or part in _field_names()]
        if problem["type"] == "extra_forbidden" or isinstance(last, int) or last in _field_names():
            parts.append(str(last))  # an unknown field is named as it was sent
        where = ".".join(parts)
        problems.setdefault(where, _problem_text(problem["type"], problem["msg"], problem.get("ctx") or {}))
    described = "; ".join(
        f"{where} {text}" if text == "is required" else f"{where}: {text}" if where else text
        for where, text in problems.items()
    )
    action = f"invalid {action_type} action" if action_type else "invalid action"
    return " ".join(f"{action}: {described}".split())  # one line, always


def _problem_text(kind: str, message: str, context: Mapping[str, Any]) -> str:
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a field of this action"
    if kind == "union_tag_invalid":
        return f"unknown {str(context.get('discriminator', 'type')).strip(chr(39))} {context.get('tag')!r}"
    if kind == "union_tag_not_found":
        return "an action needs a 'type'"
    return message.removeprefix("Value error, ")


@cache
def _field_names() -> frozenset[str]:
    models: list[type[BaseModel]] = [AzureTts, ElevenLabsVoice, ElevenLabsTts, BargeInConfig, VadConfig, ActionModel]
    models += ActionModel.__subclasses__()
    return frozenset(name for model in models for name in model.model_fields)


# Builders. Each takes the fields sipgate documents; sub-objects may be models or plain mappings.

type _Config[T] = T | Mapping[str, Any] | None


def _build[T: ActionModel](model: type[T], **fields: Any) -> T:
    try:
        return model.model_validate({name: value for name, value in fields.items() if value is not None})
    except ValidationError as error:  # said now, in the handler's traceback, not by sipgate during the call
        raise InvalidAction(describe_invalid(error, model.model_fields["type"].default)) from None


def speak(
    text: str | None = None,
    *,
    ssml: str | None = None,
    tts: _Config[AzureTts | ElevenLabsTts] = None,
    barge_in: _Config[BargeInConfig] = None,
    user_input_timeout_seconds: float | None = None,
    vad: _Config[VadConfig] = None,
    session_id: str | None = None,
) -> SpeakAction:
    """Say ``text`` (or ``ssml``); ``user_input_timeout_seconds`` asks sipgate to report silence."""
    return _build(
        SpeakAction,
        text=text,
        ssml=ssml,
        tts=tts,
        barge_in=barge_in,
        user_input_timeout_seconds=user_input_timeout_seconds,
        vad=vad,
        session_id=session_id,
    )


def audio(wav: bytes | str, *, barge_in: _Config[BargeInConfig] = None, session_id: str | None = None) -> AudioAction:
    """Play a whole WAV file, given as bytes or already as Base64 text."""
    encoded = base64.b64encode(wav).decode("ascii") if isinstance(wav, bytes) else wav
    return _build(AudioAction, audio=encoded, barge_in=barge_in, session_id=session_id)


def mix_audio(
    wav: bytes | str | None = None,
    *,
    volume: float | None = None,
    stop: bool | None = None,
    session_id: str | None = None,
) -> MixAudioAction:
    """Mix background audio under the call, or stop it with ``stop=True``."""
    encoded = base64.b64encode(wav).decode("ascii") if isinstance(wav, bytes) else wav
    return _build(MixAudioAction, audio=encoded, volume=volume, stop=stop, session_id=session_id)


def hangup(*, session_id: str | None = None) -> HangupAction:
    """End the call. Send it on ``assistant_speech_ended`` after a goodbye, or the goodbye is cut off."""
    return HangupAction(session_id=session_id)


def barge_in(*, session_id: str | None = None) -> BargeInAction:
    """Stop whatever is playing now."""
    return BargeInAction(session_id=session_id)


def transfer(
    target_phone_number: str,
    *,
    caller_id_name: str,
    caller_id_number: str,
    timeout: int | None = None,
    plus: bool = False,
    session_id: str | None = None,
) -> TransferAction:
    """Hand the call over. With ``timeout``, sipgate re-sends ``session_start`` if nobody answers."""
    return _build(
        TransferAction,
        target_phone_number=phone.normalize(target_phone_number, plus=plus),
        caller_id_name=caller_id_name,
        caller_id_number=phone.normalize(caller_id_number, plus=plus),
        timeout=timeout,
        session_id=session_id,
    )


def configure_transcription(
    *,
    provider: TranscriptionProvider | str | None = None,
    languages: Sequence[str] | None = None,
    custom_vocabulary: Sequence[str] | None = None,
    vad: _Config[VadConfig] = None,
    session_id: str | None = None,
) -> ConfigureTranscriptionAction:
    """Choose the speech recogniser, its languages and words it should expect."""
    return _build(
        ConfigureTranscriptionAction,
        provider=provider,
        languages=list(languages) if languages is not None else None,
        custom_vocabulary=list(custom_vocabulary) if custom_vocabulary is not None else None,
        vad=vad,
        session_id=session_id,
    )


def configure_voice_to_voice(
    system_prompt: str,
    *,
    greeting: str | None = None,
    temperature: float | None = None,
    language: str | None = None,
    session_id: str | None = None,
) -> ConfigureVoiceToVoiceAction:
    """Let a voice-to-voice model run the conversation from here on."""
    return _build(
        ConfigureVoiceToVoiceAction,
        system_prompt=system_prompt,
        greeting=greeting,
        temperature=temperature,
        language=language,
        session_id=session_id,
    )


def send_sms(phone_number: str, message: str, *, plus: bool = False, session_id: str | None = None) -> SendSmsAction:
    """Send a text message; a failure arrives later as an ``sms_failed`` event."""
    return _build(
        SendSmsAction, phone_number=phone.normalize(phone_number, plus=plus), message=message, session_id=session_id
    )
