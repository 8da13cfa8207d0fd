"""The SDK's example practice assistant (``examples/practice_assistant.py``) on the local stack, on its own route.

The local API gateway serves it at :data:`ROUTE` beside the reminder webhook, with the same webhook token.
It runs in the stack's own process rather than in a worker: the stack is one long-lived process, so the
agent's background requests run in threads (:class:`~aiflow.llm.ThreadRunner`) and its session state
(history and late answers) stays in memory, where every turn finds it.

The model: a real one if ``model_id`` is given (Bedrock as the environment's credentials and region
reach it) or ``AWS_ENDPOINT_URL_BEDROCK_RUNTIME`` points boto3 somewhere; otherwise a
:class:`~aiflow.testing.bedrock.FakeBedrock` of the stack's own (``bedrock``), which plays the example's
scripted model (``scripted_model()``: Friday's hours, a question for the caller's name, a callback
request): before each ``user_speak`` that finds nothing scripted, the replies to that line of the call are
scripted, so every call (by the simulator or by curl) starts the script from its first line, whatever
the caller says. A test scripts ``bedrock`` itself before its call, and those replies answer instead.
Callback requests land in ``book``. One call at a time: the fake's script is the stack's, not a call's.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Mapping
from typing import Any

from aiflow.deadline import bind_to_deadline
from aiflow.testing.bedrock import FakeBedrock
from examples.practice_assistant import DEFAULT_MODEL_ID, CallbackBook, create_agent, scripted_model
from local.lambda_runtime import InvocationError
from local.template import REGION

ROUTE = ("POST", "/examples/practice-assistant")


class ExampleAssistant:
    """The example's agent behind the gateway: ``invoke`` takes the HTTP API event a function would."""

    def __init__(self, *, webhook_token: str | None, model_id: str | None = None) -> None:
        self.book = CallbackBook()
        self._scripted = scripted_model()
        self._lines: Counter[str] = Counter()  # per call, its user_speak events so far
        real = model_id is not None or "AWS_ENDPOINT_URL_BEDROCK_RUNTIME" in os.environ
        self.bedrock: FakeBedrock | None = None if real else FakeBedrock()
        self.agent = create_agent(
            book=self.book,
            model_id=model_id or DEFAULT_MODEL_ID,
            webhook_token=webhook_token,
            bedrock_client=_fake_bedrock_client(self.bedrock.url) if self.bedrock else None,
        )

    def start(self) -> None:
        if self.bedrock is not None:
            self.bedrock.start()

    def invoke(self, event: Mapping[str, Any]) -> Any:
        if self.bedrock is not None and self.bedrock.pending() == 0:
            self._script_the_line(self.bedrock, event)
        try:
            return self.agent.lambda_handler(event)
        except Exception as error:  # as a function's error: the gateway answers 500
            raise InvocationError(f"{type(error).__name__}: {error}") from error

    def stop(self) -> None:
        if self.bedrock is not None:
            self.bedrock.stop()

    def _script_the_line(self, bedrock: FakeBedrock, event: Mapping[str, Any]) -> None:
        """A ``user_speak`` is the call's next line: script the scripted model's replies to it, if it has any."""
        try:
            webhook_event = json.loads(event.get("body") or "{}")
            kind, session_id = webhook_event.get("type"), str(webhook_event["session"]["id"])
        except (ValueError, AttributeError, KeyError, TypeError):
            return  # not a webhook event: the assistant refuses it as it would any
        if kind != "user_speak":
            return
        line = self._lines[session_id]
        self._lines[session_id] += 1
        if line < len(self._scripted):
            bedrock.script(*self._scripted[line])


def _fake_bedrock_client(url: str) -> Any:
    """A ``bedrock-runtime`` client on the fake, as ``BedrockConverse`` makes its own: no retries, the turn's clock."""
    import boto3
    from botocore.config import Config

    config = Config(retries={"total_max_attempts": 1}, connect_timeout=1.0, read_timeout=15.0)
    client = boto3.client(
        "bedrock-runtime",
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=config,
    )
    return bind_to_deadline(client)
