"""Turns of an ``aiflow.llm`` agent with the model answering in 0.3 s, 1.2 s and 3 s on the fake Bedrock.

Each call is played by the call simulator in real time (``playback=1``: a filler lasts as long as it is
spoken, as on a call) against an :class:`~aiflow.llm.LlmAgent` on a real boto3 ``bedrock-runtime`` client,
with the reminder webhook's 0.8 s turn deadline, the default ``wait_seconds`` (0.7 s) and ``max_fillers`` (2),
the session state in memory (the store's cost is ``turns``' figure) and the :class:`~aiflow.llm.ThreadRunner`.
The caller says one sentence; per model latency:

- ``turn_ms``: the ``user_speak`` webhook turn, from the request to the answer (a filler or the model's words);
- ``answer_ms``: from the caller's words to the webhook answering with the model's words (through any
  filler and its ``assistant_speech_ended``), what the caller waits beyond the filler's own speech;
- ``filler_share``: the share of turns that needed a filler; ``fallback_share``: those that ended in the
  fallback (the model was slower than the fillers).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

from aiflow import AiFlowAssistant
from aiflow.llm import BedrockConverse, LlmAgent
from aiflow.testing import AssistantTarget, CallSimulator, Reply
from aiflow.testing.bedrock import FakeBedrock, text
from bench.common import percentiles

LATENCIES = (0.3, 1.2, 3.0)  # published: Nova Micro ~0.3-0.5 s, Claude Haiku ~1.1-1.4 s for a short answer
DEADLINE_SECONDS = 0.8  # the reminder webhook's (template.yaml's TurnDeadlineMs)
ANSWER = "Wir haben bis achtzehn Uhr offen."
FALLBACK = "Entschuldigung, bitte rufen Sie später noch einmal an."


class _TimedTarget(AssistantTarget):
    """The assistant, with each user_speak turn timed and the moment the model's words were answered."""

    def __init__(self, assistant: AiFlowAssistant) -> None:
        super().__init__(assistant)
        self.turn_seconds: list[float] = []
        self.answered_at: float | None = None

    def send(self, body: str, headers: Mapping[str, str]) -> Reply:
        started = time.perf_counter()
        reply = super().send(body, headers)
        if json.loads(body)["type"] == "user_speak":
            self.turn_seconds.append(time.perf_counter() - started)
        if ANSWER in reply.body:
            self.answered_at = time.perf_counter()
        return reply


def _agent() -> LlmAgent:
    model = BedrockConverse("eu.amazon.nova-micro-v1:0")
    assert model.client  # made before the calls: a warm environment
    agent = LlmAgent(model=model, system_prompt="Praxis Dr. Weber.", greeting="Praxis Weber?")
    agent.attach(AiFlowAssistant(deadline_seconds=DEADLINE_SECONDS, fallback=FALLBACK))
    return agent


def measure(latency: float, calls: int) -> dict[str, Any]:
    """``calls`` calls with the model answering ``latency`` seconds late."""
    turn_seconds: list[float] = []
    answer_seconds: list[float] = []
    with_filler = 0
    with FakeBedrock(latency=latency, default=text(ANSWER)) as bedrock, bedrock.applied():
        agent = _agent()
        for _ in range(calls):
            target = _TimedTarget(agent.assistant)
            call = CallSimulator(target, playback=1.0).start_call()
            fillers_before, said = agent.outcomes["filler"], time.perf_counter()
            call.say("Wie lange haben Sie heute offen?")
            with_filler += agent.outcomes["filler"] > fillers_before
            turn_seconds += target.turn_seconds
            if target.answered_at is not None:
                answer_seconds.append(target.answered_at - said)
    turns = len(turn_seconds)
    return {
        "model_latency_s": latency,
        "calls": calls,
        "turn_ms": percentiles([seconds * 1000 for seconds in turn_seconds]),
        "answer_ms": percentiles([seconds * 1000 for seconds in answer_seconds]) if answer_seconds else None,
        "filler_share": round(with_filler / turns, 3),
        "fallback_share": round(agent.outcomes["fallback:gave_up"] / turns, 3),
        "fillers_per_turn": round(agent.outcomes["filler"] / turns, 2),
    }


def run(calls: int) -> dict[str, Any]:
    return {
        "deadline_ms": DEADLINE_SECONDS * 1000,
        "by_latency": {f"{latency:g}s": measure(latency, calls) for latency in LATENCIES},
    }
