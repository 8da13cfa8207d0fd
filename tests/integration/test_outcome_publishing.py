"""The stream-to-bus path: reminders decided in DynamoDB (Local) reach the stack's bus as outcome events.

The publisher runs as the local stack runs it (a Lambda worker process fed by ``local.streams``), against
the table's real change stream and moto's EventBridge; a rule on the bus copies every event to a queue
the test reads. Faults are on the wire: a proxy in front of EventBridge refuses connections.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import jsonschema
import pytest

from local.lambda_runtime import FunctionSpec, LocalFunction
from local.pollers import StreamPoller
from reminders.messages.outcome_events import DETAIL_TYPE, SOURCE
from reminders.model.history import HistoryEvent
from reminders.model.preferred_time import PreferredTime
from reminders.model.reminder import Outcome, Reminder, Via
from reminders.store.repository import ReminderRepository
from tests.harness.aws import NUMBER_KEYS
from tests.harness.dialer import start_attempt
from tests.harness.tcp_proxy import FaultyProxy

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "schemas" / "reminder-outcome.schema.json").read_text(encoding="utf-8"))


class Bus:
    """A bus on moto with a rule that copies its outcome events to a queue, read by ``events()``."""

    def __init__(self) -> None:
        self.name = f"reminders-{uuid.uuid4().hex[:8]}"
        events, self._sqs = boto3.client("events"), boto3.client("sqs")
        events.create_event_bus(Name=self.name)
        self._queue_url = self._sqs.create_queue(QueueName=f"{self.name}-tap")["QueueUrl"]
        queue_arn = self._sqs.get_queue_attributes(QueueUrl=self._queue_url, AttributeNames=["QueueArn"])
        events.put_rule(
            Name="tap",
            EventBusName=self.name,
            EventPattern=json.dumps({"source": [SOURCE], "detail-type": [DETAIL_TYPE]}),
        )
        events.put_targets(
            Rule="tap",
            EventBusName=self.name,
            Targets=[{"Id": "tap", "Arn": queue_arn["Attributes"]["QueueArn"]}],
        )
        self.received: list[dict[str, Any]] = []

    def events(self, *, at_least: int, within: float = 20.0) -> list[dict[str, Any]]:
        """Every event so far, waiting up to ``within`` seconds until there are ``at_least``."""
        deadline = time.monotonic() + within
        while True:
            for message in self._sqs.receive_message(
                QueueUrl=self._queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
            ).get("Messages", []):
                self.received.append(json.loads(message["Body"]))
                self._sqs.delete_message(QueueUrl=self._queue_url, ReceiptHandle=message["ReceiptHandle"])
            if len(self.received) >= at_least or time.monotonic() > deadline:
                return list(self.received)
            time.sleep(0.2)


@pytest.fixture
def bus(aws_env: str) -> Bus:
    return Bus()


def _publisher(tmp_path: Path, bus: Bus, events_endpoint: str) -> LocalFunction:
    spec = FunctionSpec(
        logical_id="OutcomePublisherFunction",
        code_dir="functions/publisher",
        handler="app.lambda_handler",
        timeout_seconds=30,
        memory_mb=256,
        environment={"EVENT_BUS_NAME": bus.name, "POWERTOOLS_METRICS_NAMESPACE": "AiFlowReminders"},
    )
    aws = {name: value for name, value in os.environ.items() if name.startswith("AWS_") or name in ("PATH", "HOME")}
    # Few and quick retries inside botocore: the stream's retry is the one under test.
    aws |= {"AWS_ENDPOINT_URL_EVENTBRIDGE": events_endpoint, "AWS_MAX_ATTEMPTS": "2", "AWS_RETRY_MODE": "standard"}
    return LocalFunction(spec, base_environment=aws, log_path=tmp_path / "publisher.log")


@pytest.fixture
def stream(fresh_dynamodb_table: str) -> tuple[ReminderRepository, str]:
    """A table of its own: its stream holds this test's writes only."""
    client = boto3.client("dynamodb")
    arn = client.describe_table(TableName=fresh_dynamodb_table)["Table"]["LatestStreamArn"]
    return ReminderRepository(fresh_dynamodb_table, client=client, number_keys=NUMBER_KEYS), arn


