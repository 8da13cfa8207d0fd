"""The webhook Lambda: sipgate AI Flow events in, the reminder conversation's answers out.

API Gateway HTTP API (payload 2.0) routes ``POST /webhook`` (AI Flow's events) and ``GET /health`` here.
What a call says is decided in ``reminders.conversation.call``; this module only wires it to API Gateway, the
``X-API-TOKEN`` secret in SSM, DynamoDB, structured logs and EMF metrics.

Every turn has a deadline (``TURN_DEADLINE_MS``, 800 ms from API Gateway's ``timeEpoch``, so a cold
start's init counts too): the SSM and DynamoDB clients are bound to it (``aiflow.deadline``: each request
gets the time left, a retry only if it fits), and a turn that cannot finish in time answers with the
conversation's fallback. The token is read from SSM through ``reminders.aws.secrets`` (cached, kept while
SSM fails, re-read at once when a request brings another one); without any token (SSM down at a cold
start) the caller still hears the apology: it says nothing of any reminder.

Cold start matters (a caller waits for the first answer): module level holds only what every turn needs,
and builds it there, so that the first turn does no more than any other (and SnapStart's snapshot holds
it). There is no Powertools ``Tracer`` (about 400 ms of init; X-Ray traces come from ``Tracing: Active``)
and no Powertools HTTP resolver: two routes are matched here. With SnapStart, :func:`_after_restore`
makes what must differ per environment fresh (random state, connections, the cached token).

``events/webhook/`` holds one API Gateway event per AI Flow event type, for
``sam local invoke WebhookFunction -e events/webhook/session_start.json``; they carry the token
``local-webhook-token``, so point ``WEBHOOK_TOKEN_PARAMETER`` at a SecureString with that value.
"""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any

import boto3
from aws_lambda_powertools import Logger, Metrics, single_metric
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit
from botocore.config import Config

from aiflow import (
    Deadline,
    DynamoDBSessionStore,
    Event,
    EventType,
    InvalidEvent,
    UnknownEvent,
    UserInputTimeout,
    WebhookResponse,
    bind_to_deadline,
)
from aiflow.apigateway import arrival_of_proxy_event, request_from_proxy_event
from aiflow.deadline import deadline_scope
from reminders.aws.secrets import ParameterUnavailable, SecureParameters
from reminders.conversation.call import ReminderConversation
from reminders.model.reminder import Outcome
from reminders.settings import WebhookConfig
from reminders.store.number_keys import NumberKeys
from reminders.store.repository import ReminderRepository

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from reminders.aws import CallDelivery
    from reminders.conversation.second_reader import ModelReading, SecondReader

SERVICE = "aiflow-webhook"
# Short connects (a hung one is not shortened by the deadline); reads get the turn's time left. "standard"
# mode retries once, with backoff, when that fits in the time left (aiflow.deadline).
DYNAMODB_CONFIG = Config(connect_timeout=0.2, read_timeout=0.5, retries={"mode": "standard", "total_max_attempts": 2})
# A callback's dial is put on the call queue while the caller waits for our goodbye: the same short leash.
SQS_CONFIG = Config(connect_timeout=0.2, read_timeout=0.5, retries={"mode": "standard", "total_max_attempts": 2})
# The token's reads: the same short leash (a refresh while a token is in hand gets less, reminders.aws.secrets).
SSM_CONFIG = Config(connect_timeout=0.2, read_timeout=0.5, retries={"mode": "standard", "total_max_attempts": 2})
# The second reader's model: no retry (a retried request could not answer within the turn either), a short
# connect; the read gets what the turn can spare (reminders.conversation.second_reader).
BEDROCK_CONFIG = Config(connect_timeout=0.2, read_timeout=2.0, retries={"total_max_attempts": 1})

logger = Logger(service=SERVICE)
metrics = Metrics(service=SERVICE)
# The SDK and the conversation log through the standard library: same JSON lines, level and keys.
copy_config_to_registered_loggers(source_logger=logger, include={"aiflow", "reminders"})


def _count(name: str, **dimensions: str) -> None:
    """One count with its own dimensions, published at once (the invocation's metric set has others)."""
    with single_metric(name=name, unit=MetricUnit.Count, value=1, default_dimensions={"service": SERVICE}) as metric:
        for dimension, value in dimensions.items():
            metric.add_dimension(name=dimension, value=value)


def _count_outcome(outcome: Outcome) -> None:
    _count("Outcomes", outcome=outcome.value)


def _count_model_reading(result: ModelReading, seconds: float) -> None:
    """A request to the second reader's model: what became of it, and how long it took."""
    _count("ModelReadings", result=result.value)
    with single_metric(
        name="ModelReadingLatency",
        unit=MetricUnit.Milliseconds,
        value=round(seconds * 1000),
        default_dimensions={"service": SERVICE},
    ):
        pass


def _second_reader(model_id: str | None, client: Any) -> SecondReader | None:
    """The second reader on ``model_id`` through ``client``; none (and nothing of it imported) with no model."""
    if not model_id:
        return None
    from aiflow.llm import BedrockConverse  # deferred: only a webhook with the model pays for it
    from reminders.conversation.second_reader import SecondReader

    return SecondReader(
        BedrockConverse(model_id, max_tokens=200, temperature=0.0, client=client), on_reading=_count_model_reading
    )


@functools.cache
def _callback_delivery() -> CallDelivery:
    """The call queue, for private callbacks: its client is made on the first callback, not at init."""
    from reminders.aws import CallDelivery  # deferred: ~40 ms of model building no other turn needs

    assert config.call_queue_url is not None, "WebhookConfig requires it while callbacks are on"
    return CallDelivery(bind_to_deadline(session.client("sqs", config=SQS_CONFIG)), config.call_queue_url)


