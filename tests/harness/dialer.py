"""What the dialer tests run against: the SDK's fake sipgate, the AWS resources on the moto server, a
poller that plays Lambda's SQS event source mapping, clocks, and the dialer Lambda configured as
template.yaml configures it (the ``sipgate``, ``resources`` and ``handler`` fixtures).

Everything AWS goes through the moto server on loopback (``aws_env``); the poller receives from a real moto
queue with a redrive policy, so receive counts and the move to the dead-letter queue are SQS's own.
"""

from __future__ import annotations

import functools
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import boto3
import pytest

from aiflow.outbound import OutboundClient
from aiflow.sms import SmsClient
from aiflow.testing.sipgate import FakeSipgate
from reminders.aws import CallDelivery, ScheduleTarget
from reminders.dialing.dialer import Dialer
from reminders.model.reminder import Reminder, ReminderRecord, utc_now
from reminders.settings import DialerConfig
from reminders.store.repository import ReminderRepository
from tests.harness.aws import ACCOUNT, NUMBER_KEY, NUMBER_KEYS, REGION

TOKEN = "sipgate-test-token-0123456789"
FLOW_ID = "e3670012-96a3-4ae5-ac42-87abe22015c3"
BILLING_DEVICE = "e2"


# sipgate: the SDK's fake (scripted replies, dropped connections, rings counted), with this harness's token and flow.


def serve_sipgate() -> Iterator[FakeSipgate]:
    with FakeSipgate(token=TOKEN, ai_flow_id=FLOW_ID) as sipgate:
        yield sipgate


# AWS on the moto server.

_MOTO_WRITES = threading.Lock()


