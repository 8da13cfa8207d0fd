"""Actions: the constraints of the protocol, the legacy inputs we still accept, and the builders."""

from __future__ import annotations

import base64
import json
import math
import re
from typing import Any

import pytest

from aiflow import (
    AudioAction,
    BargeInConfig,
    ConfigureTranscriptionAction,
    HangupAction,
    InvalidAction,
    InvalidPhoneNumber,
    MixAudioAction,
    SendSmsAction,
    SpeakAction,
    TransferAction,
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

SID = "550e8400-e29b-41d4-a716-446655440000"
WAV_BASE64 = "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQAAAAA="


def action(action_type: str, **fields: Any) -> dict[str, Any]:
    return {"type": action_type, "session_id": SID, **fields}


def speak_with(**fields: Any) -> dict[str, Any]:
    return action("speak", **{"text": "Hello", **fields})


def barge(**config: Any) -> dict[str, Any]:
    return speak_with(barge_in=config)


def transfer_with(**fields: Any) -> dict[str, Any]:
    base = {"target_phone_number": "4915790000687", "caller_id_name": "Support", "caller_id_number": "4921155660"}
    return action("transfer", **{**base, **fields})


def without(payload: dict[str, Any], name: str) -> dict[str, Any]:
    return {key: value for key, value in payload.items() if key != name}


# ---------------------------------------------------------------------------------------------------
# Constraints: each limit is accepted on its boundary and rejected just beyond it.
# ---------------------------------------------------------------------------------------------------

ACCEPTED = [
    pytest.param(action("speak", text="Hi"), id="speak-text"),
    pytest.param(action("speak", ssml="<speak>Hi</speak>"), id="speak-ssml"),
    pytest.param(speak_with(user_input_timeout_seconds=0.5), id="input-timeout-fraction"),
    pytest.param(barge(strategy="minimum_characters", minimum_characters=1), id="min-chars-1"),
    pytest.param(barge(strategy="minimum_characters", minimum_characters=100), id="min-chars-100"),
    pytest.param(barge(strategy="minimum_characters"), id="min-chars-default"),
    pytest.param(barge(strategy="immediate", allow_after_ms=0), id="allow-after-0"),
    pytest.param(barge(strategy="manual", allow_after_ms=10_000), id="allow-after-10000"),
    pytest.param(barge(strategy="none"), id="strategy-none"),
    pytest.param(barge(allow_after_ms=500), id="allow-after-without-strategy"),  # sipgate's n8n node
    pytest.param(speak_with(tts={"provider": "eleven_labs"}), id="eleven-labs-default-voice"),
    pytest.param(
        speak_with(tts={"provider": "eleven_labs", "voice": "v", "language": "de-DE"}), id="eleven-labs-language"
    ),
    pytest.param(transfer_with(timeout=5), id="transfer-timeout-5"),
    pytest.param(transfer_with(timeout=120), id="transfer-timeout-120"),
    pytest.param(transfer_with(), id="transfer-no-timeout"),
    pytest.param(action("mix_audio", audio=WAV_BASE64, volume=0.0), id="volume-0"),
    pytest.param(action("mix_audio", audio=WAV_BASE64, volume=1.0), id="volume-1"),
    pytest.param(action("mix_audio", stop=True), id="mix-stop-without-audio"),
    pytest.param(action("configure_voice_to_voice", system_prompt="Be brief.", temperature=0), id="temperature-0"),
    pytest.param(action("configure_voice_to_voice", system_prompt="Be brief.", temperature=2), id="temperature-2"),
    pytest.param(action("configure_transcription", languages=["de-DE"]), id="languages-1"),
    pytest.param(action("configure_transcription", languages=["de-DE", "en-US", "fr-FR", "tr-TR"]), id="languages-4"),
    pytest.param(action("configure_transcription", custom_vocabulary=["x" * 200] * 100), id="vocabulary-100x200"),
    pytest.param(action("configure_transcription", custom_vocabulary=[]), id="vocabulary-empty"),
    pytest.param(action("configure_transcription", provider="ELEVEN_LABS"), id="provider"),
    pytest.param(speak_with(vad={"end_of_turn_silence_ms": 150}), id="vad-150"),
    pytest.param(speak_with(vad={"end_of_turn_silence_ms": 2000}), id="vad-2000"),
    pytest.param(action("configure_transcription", vad={"end_of_turn_silence_ms": 2000}), id="transcription-vad"),
    pytest.param(action("send_sms", phone_number="+4915790000687", message="Hi"), id="sms"),
]

REJECTED = [
    pytest.param(action("speak"), id="speak-neither-text-nor-ssml"),
    pytest.param(speak_with(ssml="<speak>Hi</speak>"), id="speak-text-and-ssml"),
    pytest.param(speak_with(text=""), id="speak-empty-text"),
    pytest.param(speak_with(user_input_timeout_seconds=0), id="input-timeout-0"),
    pytest.param(speak_with(user_input_timeout_seconds=-1), id="input-timeout-negative"),
    pytest.param(speak_with(user_input_timeout_seconds=math.inf), id="input-timeout-infinite"),
    pytest.param(speak_with(user_input_timeout_seconds=math.nan), id="input-timeout-nan"),
    pytest.param(barge(strategy="minimum_characters", minimum_characters=0), id="min-chars-0"),
    pytest.param(barge(strategy="minimum_characters", minimum_characters=101), id="min-chars-101"),
    pytest.param(barge(strategy="immediate", minimum_characters=3), id="min-chars-with-immediate"),
    pytest.param(barge(strategy="none", minimum_characters=3), id="min-chars-with-none"),
    pytest.param(barge(strategy="immediate", allow_after_ms=-1), id="allow-after-negative"),
    pytest.param(barge(strategy="immediate", allow_after_ms=10_001), id="allow-after-10001"),
    pytest.param(barge(strategy="sometimes"), id="unknown-strategy"),
    pytest.param(transfer_with(timeout=4), id="transfer-timeout-4"),
    pytest.param(transfer_with(timeout=121), id="transfer-timeout-121"),
    pytest.param(without(transfer_with(), "target_phone_number"), id="transfer-no-target"),
    pytest.param(without(transfer_with(), "caller_id_name"), id="transfer-no-caller-id-name"),
    pytest.param(without(transfer_with(), "caller_id_number"), id="transfer-no-caller-id-number"),
    pytest.param(transfer_with(target_phone_number="support"), id="transfer-target-not-a-number"),
    pytest.param(transfer_with(caller_id_number="0211 5566 0"), id="transfer-national-caller-id"),
    pytest.param(action("mix_audio", audio=WAV_BASE64, volume=-0.1), id="volume-negative"),
    pytest.param(action("mix_audio", audio=WAV_BASE64, volume=1.1), id="volume-above-1"),
    pytest.param(action("mix_audio", volume=0.5), id="mix-without-audio"),
    pytest.param(action("mix_audio", stop=False), id="mix-stop-false-without-audio"),
    pytest.param(action("audio"), id="audio-without-audio"),
    pytest.param(action("configure_voice_to_voice", system_prompt="x", temperature=-0.1), id="temperature-negative"),
    pytest.param(action("configure_voice_to_voice", system_prompt="x", temperature=2.1), id="temperature-above-2"),
    pytest.param(action("configure_voice_to_voice"), id="voice-to-voice-without-prompt"),
    pytest.param(action("configure_transcription", languages=[]), id="languages-0"),
    pytest.param(action("configure_transcription", languages=["de-DE"] * 5), id="languages-5"),
    pytest.param(action("configure_transcription", custom_vocabulary=["x"] * 101), id="vocabulary-101"),
    pytest.param(action("configure_transcription", custom_vocabulary=["x" * 201]), id="vocabulary-word-201"),
    pytest.param(action("configure_transcription", provider="GOOGLE"), id="unknown-provider"),
    pytest.param(speak_with(vad={"end_of_turn_silence_ms": 149}), id="vad-149"),
    pytest.param(speak_with(vad={"end_of_turn_silence_ms": 2001}), id="vad-2001"),
    pytest.param(action("configure_transcription", vad={"end_of_turn_silence_ms": 100}), id="transcription-vad"),
    pytest.param(action("send_sms", phone_number="4915790000687"), id="sms-without-message"),
    pytest.param(speak_with(volume=0.5), id="unknown-field"),
    pytest.param(speak_with(sessionId=SID), id="camel-case-field"),
    pytest.param(barge(strategy="immediate", delay_ms=5), id="unknown-field-in-barge-in"),
    pytest.param(speak_with(tts={"provider": "azure", "pitch": "high"}), id="unknown-field-in-tts"),
    pytest.param(speak_with(tts={"provider": "polly", "voice": "Hans"}), id="unknown-tts-provider"),
    pytest.param(speak_with(tts={"provider": "eleven_labs", "voice": {}}), id="eleven-labs-empty-voice-object"),
    pytest.param(action("dance"), id="unknown-type"),
    pytest.param({"session_id": SID}, id="no-type"),
    pytest.param(action("hangup", session_id=""), id="empty-session-id"),
]


@pytest.mark.parametrize("payload", ACCEPTED)
def test_accepts_values_within_the_limits(payload: dict[str, Any]) -> None:
    parsed = parse_action(payload)
    assert dump_action(parsed) == payload


@pytest.mark.parametrize("payload", REJECTED)
def test_rejects_values_beyond_the_limits_in_one_readable_line(payload: dict[str, Any]) -> None:
    with pytest.raises(InvalidAction) as refused:
        parse_action(payload)

    message = str(refused.value)
    assert message.startswith(f"invalid {payload['type']} action: " if "type" in payload else "invalid action: ")
    assert "\n" not in message
    for internals in ("validation error", "tagged-union", "function-after", "pydantic", "For further information"):
        assert internals not in message


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (
            action("transfer", target_phone_number="4921155660123", caller_id_name="Praxis"),
            "invalid transfer action: caller_id_number is required",
        ),
        (
            speak_with(tts={"provider": "eleven_labs", "voice": {}}),
            "invalid speak action: tts.voice: a voice object needs 'id' or 'name'",
        ),
        (speak_with(tts={"provider": "polly"}), "invalid speak action: tts: unknown provider 'polly'"),
        (speak_with(volume=0.5), "invalid speak action: volume: is not a field of this action"),
        (action("dance"), "invalid dance action: unknown type 'dance'"),
    ],
)
def test_the_message_names_the_action_and_the_field(payload: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidAction, match=f"^{re.escape(message)}$"):
        parse_action(payload)