# ConfirmationSms: each send_sms answered, and each sms_failed that came back.
_CONFIRMATION_SMS = {"sent": "ConfirmationSmsSent", "failed": "ConfirmationSmsFailed"}

config = WebhookConfig.from_environ()
session = boto3.Session()
# One client for the session store and the repository: a second would double its share of the cold start.
dynamodb = bind_to_deadline(session.client("dynamodb", config=DYNAMODB_CONFIG))
# The token's SSM client, made at init like the table's: its model (~25 ms of CPU) is then in SnapStart's
# snapshot or a proactive init, not in the first turn's 800 ms.
ssm = bind_to_deadline(session.client("ssm", config=SSM_CONFIG))
secrets = SecureParameters(ssm)
# The second reader's Bedrock client, made at init like the others (a cold start's first turn is short of
# time), and only when a model is configured: off, the webhook makes none.
bedrock = (
    bind_to_deadline(session.client("bedrock-runtime", config=BEDROCK_CONFIG))
    if config.understanding_model_id
    else None
)
second_reader = _second_reader(config.understanding_model_id, bedrock)
# The numbers' hash key: read on the first turn that looks a number up, then kept (it never changes).
number_keys = NumberKeys(lambda: secrets.get_once(config.number_key_parameter))
conversation = ReminderConversation(
    ReminderRepository(config.table_name, client=dynamodb, number_keys=number_keys),
    default_language=config.default_language,
    caller_name=config.caller_name,
    transfer_number=config.transfer_number,
    retry_after_voicemail=config.retry_after_voicemail,
    inbound_callbacks=config.inbound_callbacks,
    callback_delivery=_callback_delivery,
    on_outcome=_count_outcome,
    on_answered=lambda: _count("CallsAnswered"),
    second_reader=second_reader,
    confirmation_sms=config.confirmation_sms,
    on_sms=lambda result: _count(_CONFIRMATION_SMS[result]),
)
assistant = conversation.assistant(
    session_store=DynamoDBSessionStore(config.table_name, client=dynamodb),
    deadline_seconds=config.turn_deadline_ms / 1000,
)


def webhook(event: dict[str, Any]) -> WebhookResponse:
    """One AI Flow event: the token checked, the conversation's answer (or its fallback) within the deadline."""
    try:
        body, headers = request_from_proxy_event(event)
    except InvalidEvent as error:
        return _rejection(400, error.reason)
    arrival = arrival_of_proxy_event(event)
    with deadline_scope(Deadline.after(config.turn_deadline_ms / 1000, start=arrival)):
        try:
            assistant.webhook_token = secrets.get(config.webhook_token_parameter)
        except ParameterUnavailable:
            logger.exception("webhook token unavailable; answering with the apology")
            return assistant.fallback_response(body)
        reply = assistant.handle(body, headers, received_at=arrival)
        if reply.status_code == 401 and secrets.recheck(config.webhook_token_parameter):
            assistant.webhook_token = secrets.get(config.webhook_token_parameter)
            reply = assistant.handle(body, headers, received_at=arrival)
    return reply


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    http = (event.get("requestContext") or {}).get("http") or {}
    route = (http.get("method") or event.get("httpMethod"), event.get("rawPath") or event.get("path"))
    if route == ("GET", "/health"):
        return WebhookResponse(200, {"Content-Type": "application/json"}, '{"status":"ok"}').to_api_gateway()
    reply = webhook(event) if route == ("POST", "/webhook") else _rejection(404, "not found")
    _log_and_count(reply)
    return reply.to_api_gateway()


def _after_restore() -> None:
    """SnapStart: an environment restored from the snapshot gets its own random state, connections and token."""
    import random

    random.seed()
    for client in (dynamodb, ssm, bedrock):
        if client is not None:
            client._endpoint.http_session.close()  # pooled sockets would be the snapshot's: reconnect
    secrets.forget()


try:  # SnapStart's runtime hooks (Lambda's Python runtime has the module; elsewhere there is no snapshot)
    from snapshot_restore_py import register_after_restore  # type: ignore[import-not-found]
except ImportError:
    pass
else:
    register_after_restore(_after_restore)


def _rejection(status_code: int, reason: str) -> WebhookResponse:
    return WebhookResponse(status_code, {"Content-Type": "application/json"}, json.dumps({"error": reason}))


def _log_and_count(reply: WebhookResponse) -> None:
    """Log and count the reply."""
    event = reply.event
    if event is None:
        metrics.add_dimension(name="status", value=str(reply.status_code))
        metrics.add_metric(name="RejectedRequests", unit=MetricUnit.Count, value=1)
        reason = json.loads(reply.body).get("error") if reply.body else None
        logger.warning("webhook request rejected", extra={"status": reply.status_code, "reason": reason})
    else:
        logger.append_keys(session_id=event.session_id)
        event_type = _metric_event_type(event)
        metrics.add_dimension(name="event_type", value=event_type)
        metrics.add_metric(name="Events", unit=MetricUnit.Count, value=1)
        if reply.used_fallback:
            _count("FallbacksUsed")
        if reply.out_of_time:
            _count("TurnsOutOfTime")
        logger.info(
            "event answered",
            extra={
                "event_type": event_type,
                "status": reply.status_code,
                "actions": [action["type"] for action in reply.actions],
                "used_fallback": reply.used_fallback,
                "out_of_time": reply.out_of_time,
            },
        )


def _metric_event_type(event: Event) -> str:
    """The event's type as a metric dimension: only the known types, so callers cannot mint dimensions."""
    if isinstance(event, UnknownEvent):
        return "unknown"
    if isinstance(event, UserInputTimeout):
        return EventType.USER_INPUT_TIMEOUT.value  # also for the "timeout" alias
    return event.type
