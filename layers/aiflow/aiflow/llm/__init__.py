"""aiflow.llm: a language model in the call, on Amazon Bedrock's Converse API, inside sipgate's clock.

::

    agent = LlmAgent(
        model=BedrockConverse("eu.amazon.nova-micro-v1:0"),
        system_prompt="You are the receptionist of Dr. Weber's practice. Answer in one or two short sentences.",
        greeting="Praxis Dr. Weber, guten Tag! Wie kann ich helfen?",
        tools=[opening_hours],
    )
    assistant = agent.attach(AiFlowAssistant(session_store=..., deadline_seconds=0.8))

The parts, one module each: :mod:`~aiflow.llm.agent` (the handlers, the clock and the hold pattern),
:mod:`~aiflow.llm.model` (the model's interface and the Bedrock backend), :mod:`~aiflow.llm.tools` (typed
functions as tools), :mod:`~aiflow.llm.history` (the history in the session state, barge-in) and
:mod:`~aiflow.llm.background` (answers that come after the turn's deadline). ``import aiflow`` does not
import this package, and this package imports boto3 only when the first request is made (the
``[bedrock]`` extra brings it; Lambda's runtime has it). Tests run against
:class:`aiflow.testing.bedrock.FakeBedrock`.
"""

from __future__ import annotations

from aiflow.llm.agent import FILLERS, STATE_KEY, LlmAgent
from aiflow.llm.background import (
    JOB_KEY,
    Answer,
    AnswerStore,
    BackgroundRunner,
    Job,
    LambdaInvokeRunner,
    ThreadRunner,
    Worker,
)
from aiflow.llm.history import CALL_CONNECTED, cut_to_heard, heard_words
from aiflow.llm.model import BedrockConverse, ChatModel, ModelError, ModelReply, ModelRequest, ToolCall
from aiflow.llm.tools import EndTurn, Tool, ToolOutcome, tool

__all__ = [
    "CALL_CONNECTED",
    "FILLERS",
    "JOB_KEY",
    "STATE_KEY",
    "Answer",
    "AnswerStore",
    "BackgroundRunner",
    "BedrockConverse",
    "ChatModel",
    "EndTurn",
    "Job",
    "LambdaInvokeRunner",
    "LlmAgent",
    "ModelError",
    "ModelReply",
    "ModelRequest",
    "ThreadRunner",
    "Tool",
    "ToolCall",
    "ToolOutcome",
    "Worker",
    "cut_to_heard",
    "heard_words",
    "tool",
]
