"""The model behind an agent: a small interface (:class:`ChatModel`) and its one backend, Bedrock's Converse.

A model takes a :class:`ModelRequest` (the system prompt, the history as Converse messages, the tools'
specs) and returns a :class:`ModelReply`, or raises :class:`ModelError` (``kind`` says what went wrong:
Bedrock's error code, ``"timeout"`` or ``"connection"``). The history is kept in Converse's own message
format because it is plain JSON, fit for the session state, and another backend translates it once.

:class:`BedrockConverse` calls ``bedrock-runtime`` through boto3 with botocore's retries off (its default
retries a throttled request for up to a minute, far past the caller's patience) and the client bound to
the turn's deadline (:func:`aiflow.deadline.bind_to_deadline`): inside a turn each request may read for
the time left, outside one (a background worker) for ``read_timeout``. The client is made on first use,
so an assistant whose turns never reach the model never imports boto3.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from aiflow._extras import MissingExtra
from aiflow.deadline import DeadlineExceeded, bind_to_deadline

__all__ = ["BedrockConverse", "ChatModel", "ModelError", "ModelReply", "ModelRequest", "ToolCall"]

TIMEOUT = "timeout"  # a ModelError kind: no answer in the time there was
# Stop reasons whose text is an answer; the others (malformed_tool_use, guardrail_intervened, ...) are failures.
ANSWERED = frozenset({"end_turn", "stop_sequence", "max_tokens"})


class ModelError(Exception):
    """The model gave no usable answer; ``kind`` is Bedrock's error code, ``"timeout"`` or ``"connection"``."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind


class ModelRequest(BaseModel):
    """What one model request carries: the system prompt, the history and the tools' specs (Converse's format)."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    system: str
    messages: Sequence[Mapping[str, Any]]
    tools: Sequence[Mapping[str, Any]] = ()


class ToolCall(BaseModel):
    """The model asks for the tool ``name`` with ``arguments``; ``id`` pairs the call with its result."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    id: str
    name: str
    arguments: dict[str, Any]


class ModelReply(BaseModel):
    """The model's answer: the message to add to the history, its text and tool calls, why it stopped."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    message: dict[str, Any]
    stop_reason: str
    latency_ms: int = Field(default=0, ge=0)

    @property
    def text(self) -> str:
        return " ".join(block["text"].strip() for block in self.message["content"] if block.get("text")).strip()

    @property
    def tool_calls(self) -> list[ToolCall]:
        uses = (block["toolUse"] for block in self.message["content"] if "toolUse" in block)
        return [ToolCall(id=use["toolUseId"], name=use["name"], arguments=use.get("input") or {}) for use in uses]


class ChatModel(Protocol):
    """A language model behind an agent: one request, one reply (or a :class:`ModelError`)."""

    def converse(self, request: ModelRequest) -> ModelReply: ...


class BedrockConverse:
    """Amazon Bedrock's Converse API through boto3's ``bedrock-runtime`` (the ``[bedrock]`` extra; Lambda has boto3).

    ``model_id`` is a model or inference profile (``eu.amazon.nova-micro-v1:0``); ``max_tokens`` keeps
    answers phone-short. ``read_timeout`` bounds a request outside a turn (in a background worker);
    inside one the turn's time left does. ``client`` replaces the one made from the environment (the
    endpoint comes from ``AWS_ENDPOINT_URL_BEDROCK_RUNTIME`` if set).
    """

    def __init__(
        self,
        model_id: str,
        *,
        max_tokens: int = 300,
        temperature: float | None = 0.3,
        region_name: str | None = None,
        connect_timeout: float = 1.0,
        read_timeout: float = 15.0,
        client: Any = None,
    ) -> None:
        if not model_id:
            raise ValueError("model_id is required")
        self.model_id = model_id
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.region_name = region_name
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self._client = client
        self._lock = threading.Lock()  # a worker thread and a turn may make the client at the same time

    @property
    def client(self) -> Any:
        """The ``bedrock-runtime`` client, made on first use with retries off and bound to the turn's deadline."""
        with self._lock:
            if self._client is None:
                self._client = bind_to_deadline(
                    _bedrock_client(region_name=self.region_name, connect=self.connect_timeout, read=self.read_timeout)
                )
            return self._client

    def converse(self, request: ModelRequest) -> ModelReply:
        inference: dict[str, Any] = {"maxTokens": self.max_tokens}
        if self.temperature is not None:
            inference["temperature"] = self.temperature
        call: dict[str, Any] = {
            "modelId": self.model_id,
            "messages": list(request.messages),
            "system": [{"text": request.system}],
            "inferenceConfig": inference,
        }
        if request.tools:
            call["toolConfig"] = {"tools": list(request.tools)}
        answer = self._send(call)
        return ModelReply(
            message=answer["output"]["message"],
            stop_reason=answer["stopReason"],
            latency_ms=answer.get("metrics", {}).get("latencyMs", 0),
        )

    def _send(self, call: dict[str, Any]) -> dict[str, Any]:
        from botocore.exceptions import ClientError, ConnectionError, ReadTimeoutError  # boto3 is loaded by now

        client = self.client
        try:
            answer: dict[str, Any] = client.converse(**call)
        except ReadTimeoutError as timeout:
            raise ModelError(TIMEOUT, str(timeout)) from timeout
        except DeadlineExceeded as late:
            raise ModelError(TIMEOUT, str(late)) from late
        except ConnectionError as failed:  # botocore's, the connect timeout among them
            raise ModelError("connection", str(failed)) from failed
        except ClientError as refused:
            details = refused.response.get("Error", {})
            raise ModelError(details.get("Code", "ClientError"), details.get("Message", "")) from refused
        return answer


def _bedrock_client(*, region_name: str | None, connect: float, read: float) -> Any:
    try:
        import boto3  # deferred: only an agent that asks the model pays for boto3
        from botocore.config import Config
    except ImportError as missing:
        raise MissingExtra("bedrock", "BedrockConverse", missing) from missing
    config = Config(retries={"total_max_attempts": 1}, connect_timeout=connect, read_timeout=read)
    return boto3.client("bedrock-runtime", region_name=region_name, config=config)
