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
- ``TtlSweeper``: DynamoDB's TTL, which neither moto nor DynamoDB Local carries out.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
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
