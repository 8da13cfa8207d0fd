"""The outcome publisher Lambda: the table's change stream to ``Reminder outcome`` events on the stack's bus.

Wiring only; which stream records are outcomes, and what their events say, is :mod:`reminders.messages.outcome_events`.
Each record that closes a reminder becomes one ``PutEvents`` entry on ``EVENT_BUS_NAME``. A record whose
event the bus did not take fails alone (``ReportBatchItemFailures``): Lambda reads the stream again from
it, bisecting the batch, for as long as the template's retry settings allow, then hands it to the
on-failure destination (the publisher's dead-letter queue, with an alarm). Records after a failed one are
read again too, so an event may come twice: with the same ``event_id``, which consumers drop duplicates by.
"""

from __future__ import annotations

import functools
from typing import Any

import boto3
from aws_lambda_powertools import Logger, single_metric
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from reminders.messages.outcome_events import DETAIL_TYPE, SOURCE, outcome_event
from reminders.settings import PublisherConfig

SERVICE = "outcome-publisher"

logger = Logger(service=SERVICE)
copy_config_to_registered_loggers(source_logger=logger, include={"reminders"})
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


class BusRefused(Exception):
    """The bus did not take the event; the stream record is tried again."""


@functools.cache
def _events() -> Any:
    return boto3.client("events")


@functools.cache
def _config() -> PublisherConfig:
    return PublisherConfig.from_environ()


def _count_closed(outcome: str) -> None:
    """``RemindersClosed`` by outcome: every final outcome passes here, whoever decided it."""
    with single_metric(
        name="RemindersClosed", unit=MetricUnit.Count, value=1, default_dimensions={"service": SERVICE}
    ) as metric:
        metric.add_dimension(name="outcome", value=outcome)


def publish(record: DynamoDBRecord) -> str | None:
    """Put the record's outcome event on the bus; ``None`` for a record that closes no reminder."""
    detail = outcome_event(record.raw_event, _config().texted_outcomes)
    if detail is None:
        return None
    answer = _events().put_events(
        Entries=[
            {
                "Source": SOURCE,
                "DetailType": DETAIL_TYPE,
                "Detail": detail.model_dump_json(),
                "EventBusName": _config().event_bus_name,
            }
        ]
    )
    if answer.get("FailedEntryCount"):
        entry = answer["Entries"][0]
        raise BusRefused(f"{detail.event_id}: {entry.get('ErrorCode')}: {entry.get('ErrorMessage')}")
    _count_closed(detail.outcome)
    logger.info("published %s", detail.event_id)
    return detail.event_id


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return dict(process_partial_response(event=event, record_handler=publish, processor=processor, context=context))
