"""The local stack's stand-ins for what AWS does by itself: Scheduler firing ``at()`` schedules, and TTL."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import boto3

from local.pollers import SchedulePoller, TtlSweeper


def _wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)


def test_a_due_one_time_schedule_delivers_its_input_to_its_queue_and_deletes_itself(aws_env: str) -> None:
    sqs, scheduler = boto3.client("sqs"), boto3.client("scheduler")
    queue_url = sqs.create_queue(QueueName=f"calls-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    group = f"reminders-{uuid.uuid4().hex[:8]}"
    scheduler.create_schedule_group(Name=group)
    berlin = ZoneInfo("Europe/Berlin")
    due = datetime.now(UTC).astimezone(berlin) - timedelta(seconds=1)
    later = due + timedelta(hours=1)
    for name, at in (("due", due), ("later", later)):
        scheduler.create_schedule(
            Name=name,
            GroupName=group,
            ScheduleExpression=f"at({at:%Y-%m-%dT%H:%M:%S})",
            ScheduleExpressionTimezone="Europe/Berlin",  # the callee's wall clock, as the dialer writes it
            FlexibleTimeWindow={"Mode": "OFF"},
            ActionAfterCompletion="DELETE",
            Target={
                "Arn": queue_arn,
                "RoleArn": "arn:aws:iam::123456789012:role/scheduler",
                "Input": f'{{"n":"{name}"}}',
            },
        )

    poller = SchedulePoller(scheduler, sqs)
    poller.start()
    try:
        _wait_for(lambda: poller.delivered >= 1)
    finally:
        poller.stop()

    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)["Messages"]
    assert [json.loads(message["Body"]) for message in messages] == [{"n": "due"}]
    remaining = [schedule["Name"] for schedule in scheduler.list_schedules(GroupName=group)["Schedules"]]
    assert remaining == ["later"]


def test_the_ttl_sweeper_deletes_expired_items_only(dynamodb_table: str) -> None:
    dynamodb = boto3.client("dynamodb")
    now = int(time.time())
    for key, expires_at in (("SESSION#old", now - 5), ("SESSION#live", now + 3600)):
        dynamodb.put_item(TableName=dynamodb_table, Item={"pk": {"S": key}, "expires_at": {"N": str(expires_at)}})
    dynamodb.put_item(TableName=dynamodb_table, Item={"pk": {"S": "REMINDER#kept"}})  # no TTL attribute

    sweeper = TtlSweeper(dynamodb, dynamodb_table, "expires_at", interval=0.1)
    sweeper.start()
    try:
        _wait_for(lambda: sweeper.deleted >= 1)
    finally:
        sweeper.stop()

    keys = sorted(item["pk"]["S"] for item in dynamodb.scan(TableName=dynamodb_table)["Items"])
    assert keys == ["REMINDER#kept", "SESSION#live"]