def test_a_builder_refuses_at_once_with_the_same_kind_of_line() -> None:
    with pytest.raises(InvalidAction, match=r"^invalid transfer action: caller_id_name: String should have at least 1"):
        transfer("+4921155660123", caller_id_name="", caller_id_number="+4921155660")


@pytest.mark.parametrize("voice", [{"id": "zrHiDhphv9ZnVXBqCLjz"}, {"name": "Rachel"}, "zrHiDhphv9ZnVXBqCLjz"])
def test_an_eleven_labs_voice_is_sent_on_as_given(voice: Any) -> None:
    parsed = parse_action(speak_with(tts={"provider": "eleven_labs", "voice": voice}))
    assert dump_action(parsed)["tts"] == {"provider": "eleven_labs", "voice": voice}


def test_builder_takes_the_voice_object_too() -> None:
    built = speak("Hallo", tts={"provider": "eleven_labs", "voice": {"id": "abc"}})
    assert dump_action(built) == {
        "type": "speak",
        "text": "Hallo",
        "tts": {"provider": "eleven_labs", "voice": {"id": "abc"}},
    }


# ---------------------------------------------------------------------------------------------------
# Builders: no session id needed, numbers normalised, bytes encoded, unset fields omitted.
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("built", "wire"),
    [
        pytest.param(speak("Hello"), {"type": "speak", "text": "Hello"}, id="speak"),
        pytest.param(speak(ssml="<speak>Hi</speak>"), {"type": "speak", "ssml": "<speak>Hi</speak>"}, id="ssml"),
        pytest.param(
            speak(
                "Hello",
                tts={"provider": "azure", "language": "de-DE", "voice": "de-DE-KatjaNeural"},
                barge_in=BargeInConfig(strategy="minimum_characters", minimum_characters=3),
                user_input_timeout_seconds=8,
                vad={"end_of_turn_silence_ms": 800},
            ),
            {
                "type": "speak",
                "text": "Hello",
                "tts": {"provider": "azure", "language": "de-DE", "voice": "de-DE-KatjaNeural"},
                "barge_in": {"strategy": "minimum_characters", "minimum_characters": 3},
                "user_input_timeout_seconds": 8,
                "vad": {"end_of_turn_silence_ms": 800},
            },
            id="speak-everything",
        ),
        pytest.param(audio(WAV_BASE64), {"type": "audio", "audio": WAV_BASE64}, id="audio-base64-text"),
        pytest.param(mix_audio(stop=True), {"type": "mix_audio", "stop": True}, id="mix-stop"),
        pytest.param(mix_audio(WAV_BASE64, volume=0.2), {"type": "mix_audio", "audio": WAV_BASE64, "volume": 0.2}),
        pytest.param(hangup(), {"type": "hangup"}, id="hangup"),
        pytest.param(barge_in(), {"type": "barge_in"}, id="barge-in"),
        pytest.param(
            configure_transcription(provider="DEEPGRAM", languages=("de-DE", "en-US")),
            {"type": "configure_transcription", "provider": "DEEPGRAM", "languages": ["de-DE", "en-US"]},
            id="transcription",
        ),
        pytest.param(
            configure_voice_to_voice("Be brief.", temperature=0.7),
            {"type": "configure_voice_to_voice", "system_prompt": "Be brief.", "temperature": 0.7},
            id="voice-to-voice",
        ),
        pytest.param(hangup(session_id=SID), {"type": "hangup", "session_id": SID}, id="explicit-session-id"),
    ],
)
def test_builder_dumps_only_what_was_set(built: Any, wire: dict[str, Any]) -> None:
    dumped = dump_action(built)
    assert dumped == wire
    assert "null" not in json.dumps(dumped)


