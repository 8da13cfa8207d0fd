"""The webhook Lambda: sipgate AI Flow events in, the reminder conversation's answers out.

API Gateway HTTP API (payload 2.0) routes ``POST /webhook`` (AI Flow's events) and ``GET /health`` here.
What a call says is decided in ``reminders.conversation``; this module only wires it to API Gateway
(Powertools' resolver), the ``X-API-TOKEN`` secret in SSM, DynamoDB, structured logs and EMF metrics.

Cold start matters (a caller waits for the first answer): module level holds only what every turn needs.
There is no Powertools ``Tracer``, which costs about 400 ms of init; X-Ray traces come from the function's
``Tracing: Active``. SSM (Powertools parameters) is imported on the first request, once per environment.

``events/webhook/`` holds one API Gateway event per AI Flow event type, for
``sam local invoke WebhookFunction -e events/webhook/session_start.json``; they carry the token
``local-webhook-token``, so point ``WEBHOOK_TOKEN_PARAMETER`` at a SecureString with that value.
"""

from __future__ import annotations

import functools
import json
import time
from typing import TYPE_CHECKING, Any

import boto3
from aws_lambda_powertools import Logger, Metrics, single_metric
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.config import Config

from aiflow import DynamoDBSessionStore, Event, EventType, InvalidEvent, UnknownEvent, UserInputTimeout, WebhookResponse
from aiflow.apigateway import request_from_proxy_event
from reminders.config import WebhookConfig, read_secure_parameter
from reminders.conversation import ReminderConversation
from reminders.models import Outcome
from reminders.repository import ReminderRepository

if TYPE_CHECKING:
    from reminders.scheduling import CallDelivery

SERVICE = "aiflow-webhook"
# A caller waits about a second for each answer: give up on a slow DynamoDB call early and let the
# fallback apologise, instead of outwaiting sipgate. "standard" mode retries once, with backoff.
DYNAMODB_CONFIG = Config(connect_timeout=0.5, read_timeout=0.5, retries={"mode": "standard", "total_max_attempts": 2})
# A callback's dial is put on the call queue while the caller waits for our goodbye: the same short leash.
SQS_CONFIG = Config(connect_timeout=0.5, read_timeout=0.5, retries={"mode": "standard", "total_max_attempts": 2})
# How often a request with an unknown token may make us re-read the token from SSM (rotation).
TOKEN_RECHECK_SECONDS = 30.0

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


class WebhookToken:
    """The ``X-API-TOKEN`` secret from SSM, read per request through Powertools' cache.

    SSM is asked at most once per cache period, except for rotation: a request whose token does not match
    makes us re-read SSM at once (at most every ``TOKEN_RECHECK_SECONDS``, so wrong tokens cannot flood
    SSM), so a new secret set in SSM and then in the AI Flow works without waiting for the cache. While
    SSM cannot be reached, the last value read stays in use.
    """

    def __init__(self, parameter_name: str) -> None:
        self.parameter_name = parameter_name
        self._value: str | None = None
        self._rechecked_at = float("-inf")

    def current(self) -> str:
        try:
            self._value = read_secure_parameter(self.parameter_name)
        except Exception:
            if self._value is None:
                raise
            logger.warning("could not re-read the webhook token; keeping the last one", exc_info=True)
        return self._value

    def recheck(self) -> bool:
        """Re-read the token bypassing the cache; ``True`` if it changed."""
        now = time.monotonic()
        if now - self._rechecked_at < TOKEN_RECHECK_SECONDS:
            return False
        self._rechecked_at = now
        previous = self._value
        try:
            self._value = read_secure_parameter(self.parameter_name, force_fetch=True)
        except Exception:
            logger.warning("could not re-read the webhook token", exc_info=True)
            return False
        return self._value != previous


@functools.cache
def _callback_delivery() -> CallDelivery:
    """The call queue, for private callbacks: its client is made on the first callback, not at init."""
    from reminders.scheduling import CallDelivery  # deferred: ~40 ms of model building no other turn needs

    assert config.call_queue_url is not None, "WebhookConfig requires it while callbacks are on"
    return CallDelivery(boto3.client("sqs", config=SQS_CONFIG), config.call_queue_url)


config = WebhookConfig.from_environ()
# One client for the session store and the repository: a second would double its share of the cold start.
dynamodb = boto3.client("dynamodb", config=DYNAMODB_CONFIG)
conversation = ReminderConversation(
    ReminderRepository(config.table_name, client=dynamodb),
    default_language=config.default_language,
    caller_name=config.caller_name,
    transfer_number=config.transfer_number,
    retry_after_voicemail=config.retry_after_voicemail,
    inbound_callbacks=config.inbound_callbacks,
    callback_delivery=_callback_delivery,
    on_outcome=_count_outcome,
    on_answered=lambda: _count("CallsAnswered"),
)
assistant = conversation.assistant(session_store=DynamoDBSessionStore(config.table_name, client=dynamodb))
webhook_token = WebhookToken(config.webhook_token_parameter)
app = APIGatewayHttpResolver()


@app.post("/webhook")
def webhook() -> Response[str]:
    try:
        body, headers = request_from_proxy_event(app.current_event.raw_event)
    except InvalidEvent as error:
        return _answer(_rejection(400, error.reason))
    try:
        assistant.webhook_token = webhook_token.current()
    except Exception:
        logger.exception("webhook token unavailable")
        return _answer(_rejection(503, "webhook token unavailable"))
    reply = assistant.handle(body, headers)
    if reply.status_code == 401 and webhook_token.recheck():
        assistant.webhook_token = webhook_token.current()
        reply = assistant.handle(body, headers)
    return _answer(reply)


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


def _rejection(status_code: int, reason: str) -> WebhookResponse:
    return WebhookResponse(status_code, {"Content-Type": "application/json"}, json.dumps({"error": reason}))


def _answer(reply: WebhookResponse) -> Response[str]:
    """Log and count the reply, then hand it to API Gateway."""
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
        logger.info(
            "event answered",
            extra={
                "event_type": event_type,
                "status": reply.status_code,
                "actions": [action["type"] for action in reply.actions],
                "used_fallback": reply.used_fallback,
            },
        )
    return Response(status_code=reply.status_code, body=reply.body, headers=reply.headers)


def _metric_event_type(event: Event) -> str:
    """The event's type as a metric dimension: only the known types, so callers cannot mint dimensions."""
    if isinstance(event, UnknownEvent):
        return "unknown"
    if isinstance(event, UserInputTimeout):
        return EventType.USER_INPUT_TIMEOUT.value  # also for the "timeout" alias
    return event.type
