"""The dialer Lambda: call-queue batches, and Scheduler or EventBridge invocations, handed to the dialer.

- **SQS** (the call queue): the records of one batch are handled concurrently with Powertools' batch
  utility, on threads that live as long as the execution environment, each with its own sipgate client
  (HTTP session); a record that must come again fails alone (``ReportBatchItemFailures``).
- **EventBridge Scheduler** invoking the function directly: the event is the message itself.
- **An EventBridge rule**: the message is the event's ``detail``.

Both direct invocations raise when the message must come again, so that Lambda's asynchronous retries and
its on-failure destination take over. The message format is documented in :mod:`reminders.messages.call_queue`,
what happens to a message in :mod:`reminders.dialing.dialer`.

Every message's disposition is an EMF metric (namespace ``POWERTOOLS_METRICS_NAMESPACE``, dimension
``service``): ``CallsPlaced``, ``CallsMaybePlaced``, ``CallsNotPlaced`` (given back, to come again),
``CallsRefused`` (sipgate refused for good), ``CallsDeferred``, ``RetriesScheduled``, ``RemindersExpired``,
``DialsRefusedWhileLive``; for the SMS after the last attempt ``SmsSent``, ``SmsMaybeSent``, ``SmsRefused``
(alarmed), ``SmsDeferred`` and ``SmsSkipped``; for the messages of other systems ``RemindersScheduled``,
``RemindersMoved``, ``RemindersWithdrawn``, ``RemindersForgotten`` and ``MessagesRejected`` (the reason is
logged and noted on the reminder).
"""

from __future__ import annotations

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import boto3
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import AsyncBatchProcessor, EventType, async_process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from aiflow.outbound import OutboundClient
from aiflow.sms import SmsClient
from reminders.aws import CallDelivery, SecureParameters
from reminders.aws.clients import schedule_target
from reminders.dialing.dialer import Dialer, Disposition, RetryLater
from reminders.model.retention import Retention
from reminders.settings import DialerConfig
from reminders.store.number_keys import NumberKeys
from reminders.store.repository import ReminderRepository

SERVICE = "aiflow-dialer"
logger = Logger(service="dialer")
metrics = Metrics(service=SERVICE)
copy_config_to_registered_loggers(source_logger=logger, include={"reminders", "aiflow"})

CONNECT_TIMEOUT = 3.05
READ_TIMEOUT = 10.0
BATCH_SIZE = 10  # the call queue event source's BatchSize in template.yaml: one thread per record
# Kept across invocations, so that each thread's HTTP session (and its TLS connection to sipgate) is reused.
_THREADS = ThreadPoolExecutor(max_workers=BATCH_SIZE, thread_name_prefix="dial")

_NOT_PLACED = "not placed"  # RetryLater: given back, to come again
_METRICS: dict[str, str] = {
    _NOT_PLACED: "CallsNotPlaced",
    Disposition.DIALLED: "CallsPlaced",
    Disposition.MAYBE_DIALLED: "CallsMaybePlaced",
    Disposition.FAILED: "CallsRefused",
    Disposition.DEFERRED: "CallsDeferred",
    Disposition.RETRY_SCHEDULED: "RetriesScheduled",
    Disposition.EXPIRED: "RemindersExpired",
    Disposition.ATTEMPT_LIVE: "DialsRefusedWhileLive",
    Disposition.REJECTED: "MessagesRejected",
    Disposition.SMS_SENT: "SmsSent",
    Disposition.SMS_MAYBE_SENT: "SmsMaybeSent",
    Disposition.SMS_REFUSED: "SmsRefused",
    Disposition.SMS_DEFERRED: "SmsDeferred",
    Disposition.SMS_SKIPPED: "SmsSkipped",
    Disposition.CREATED: "RemindersScheduled",
    Disposition.UPDATED: "RemindersMoved",
    Disposition.WITHDRAWN: "RemindersWithdrawn",
    Disposition.FORGOTTEN: "RemindersForgotten",
}


@functools.cache
def _config() -> DialerConfig:
    return DialerConfig.from_environ()


@functools.cache
def _secrets() -> SecureParameters:
    """The reader of the sipgate token and the numbers' hash key (reminders.aws.secrets), made on the first
    invocation like the other clients."""
    return SecureParameters(boto3.client("ssm"))


@functools.lru_cache(maxsize=1)
def _dialer(token: str) -> Dialer:
    """The dialer for the current sipgate token; a rotated token (read through a cache) builds a new one."""
    config = _config()
    delivery = CallDelivery(
        boto3.client("sqs"),
        config.call_queue_url,
        scheduler=boto3.client("scheduler"),
        target=schedule_target(config),
    )

    def outbound() -> OutboundClient:  # one per dialling thread
        return OutboundClient(
            token,
            base_url=config.sipgate_base_url,
            connect_timeout=CONNECT_TIMEOUT,
            read_timeout=READ_TIMEOUT,
            max_retries=0,  # the dialer tries again itself, each try within the calls-per-second cap
        )

    repository = ReminderRepository(
        config.table_name,
        client=boto3.client("dynamodb"),
        number_keys=NumberKeys(lambda: _secrets().get_once(config.number_key_parameter)),
        retention=Retention(config.retention_days),
    )

    def sms() -> SmsClient:  # one per dialling thread; the token needs the scope sessions:sms:write
        assert config.sms_id is not None, "DialerConfig requires SMS_ID while SMS after the last attempt is on"
        return SmsClient(
            token,
            config.sms_id,
            base_url=config.sipgate_base_url,
            connect_timeout=CONNECT_TIMEOUT,
            read_timeout=READ_TIMEOUT,
        )

    return Dialer(
        config,
        repository=repository,
        outbound=outbound,
        delivery=delivery,
        dial_budget=timedelta(seconds=config.dial_budget_seconds),
        request_timeout=timedelta(seconds=CONNECT_TIMEOUT + READ_TIMEOUT),
        sms=sms,
    )


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    dialer = _dialer(_secrets().get(_config().sipgate_token_parameter))
    records = event.get("Records")
    if isinstance(records, list) and records and records[0].get("eventSource") == "aws:sqs":
        return _handle_batch(dialer, event, context)
    message = event["detail"] if "detail-type" in event else event
    try:
        disposition = dialer.handle(message)
    except RetryLater:
        _count(_NOT_PLACED)
        raise
    _count(disposition)
    return {"disposition": disposition.value}


def _handle_batch(dialer: Dialer, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """One thread per record, so that the batch's calls go out side by side (the cap still holds)."""
    processor = AsyncBatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)

    async def handle_record(record: SQSRecord) -> str:
        try:
            disposition = await asyncio.get_running_loop().run_in_executor(_THREADS, dialer.handle, record.body)
        except RetryLater:
            _count(_NOT_PLACED)  # on the event loop's thread, like every metric: Metrics is not thread-safe
            raise  # expected, and logged with its reason by the dialer
        except Exception:
            logger.exception("message %s failed and will come again", record.message_id)
            raise
        _count(disposition)
        return disposition.value

    return dict(async_process_partial_response(event, handle_record, processor, context))


def _count(disposition: str) -> None:
    name = _METRICS.get(disposition)
    if name is not None:
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)