def _reminder(reminder_id: str, number: str = "+4915712345678") -> Reminder:
    return Reminder(
        reminder_id=reminder_id,
        to_phone_number=number,
        appointment_at=datetime.now(UTC) + timedelta(days=2),
        time_zone="Europe/Berlin",
        name="Erika Mustermann",
    )


def _streams() -> Any:
    """The stream API is served where the table is (DynamoDB Local, or moto)."""
    return boto3.client("dynamodbstreams", endpoint_url=os.environ["AWS_ENDPOINT_URL_DYNAMODB"])


def _poll(stream_arn: str, publisher: LocalFunction) -> StreamPoller:
    poller = StreamPoller(_streams(), stream_arn=stream_arn, function=publisher, interval=0.2)
    poller.start()
    return poller


def test_every_outcome_is_one_event_with_a_valid_detail(
    tmp_path: Path, bus: Bus, aws_env: str, stream: tuple[ReminderRepository, str]
) -> None:
    repository, stream_arn = stream
    decisions = {
        "confirmed": (Outcome.CONFIRMED, Via.SPEECH),
        "cancelled": (Outcome.CANCELLED, Via.KEY),
        "no-decision": (Outcome.NO_DECISION, None),
        "no-answer": (Outcome.NO_ANSWER, None),
        "failed": (Outcome.FAILED, None),
    }
    for index, (reminder_id, (outcome, via)) in enumerate(decisions.items()):
        repository.create(_reminder(reminder_id, f"+491571234567{index}"))  # each called on a line of its own
        start_attempt(repository, reminder_id)
        assert repository.record_outcome(reminder_id, outcome, via=via, session_id="s-1" if via else None)
        repository.note(reminder_id, HistoryEvent.REJECTED, "a later note changes the item, decides nothing")
    repository.create(_reminder("withdrawn"))
    assert repository.cancel("withdrawn")
    repository.create(_reminder("still-open"))

    publisher = _publisher(tmp_path, bus, aws_env)
    poller = _poll(stream_arn, publisher)
    try:
        events = bus.events(at_least=len(decisions) + 1)
        time.sleep(1.0)  # anything wrongly published would arrive now
        events = bus.events(at_least=len(decisions) + 2, within=0)
    finally:
        poller.stop()
        publisher.stop()

    details = {event["detail"]["reminder_id"]: event["detail"] for event in events}
    assert len(events) == len(details) == len(decisions) + 1
    for detail in details.values():
        jsonschema.validate(detail, SCHEMA)
    assert {reminder_id: detail["outcome"] for reminder_id, detail in details.items()} == {
        **{reminder_id: outcome.value for reminder_id, (outcome, _) in decisions.items()},
        "withdrawn": "cancelled",
    }
    assert details["withdrawn"]["via"] == "operator"
    assert details["confirmed"]["session_id"] == "s-1"
    assert details["confirmed"]["attempts"] == 1