@pytest.mark.parametrize("built", [speak("Hi"), audio(b"RIFF"), mix_audio(stop=True), hangup(), barge_in()])
def test_builders_need_no_session_id(built: Any) -> None:
    assert built.session_id is None
    assert "session_id" not in dump_action(built)


@pytest.mark.parametrize(
    ("given", "plus", "expected"),
    [
        ("+49 157 9000 0687", False, "4915790000687"),
        ("0049-157-9000-0687", False, "4915790000687"),
        ("4915790000687", False, "4915790000687"),
        ("+49 (157) 9000 0687", True, "+4915790000687"),
        ("4915790000687", True, "+4915790000687"),
    ],
)
def test_number_builders_normalise_to_e164(given: str, plus: bool, expected: str) -> None:
    moved = transfer(given, caller_id_name="Praxis", caller_id_number=given, timeout=30, plus=plus)
    assert isinstance(moved, TransferAction)
    assert dump_action(moved) == {
        "type": "transfer",
        "target_phone_number": expected,
        "caller_id_name": "Praxis",
        "caller_id_number": expected,
        "timeout": 30,
    }
    sms = send_sms(given, "Your appointment is tomorrow at 10.", plus=plus)
    assert isinstance(sms, SendSmsAction)
    assert dump_action(sms) == {"type": "send_sms", "phone_number": expected, "message": sms.message}


