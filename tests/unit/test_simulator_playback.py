"""The simulator's playback in real time: each assistant_speech_ended follows its speech by the speech's length."""

from __future__ import annotations

import time

from aiflow import AiFlowAssistant, AssistantSpeak, AssistantSpeechEnded
from aiflow.testing import CallSimulator


def test_speech_ended_comes_as_long_after_the_speech_as_it_lasts_times_playback() -> None:
    arrivals: dict[str, float] = {}
    assistant = AiFlowAssistant(on_session_start=lambda event: "Guten Tag, hier Praxis.")  # 4 words: 1600 ms

    @assistant.on_assistant_speak
    def speaking(event: AssistantSpeak) -> None:
        arrivals["speak"] = time.monotonic()

    @assistant.on_assistant_speech_ended
    def ended(event: AssistantSpeechEnded) -> None:
        arrivals["ended"] = time.monotonic()

    call = CallSimulator(assistant, playback=0.25).start_call()

    assert call.events[1]["duration_ms"] == 1600
    assert arrivals["ended"] - arrivals["speak"] >= 0.4


def test_without_playback_speech_takes_no_time() -> None:
    started = time.monotonic()

    CallSimulator(AiFlowAssistant(on_session_start=lambda event: " ".join(["Wort"] * 50))).start_call()

    assert time.monotonic() - started < 5, "50 words are 20 s of speech, not waited for"