def atomic_dynamodb_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give moto's DynamoDB the atomic item writes of the real one, for tests that race writers.

    DynamoDB checks a write's condition and applies it as one step. The moto server's request threads can
    interleave two conditional writes to one item (both check, then both write), which real DynamoDB never
    does; on a busy machine a counter with a cap of 4 then reaches 5. Serialising moto's writes removes that
    defect of the fake, nothing of the code under test.
    """
    from moto.dynamodb.models import DynamoDBBackend

    for name in ("put_item", "update_item", "delete_item"):
        monkeypatch.setattr(DynamoDBBackend, name, _serialised(getattr(DynamoDBBackend, name)))


@pytest.fixture
def atomic_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """:func:`atomic_dynamodb_writes` for the test (a module asks for it with ``usefixtures``)."""
    atomic_dynamodb_writes(monkeypatch)


def _serialised(write: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(write)
    def one_at_a_time(*args: Any, **kwargs: Any) -> Any:
        with _MOTO_WRITES:
            return write(*args, **kwargs)

    return one_at_a_time


@dataclass(frozen=True)
class Resources:
    table: str
    queue_url: str
    queue_arn: str
    dead_letter_url: str
    dead_letter_arn: str
    group: str
    role_arn: str
    number_key_parameter: str  # the SecureString holding NUMBER_KEY

    @property
    def target(self) -> ScheduleTarget:
        return ScheduleTarget(
            group=self.group, role_arn=self.role_arn, queue_arn=self.queue_arn, dead_letter_arn=self.dead_letter_arn
        )


def create_resources(table: str, *, max_receive_count: int = 5) -> Resources:
    """The call queue with its dead-letter queue, a Scheduler group and role, for the given table."""
    sqs = boto3.client("sqs")
    suffix = uuid.uuid4().hex[:8]
    dead_letter_url = sqs.create_queue(QueueName=f"calls-dlq-{suffix}")["QueueUrl"]
    dead_letter_arn = queue_arn(dead_letter_url)
    redrive = json.dumps({"deadLetterTargetArn": dead_letter_arn, "maxReceiveCount": max_receive_count})
    queue_url = sqs.create_queue(
        QueueName=f"calls-{suffix}", Attributes={"RedrivePolicy": redrive, "VisibilityTimeout": "360"}
    )["QueueUrl"]
    group = f"reminders-{suffix}"
    boto3.client("scheduler").create_schedule_group(Name=group)
    number_key_parameter = f"/test/{suffix}/number-key"
    boto3.client("ssm").put_parameter(Name=number_key_parameter, Value=NUMBER_KEY, Type="SecureString")
    return Resources(
        table=table,
        queue_url=queue_url,
        queue_arn=queue_arn(queue_url),
        dead_letter_url=dead_letter_url,
        dead_letter_arn=dead_letter_arn,
        group=group,
        role_arn=f"arn:aws:iam::{ACCOUNT}:role/scheduler-{suffix}",
        number_key_parameter=number_key_parameter,
    )


def queue_arn(url: str) -> str:
    arn: str = boto3.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return arn


def _moto_queue(url: str) -> Any:
    from moto.sqs.models import sqs_backends

    return sqs_backends[ACCOUNT][REGION].queues[url.rsplit("/", 1)[1]]


def delayed_messages(url: str) -> list[tuple[dict[str, Any], float]]:
    """The messages still waiting out their DelaySeconds, with the delay each was sent with (seconds)."""
    now_ms = time.time() * 1000
    return [
        (json.loads(message.body), (message.delayed_until - message.sent_timestamp) / 1000)
        for message in _moto_queue(url)._messages
        if message.delayed_until > now_ms
    ]


def end_delays(url: str) -> int:
    """Let every delayed message of the queue be received now (time passing, for SQS); how many there were."""
    now_ms = time.time() * 1000
    waiting = [message for message in _moto_queue(url)._messages if message.delayed_until > now_ms]
    for message in waiting:
        message.delayed_until = 0
    return len(waiting)


def send(url: str, message: dict[str, Any] | str) -> None:
    body = message if isinstance(message, str) else json.dumps(message)
    boto3.client("sqs").send_message(QueueUrl=url, MessageBody=body)


def queue_bodies(url: str) -> list[dict[str, Any]]:
    """Every message that can be received now (they become visible again at once)."""
    sqs = boto3.client("sqs")
    received = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=30).get("Messages"):
        received.extend(batch)
    for message in received:
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
    return [json.loads(message["Body"]) for message in received]


def fire_schedule(resources: Resources, name: str) -> dict[str, Any]:
    """Do what EventBridge Scheduler does when the schedule is due: send its input to its target queue."""
    schedule = boto3.client("scheduler").get_schedule(Name=name, GroupName=resources.group)
    assert schedule["Target"]["Arn"] == resources.queue_arn
    send(resources.queue_url, schedule["Target"]["Input"])
    return dict(schedule)


# Lambda.


@dataclass(frozen=True)
class FakeContext:
    function_name: str = "DialerFunction"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:DialerFunction"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def sqs_event(messages: list[dict[str, Any]], arn: str) -> dict[str, Any]:
    """Lambda's SQS event for messages as ReceiveMessage returns them."""
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": {key: str(value) for key, value in message.get("Attributes", {}).items()},
                "messageAttributes": {},
                "md5OfBody": message["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": arn,
                "awsRegion": REGION,
            }
            for message in messages
        ]
    }


def records_event(bodies: list[str], arn: str = f"arn:aws:sqs:{REGION}:{ACCOUNT}:calls") -> dict[str, Any]:
    """An SQS event with these bodies, as if just received; message ids are fresh."""
    return sqs_event(
        [
            {"MessageId": str(uuid.uuid4()), "ReceiptHandle": uuid.uuid4().hex, "Body": body, "MD5OfBody": "-"}
            for body in bodies
        ],
        arn,
    )