def test_what_the_practice_acts_on_reaches_the_bus_as_fields_of_their_own(
    tmp_path: Path, bus: Bus, aws_env: str, stream: tuple[ReminderRepository, str]
) -> None:
    repository, stream_arn = stream
    friday_at_nine = PreferredTime(weekday="friday", date="2026-03-06", time="09:00")
    for index, reminder_id in enumerate(("another-time", "asked", "wrong-number", "someone-else")):
        repository.create(_reminder(reminder_id, f"+491571234567{index}"))
        start_attempt(repository, reminder_id)
    repository.record_outcome(
        "another-time", Outcome.RESCHEDULE_REQUESTED, via=Via.SPEECH, session_id="s-1", preferred_time=friday_at_nine
    )
    repository.record_outcome("asked", Outcome.CONFIRMED, via=Via.KEY, session_id="s-2", question_open=True)
    repository.record_outcome("wrong-number", Outcome.WRONG_NUMBER, via=Via.SPEECH, session_id="s-3")
    # The last attempt answered by someone else: the webhook's note, then the dialer's answer check closes it.
    repository.record_third_party("someone-else", 1, "s-4")
    repository.record_outcome("someone-else", Outcome.NO_DECISION, detail="attempt 1 was answered by someone else")

    publisher = _publisher(tmp_path, bus, aws_env)
    poller = _poll(stream_arn, publisher)
    try:
        events = bus.events(at_least=4)
    finally:
        poller.stop()
        publisher.stop()

    details = {event["detail"]["reminder_id"]: event["detail"] for event in events}
    for detail in details.values():
        jsonschema.validate(detail, SCHEMA)
        assert "5712345" not in json.dumps(detail), "no phone number, not even in part"
    assert details["another-time"]["outcome"] == "reschedule_requested"
    assert details["another-time"]["preferred_time"] == {"weekday": "friday", "date": "2026-03-06", "time": "09:00"}
    assert {reminder_id: detail["question_open"] for reminder_id, detail in details.items()} == {
        "another-time": False,
        "asked": True,
        "wrong-number": False,
        "someone-else": False,
    }
    assert (details["wrong-number"]["outcome"], details["wrong-number"]["via"]) == ("wrong_number", "speech")
    assert (details["someone-else"]["outcome"], details["someone-else"]["third_party"]) == ("no_decision", True)
    assert [reminder_id for reminder_id, detail in details.items() if detail["preferred_time"]] == ["another-time"]
    assert [reminder_id for reminder_id, detail in details.items() if detail["third_party"]] == ["someone-else"]


def test_an_outcome_written_while_the_bus_fails_is_published_once_it_recovers(
    tmp_path: Path, bus: Bus, aws_env: str, stream: tuple[ReminderRepository, str]
) -> None:
    repository, stream_arn = stream
    moto_port = int(aws_env.rsplit(":", 1)[1])
    with FaultyProxy(moto_port, mode="refuse") as proxy:
        publisher = _publisher(tmp_path, bus, proxy.url)
        poller = _poll(stream_arn, publisher)
        try:
            repository.create(_reminder("during-outage"))
            repository.record_outcome("during-outage", Outcome.CONFIRMED, via=Via.KEY, session_id="s-9")
            time.sleep(3.0)
            assert bus.events(at_least=1, within=0) == []
            assert proxy.connections["refuse"] >= 2
            assert poller.invocations >= 2
            proxy.mode = "forward"
            events = bus.events(at_least=1)
            time.sleep(1.0)
            events = bus.events(at_least=2, within=0)
        finally:
            poller.stop()
            publisher.stop()

    assert [event["detail"]["event_id"] for event in events] == ["during-outage#confirmed"]


def test_a_stream_record_read_twice_gives_the_same_event_id(
    tmp_path: Path, bus: Bus, aws_env: str, stream: tuple[ReminderRepository, str]
) -> None:
    repository, stream_arn = stream
    repository.create(_reminder("twice"))
    repository.record_outcome("twice", Outcome.CANCELLED, via=Via.SPEECH, session_id="s-2")
    streams = _streams()
    shard = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=stream_arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    deciding = [
        {**record, "dynamodb": {**record["dynamodb"], "ApproximateCreationDateTime": 0}}
        for record in records
        if record["dynamodb"].get("NewImage", {}).get("outcome")
    ]

    publisher = _publisher(tmp_path, bus, aws_env)
    try:
        for _ in range(2):  # what Lambda does when a batch is retried after a later record failed
            assert publisher.invoke({"Records": deciding}) == {"batchItemFailures": []}
        events = bus.events(at_least=2)
    finally:
        publisher.stop()

    assert [event["detail"]["event_id"] for event in events] == ["twice#cancelled", "twice#cancelled"]
