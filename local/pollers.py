"""What AWS does between the resources, done by threads on loopback.

- ``QueuePoller``: Lambda's SQS event source mapping. Receives batches, invokes the function with the
  SQS event, deletes what succeeded and leaves the ``batchItemFailures`` for redelivery (after
  ``retry_visibility_seconds`` instead of the queue's full visibility timeout, so local runs stay
  short); the queue's redrive policy moves a message to the DLQ after ``maxReceiveCount`` receives.
- ``SchedulePoller``: EventBridge Scheduler. Moto stores one-time ``at(...)`` schedules but never fires
  them: this delivers each due schedule's input to its SQS target and deletes it when
  ``ActionAfterCompletion`` is ``DELETE``.
- ``RuleTargetPoller``: an EventBridge rule's Lambda target. Moto matches the events put on a bus against
  the rule and sends them to an SQS queue standing in for the target; this invokes the function with each
  event, as an asynchronous invocation, tried up to ``attempts`` times.
- ``RateSchedule``: an EventBridge Scheduler ``rate(...)`` schedule invoking a function with its input.
- ``StreamPoller``: Lambda's DynamoDB stream event source. Reads every shard of a table's stream (DynamoDB
  Local keeps streams as DynamoDB does) and invokes the function with batches in Lambda's record format,
  in order; a batch that fails is read again from the first record the function names in
  ``batchItemFailures`` (whole when the invocation fails), with no retry limit (Lambda's ends in the
  on-failure destination). Filter criteria are not applied: the functions skip what they do not want.
- ``BusTap``: a rule on a bus that copies matching events to a queue, read here, so that the demo and the
  tests see what the stack published.
- ``TtlSweeper``: DynamoDB's TTL, which neither moto nor DynamoDB Local carries out.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from local.lambda_runtime import InvocationError, LocalFunction

logger = logging.getLogger(__name__)


class _Loop:
    """A daemon thread calling ``tick`` every ``interval`` seconds until stopped."""

    def __init__(self, name: str, interval: float) -> None:
        self._interval = interval
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stopped.is_set():
            try:
                self.tick()
            except Exception:
                logger.exception("%s failed; trying again", self._thread.name)
            self._stopped.wait(self._interval)

    def tick(self) -> None:
        raise NotImplementedError


class QueuePoller(_Loop):
    def __init__(
        self,
        sqs: Any,
        *,
        queue_url: str,
        queue_arn: str,
        function: LocalFunction,
        batch_size: int = 10,
        retry_visibility_seconds: int = 2,
    ) -> None:
        super().__init__(f"poll-{queue_arn.rsplit(':', 1)[-1]}", 0.2)
        self._sqs = sqs
        self._queue_url = queue_url
        self._queue_arn = queue_arn
        self._function = function
        self._batch_size = min(batch_size, 10)
        self._retry_visibility = retry_visibility_seconds

    def tick(self) -> None:
        messages = self._sqs.receive_message(
            QueueUrl=self._queue_url,
            MaxNumberOfMessages=self._batch_size,
            WaitTimeSeconds=1,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return
        by_id = {message["MessageId"]: message for message in messages}
        try:
            result = self._function.invoke({"Records": [self._record(message) for message in messages]})
            failed = {item["itemIdentifier"] for item in (result or {}).get("batchItemFailures", [])}
        except InvocationError:
            failed = set(by_id)  # the whole batch returns to the queue, as with a Lambda error
        for message_id, message in by_id.items():
            if message_id in failed:
                self._sqs.change_message_visibility(
                    QueueUrl=self._queue_url,
                    ReceiptHandle=message["ReceiptHandle"],
                    VisibilityTimeout=self._retry_visibility,
                )
            else:
                self._sqs.delete_message(QueueUrl=self._queue_url, ReceiptHandle=message["ReceiptHandle"])

    def _record(self, message: dict[str, Any]) -> dict[str, Any]:
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": {
                name: {
                    "stringValue": value.get("StringValue"),
                    "dataType": value["DataType"],
                    "stringListValues": [],
                    "binaryListValues": [],
                }
                for name, value in message.get("MessageAttributes", {}).items()
            },
            "md5OfBody": message["MD5OfBody"],
            "eventSource": "aws:sqs",
            "eventSourceARN": self._queue_arn,
            "awsRegion": self._queue_arn.split(":")[3],
        }


class SchedulePoller(_Loop):
    def __init__(self, scheduler: Any, sqs: Any) -> None:
        super().__init__("scheduler", 0.5)
        self._scheduler = scheduler
        self._sqs = sqs
        self.delivered = 0

    def tick(self) -> None:
        now = datetime.now(UTC)
        for group in self._groups():
            pages = self._scheduler.get_paginator("list_schedules").paginate(GroupName=group)
            for summary in (schedule for page in pages for schedule in page.get("Schedules", [])):
                schedule = self._scheduler.get_schedule(GroupName=group, Name=summary["Name"])
                due = _due_time(schedule)
                if due is None or due > now or schedule.get("State") == "DISABLED":
                    continue
                self._deliver(schedule["Target"])
                if schedule.get("ActionAfterCompletion") == "DELETE":
                    self._scheduler.delete_schedule(GroupName=group, Name=schedule["Name"])
                else:
                    self._scheduler.update_schedule(
                        **{key: schedule[key] for key in ("Name", "GroupName", "ScheduleExpression", "Target")},
                        FlexibleTimeWindow=schedule["FlexibleTimeWindow"],
                        State="DISABLED",
                    )

    def _groups(self) -> list[str]:
        pages = self._scheduler.get_paginator("list_schedule_groups").paginate()
        return [group["Name"] for page in pages for group in page.get("ScheduleGroups", [])]

    def _deliver(self, target: dict[str, Any]) -> None:
        arn = target["Arn"]
        if not arn.startswith("arn:aws:sqs:"):
            raise ValueError(f"the local scheduler delivers to SQS queues only, not {arn}")
        queue_url = self._sqs.get_queue_url(QueueName=arn.rsplit(":", 1)[-1])["QueueUrl"]
        self._sqs.send_message(QueueUrl=queue_url, MessageBody=target.get("Input", "{}"))
        self.delivered += 1


def _due_time(schedule: dict[str, Any]) -> datetime | None:
    expression = schedule["ScheduleExpression"]
    if not expression.startswith("at(") or not expression.endswith(")"):
        return None  # rate() and cron() schedules are not emulated
    zone = ZoneInfo(schedule.get("ScheduleExpressionTimezone") or "UTC")
    return datetime.fromisoformat(expression[3:-1]).replace(tzinfo=zone)


class RuleTargetPoller(_Loop):
    def __init__(self, sqs: Any, *, queue_url: str, function: LocalFunction, attempts: int = 3) -> None:
        super().__init__(f"rule-{queue_url.rsplit('/', 1)[-1]}", 0.2)
        self._sqs = sqs
        self._queue_url = queue_url
        self._function = function
        self._attempts = attempts
        self.delivered = 0

    def tick(self) -> None:
        messages = self._sqs.receive_message(
            QueueUrl=self._queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1, MessageSystemAttributeNames=["All"]
        ).get("Messages", [])
        for message in messages:
            try:
                self._function.invoke(json.loads(message["Body"]))
                self.delivered += 1
            except InvocationError:
                if int(message["Attributes"]["ApproximateReceiveCount"]) < self._attempts:
                    continue  # comes again after the queue's visibility timeout, as Lambda retries
                logger.error("an event for %s failed %d times; dropped", self._function.spec.logical_id, self._attempts)
            self._sqs.delete_message(QueueUrl=self._queue_url, ReceiptHandle=message["ReceiptHandle"])


_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def rate_seconds(expression: str) -> float:
    """The period of ``rate(5 minutes)``; :class:`ValueError` for anything else (``cron()`` is not emulated)."""
    match = _RATE.fullmatch(expression.strip())
    if match is None:
        raise ValueError(f"the local stack runs rate(...) schedules only, not {expression!r}")
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2).removesuffix("s")]


class RateSchedule(_Loop):
    def __init__(self, function: LocalFunction, *, interval: float, event: Any) -> None:
        super().__init__(f"rate-{function.spec.logical_id}", interval)
        self._function = function
        self._event = event
        self.invocations = 0

    def tick(self) -> None:
        self.invocations += 1
        self._function.invoke(self._event)


class StreamPoller(_Loop):
    def __init__(
        self,
        streams: Any,
        *,
        stream_arn: str,
        function: LocalFunction,
        batch_size: int = 100,
        starting_position: str = "TRIM_HORIZON",
        interval: float = 0.3,
    ) -> None:
        super().__init__(f"stream-{stream_arn.rsplit('/', 1)[-1]}", interval)
        self._streams = streams
        self._stream_arn = stream_arn
        self._function = function
        self._batch_size = batch_size
        self._starting_position = starting_position
        self._iterators: dict[str, str | None] = {}  # shard id -> next iterator; None once the shard is closed
        self._pending: dict[str, list[dict[str, Any]]] = {}  # shard id -> records read but not yet handled
        self.invocations = 0

    def tick(self) -> None:
        for shard_id in self._shards():
            self._iterators.setdefault(shard_id, self._first_iterator(shard_id))
            pending = self._pending.setdefault(shard_id, [])
            if not pending:
                pending.extend(self._read(shard_id))
            while pending:
                handled = self._invoke(pending[: self._batch_size])
                del pending[:handled]
                if handled == 0:
                    break  # tried again at the next tick, as Lambda retries a failed batch

    def _shards(self) -> list[str]:
        description = self._streams.describe_stream(StreamArn=self._stream_arn)["StreamDescription"]
        return [shard["ShardId"] for shard in description.get("Shards", [])]

    def _first_iterator(self, shard_id: str) -> str | None:
        answer = self._streams.get_shard_iterator(
            StreamArn=self._stream_arn, ShardId=shard_id, ShardIteratorType=self._starting_position
        )
        iterator: str | None = answer.get("ShardIterator")
        return iterator

    def _read(self, shard_id: str) -> list[dict[str, Any]]:
        iterator = self._iterators.get(shard_id)
        if iterator is None:
            return []
        answer = self._streams.get_records(ShardIterator=iterator, Limit=1000)
        self._iterators[shard_id] = answer.get("NextShardIterator")
        return [self._lambda_record(record) for record in answer.get("Records", [])]

    def _invoke(self, batch: list[dict[str, Any]]) -> int:
        """How many records of ``batch``, from its start, were handled."""
        self.invocations += 1
        try:
            result = self._function.invoke({"Records": batch})
        except InvocationError as error:
            logger.warning("stream batch of %d records failed, reading it again: %s", len(batch), error)
            return 0
        failures = [item["itemIdentifier"] for item in (result or {}).get("batchItemFailures", [])]
        sequence_numbers = [record["dynamodb"]["SequenceNumber"] for record in batch]
        return min((sequence_numbers.index(failed) for failed in failures), default=len(batch))

    def _lambda_record(self, record: dict[str, Any]) -> dict[str, Any]:
        """A record as Lambda hands it over: the stream's, with its ARN and the creation time in epoch seconds."""
        change = dict(record["dynamodb"])
        created = change.get("ApproximateCreationDateTime")
        if created is not None and not isinstance(created, int | float):
            change["ApproximateCreationDateTime"] = created.timestamp()
        return {**record, "dynamodb": change, "eventSourceARN": self._stream_arn}