@dataclass
class Poller:
    """Lambda's SQS event source mapping, in small: receive a batch, invoke, delete what succeeded.

    A failed record is made visible again at once instead of after the visibility timeout, so that a test
    need not wait; SQS itself counts the receives and moves a message to the dead-letter queue after the
    redrive policy's maxReceiveCount.
    """

    handler: Callable[[dict[str, Any], Any], dict[str, Any]]
    resources: Resources
    invocations: int = 0

    def poll_once(self) -> int:
        """One receive and invocation; the number of records handed to the handler."""
        sqs = boto3.client("sqs")
        messages = sqs.receive_message(
            QueueUrl=self.resources.queue_url,
            MaxNumberOfMessages=10,
            VisibilityTimeout=360,
            AttributeNames=["ApproximateReceiveCount"],
        ).get("Messages", [])
        if not messages:
            return 0
        self.invocations += 1
        response = self.handler(sqs_event(messages, self.resources.queue_arn), FakeContext())
        failed = {failure["itemIdentifier"] for failure in response.get("batchItemFailures", [])}
        for message in messages:
            if message["MessageId"] in failed:
                sqs.change_message_visibility(
                    QueueUrl=self.resources.queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                )
            else:
                sqs.delete_message(QueueUrl=self.resources.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return len(messages)

    def drain(self, *, max_invocations: int = 50) -> None:
        """Poll until the queue has nothing receivable (delayed messages stay)."""
        for _ in range(max_invocations):
            if not self.poll_once():
                return
        raise AssertionError(f"the queue was not empty after {max_invocations} invocations")


# Time and reminders.


class Clock:
    """The real clock moved by a whole number of seconds (so that second boundaries stay the wall clock's)."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = timedelta(seconds=round(offset.total_seconds()))

    @classmethod
    def at_local(cls, hour: int, minute: int, zone: str) -> Clock:
        """A clock that shows ``hour:minute`` today in ``zone`` now (and runs on from there)."""
        now = utc_now()
        wanted = now.astimezone(ZoneInfo(zone)).replace(hour=hour, minute=minute, second=0, microsecond=0)
        return cls(wanted - now)

    def __call__(self) -> datetime:
        return utc_now() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=round(seconds))


def midday_zone() -> str:
    """An IANA zone where it is about noon right now: deep inside any usual calling window, whatever the hour."""
    offset = 12 - utc_now().hour  # -11 ... 12
    # Etc/GMT zones have inverted signs: Etc/GMT-3 is three hours ahead of UTC.
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


def reminder_payload(reminder_id: str, number: str = "+4915790000687", **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "reminder_id": reminder_id,
        "to_phone_number": number,
        "appointment_at": (utc_now() + timedelta(days=2)).isoformat(),
        "time_zone": midday_zone(),
        "name": "Ada Lovelace",
        "language": "en-US",
        "location": "Smile Dental, Main Street 1",
    }
    values.update(fields)
    return values


def dialer_config(resources: Resources, sipgate: FakeSipgate, **fields: Any) -> DialerConfig:
    values: dict[str, Any] = {
        "table_name": resources.table,
        "sipgate_token_parameter": "/test/sipgate-token",
        "sipgate_base_url": sipgate.url,
        "ai_flow_id": FLOW_ID,
        "billing_device": BILLING_DEVICE,
        "calls_per_second": 10,
        "call_queue_url": resources.queue_url,
        "call_queue_arn": resources.queue_arn,
        "scheduler_group": resources.group,
        "scheduler_role_arn": resources.role_arn,
        "dead_letter_queue_arn": resources.dead_letter_arn,
        "caller_name": "Praxis Dr. Weber",
    }
    values.update(fields)
    return DialerConfig.model_validate(values)


def make_dialer(
    resources: Resources,
    sipgate: FakeSipgate,
    *,
    clock: Callable[[], datetime] = utc_now,
    sleep: Callable[[float], None] = time.sleep,
    read_timeout: float = 5.0,
    base_url: str | None = None,
    **config: Any,
) -> Dialer:
    """A dialer as the Lambda builds it, on these resources and this fake sipgate (or ``base_url``)."""

    def outbound() -> OutboundClient:
        return OutboundClient(TOKEN, base_url=base_url or sipgate.url, read_timeout=read_timeout, max_retries=0)

    def sms() -> SmsClient:
        return SmsClient(TOKEN, "s0", base_url=base_url or sipgate.url, read_timeout=read_timeout)

    return Dialer(
        dialer_config(resources, sipgate, **config),
        repository=ReminderRepository(
            resources.table, client=boto3.client("dynamodb"), clock=clock, number_keys=NUMBER_KEYS
        ),
        outbound=outbound,
        delivery=CallDelivery(
            boto3.client("sqs"),
            resources.queue_url,
            scheduler=boto3.client("scheduler"),
            target=resources.target,
            clock=clock,
        ),
        clock=clock,
        sleep=sleep,
        request_timeout=timedelta(seconds=read_timeout + 1),
        sms=sms,
    )


def repository(resources: Resources, clock: Callable[[], datetime] = utc_now) -> ReminderRepository:
    return ReminderRepository(resources.table, client=boto3.client("dynamodb"), clock=clock, number_keys=NUMBER_KEYS)


def start_attempt(
    repository: ReminderRepository, reminder_id: str, attempt: int = 1, *, line_for: timedelta = timedelta(minutes=5)
) -> ReminderRecord:
    """Claim ``attempt`` of the stored reminder as the dialer does: the attempt and the callee's line at once."""
    seen = repository.get(reminder_id)
    assert seen is not None, f"{reminder_id} is not in the table"
    return repository.claim_attempt(seen, attempt, claim_line_for=line_for, keep_line_for=timedelta(days=2))


# The dialer Lambda (functions/dialer/app.py).

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


@pytest.fixture
def sipgate() -> Iterator[FakeSipgate]:
    yield from serve_sipgate()


@pytest.fixture
def resources(dynamodb_table: str) -> Resources:
    return create_resources(dynamodb_table, max_receive_count=3)


@pytest.fixture
def handler(resources: Resources, sipgate: FakeSipgate, monkeypatch: pytest.MonkeyPatch) -> Iterator[Handler]:
    """``app.lambda_handler`` configured as template.yaml configures it, its token in SSM (on moto)."""
    from functions.dialer import app  # deferred: only the tests that run the dialer pay for its import

    parameter = f"/test/{uuid.uuid4().hex}/sipgate-token"
    boto3.client("ssm").put_parameter(Name=parameter, Value=TOKEN, Type="SecureString")
    environment = {
        "NUMBER_KEY_PARAMETER": resources.number_key_parameter,
        "TABLE_NAME": resources.table,
        "SIPGATE_TOKEN_PARAMETER": parameter,
        "SIPGATE_BASE_URL": sipgate.url,
        "AI_FLOW_ID": FLOW_ID,
        "BILLING_DEVICE": BILLING_DEVICE,
        "CALLS_PER_SECOND": "10",
        "CALL_WINDOW": "08:00-20:00",
        "RETRY_DELAY_MINUTES": "5",
        "ANSWER_TIMEOUT_SECONDS": "120",
        "CALL_QUEUE_URL": resources.queue_url,
        "CALL_QUEUE_ARN": resources.queue_arn,
        "SCHEDULER_GROUP": resources.group,
        "SCHEDULER_ROLE_ARN": resources.role_arn,
        "DEAD_LETTER_QUEUE_ARN": resources.dead_letter_arn,
        "CALLER_NAME": "Praxis Dr. Weber",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    # The Globals' POWERTOOLS_METRICS_NAMESPACE, which Metrics read when the module was first imported.
    monkeypatch.setattr(app.metrics, "namespace", "AiFlowRemindersTest")
    caches = (app._config, app._dialer)  # a test may replace app._dialer; the caches are cleared all the same
    for cache in caches:
        cache.cache_clear()
    yield app.lambda_handler
    for cache in caches:
        cache.cache_clear()


def use(monkeypatch: pytest.MonkeyPatch, dialer: Dialer) -> None:
    """Have the handler run ``dialer`` (built with a test clock) instead of the one it builds itself."""
    from functions.dialer import app

    monkeypatch.setattr(app, "_dialer", lambda token: dialer)


def record(resources: Resources, reminder_id: str) -> ReminderRecord:
    found = repository(resources).get(reminder_id)
    assert found is not None, f"{reminder_id} is not in the table"
    return found


def events_of(found: ReminderRecord) -> list[str]:
    return [entry.event for entry in found.history]


def dial(reminder_id: str, number: str = "+4915790000687", **fields: Any) -> str:
    return json.dumps({"kind": "dial", "reminder": reminder_payload(reminder_id, number, **fields)})


def store(resources: Resources, reminder_id: str, number: str, clock: Clock | None = None, **fields: Any) -> None:
    """A reminder in the table, due now on ``clock``."""
    stored = repository(resources, clock or Clock())
    assert stored.create(Reminder.model_validate(reminder_payload(reminder_id, number, **fields)))
