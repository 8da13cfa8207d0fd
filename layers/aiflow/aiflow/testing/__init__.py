"""Test assistants by playing calls against them the way sipgate AI Flow does.

::

    call = CallSimulator(assistant).start_call()
    call.assert_said("welcome")
    call.say("Yes, I'll be there")
    call.assert_said("confirmed")
    call.assert_hung_up()

The target may be an :class:`~aiflow.AiFlowAssistant` in this process, a Lambda handler behind an API
Gateway HTTP API (:class:`LambdaTarget`) or a webhook URL (:class:`HttpTarget`).

Code that places calls is tested against :class:`aiflow.testing.sipgate.FakeSipgate`, sipgate's REST API on
loopback with faults on demand, whose callees (:mod:`aiflow.testing.callees`) play the calls it places
against the webhook with this simulator.
"""

from __future__ import annotations

from aiflow.testing.errors import SimulatorError
from aiflow.testing.simulator import (
    DEFAULT_ACCOUNT_ID,
    DEFAULT_FLOW_NUMBER,
    DEFAULT_REMOTE_NUMBER,
    CallSimulator,
    Direction,
    EndedBy,
    SimulatedCall,
    Speaker,
    TranscriptLine,
)
from aiflow.testing.targets import (
    AssistantTarget,
    FakeLambdaContext,
    HttpTarget,
    LambdaTarget,
    Reply,
    Target,
    http_api_event,
)

__all__ = [
    "DEFAULT_ACCOUNT_ID",
    "DEFAULT_FLOW_NUMBER",
    "DEFAULT_REMOTE_NUMBER",
    "AssistantTarget",
    "CallSimulator",
    "Direction",
    "EndedBy",
    "FakeLambdaContext",
    "HttpTarget",
    "LambdaTarget",
    "Reply",
    "SimulatedCall",
    "SimulatorError",
    "Speaker",
    "Target",
    "TranscriptLine",
    "http_api_event",
]