class BusTap(_Loop):
    """Every event on ``bus`` that matches ``pattern``, in ``events``; ``on_event`` is called with each."""

    def __init__(
        self,
        events: Any,
        sqs: Any,
        *,
        bus: str,
        pattern: dict[str, Any],
        name: str,
        on_event: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        super().__init__(f"tap-{name}", 0.2)
        self._sqs = sqs
        self._queue_url = sqs.create_queue(QueueName=name)["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=self._queue_url, AttributeNames=["QueueArn"])["Attributes"]
        events.put_rule(Name=name, EventBusName=bus, EventPattern=json.dumps(pattern))
        events.put_targets(Rule=name, EventBusName=bus, Targets=[{"Id": "tap", "Arn": queue_arn["QueueArn"]}])
        self._on_event = on_event
        self.events: list[dict[str, Any]] = []

    def tick(self) -> None:
        messages = self._sqs.receive_message(QueueUrl=self._queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        for message in messages.get("Messages", []):
            event = json.loads(message["Body"])
            self.events.append(event)
            if self._on_event is not None:
                self._on_event(event)
            self._sqs.delete_message(QueueUrl=self._queue_url, ReceiptHandle=message["ReceiptHandle"])


class TtlSweeper(_Loop):
    def __init__(self, dynamodb: Any, table_name: str, ttl_attribute: str, interval: float = 5.0) -> None:
        super().__init__(f"ttl-{table_name}", interval)
        self._dynamodb = dynamodb
        self._table = table_name
        self._attribute = ttl_attribute
        self.deleted = 0

    def tick(self) -> None:
        key_names = [
            part["AttributeName"] for part in self._dynamodb.describe_table(TableName=self._table)["Table"]["KeySchema"]
        ]
        pages = self._dynamodb.get_paginator("scan").paginate(
            TableName=self._table,
            FilterExpression="#ttl < :now",
            ExpressionAttributeNames={"#ttl": self._attribute},
            ExpressionAttributeValues={":now": {"N": str(int(time.time()))}},
        )
        for item in (item for page in pages for item in page.get("Items", [])):
            self._dynamodb.delete_item(TableName=self._table, Key={name: item[name] for name in key_names})
            self.deleted += 1