@pytest.mark.parametrize("number", ["0157 9000 0687", "support", "+49", ""])
def test_number_builders_reject_what_is_not_dialable(number: str) -> None:
    with pytest.raises(InvalidPhoneNumber):
        transfer(number, caller_id_name="Praxis", caller_id_number="4921155660")
    with pytest.raises(InvalidPhoneNumber):
        send_sms(number, "Hi")


@pytest.mark.parametrize("builder", [audio, mix_audio])
def test_audio_bytes_are_base64_encoded(builder: Any) -> None:
    wav = b"RIFF\x24\x00\x00\x00WAVEfmt \x00\xff\x80"
    built = builder(wav)
    assert isinstance(built, AudioAction | MixAudioAction)
    assert built.audio == base64.b64encode(wav).decode("ascii")
    assert base64.b64decode(dump_action(built)["audio"]) == wav


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda: speak(), id="speak-nothing"),
        pytest.param(lambda: speak("Hi", ssml="<speak>Hi</speak>"), id="speak-both"),
        pytest.param(lambda: mix_audio(), id="mix-nothing"),
        pytest.param(lambda: transfer("4915790000687", caller_id_name="X", caller_id_number="4921155660", timeout=1)),
        pytest.param(lambda: configure_transcription(languages=[]), id="no-languages"),
        pytest.param(lambda: speak("Hi", barge_in={"strategy": "immediate", "minimum_characters": 2}), id="barge"),
    ],
)
def test_builders_validate_like_the_models(build: Any) -> None:
    with pytest.raises(InvalidAction):
        build()


def test_dump_omits_unset_fields_of_sub_objects() -> None:
    parsed = parse_action(speak_with(tts={"provider": "azure"}, barge_in={"strategy": "immediate"}))
    assert isinstance(parsed, SpeakAction)
    assert dump_action(parsed) == speak_with(tts={"provider": "azure"}, barge_in={"strategy": "immediate"})


@pytest.mark.parametrize(
    ("payload", "model"),
    [
        (action("hangup"), HangupAction),
        (action("configure_transcription"), ConfigureTranscriptionAction),
        (transfer_with(), TransferAction),
    ],
)
def test_parse_action_returns_the_typed_model(payload: dict[str, Any], model: type) -> None:
    assert type(parse_action(payload)) is model
