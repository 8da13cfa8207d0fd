"""The webhook Lambda started cold for each test (``functions/webhook/app.py``), and what every call checks.

``start_webhook`` (and ``webhook``, started with the defaults) configure it as template.yaml does, on the
test's table, its token in SSM and a call queue of its own on the moto server; ``dial`` leaves the
reminder as the dialer does when the callee's phone rings.
"""

from __future__ import annotations

import importlib
import json
import sys
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import boto3
import pytest

from aiflow import DynamoDBSessionStore, StoredState
from aiflow.testing import CallSimulator, FakeLambdaContext, LambdaTarget, SimulatedCall, http_api_event
from reminders.aws.secrets import MAX_AGE_SECONDS
from reminders.model.reminder import Language, Outcome, Reminder, ReminderRecord, ReminderStatus, Via
from reminders.store.repository import ReminderRepository
from tests.harness.aws import NUMBER_KEY, NUMBER_KEYS
from tests.harness.dialer import start_attempt

APP_MODULE = "functions.webhook.app"
TOKEN = "webhook-test-token"
CALLEE = "+4915790000687"
CALLEE_DIGITS = "4915790000687"
REMINDER_ID = "r-1"
CALLER_NAME = "Praxis Dr. Weber"
HEADERS = {"Content-Type": "application/json", "X-API-TOKEN": TOKEN}


# The webhook, started cold in each test.


@dataclass
class Webhook:
    """The function module, and our own view of its table and call queue (clients of our own, which never fail)."""

    app: ModuleType
    table: str
    call_queue_url: str = ""
    repository: ReminderRepository = field(init=False)
    sessions: DynamoDBSessionStore = field(init=False)

    def __post_init__(self) -> None:
        self.repository = ReminderRepository(self.table, number_keys=NUMBER_KEYS)
        self.sessions = DynamoDBSessionStore(self.table)

    def queued(self) -> list[dict[str, Any]]:
        """The messages on the call queue (taken off it)."""
        sqs = boto3.client("sqs")
        bodies = []
        while True:
            batch = sqs.receive_message(QueueUrl=self.call_queue_url, MaxNumberOfMessages=10).get("Messages", [])
            if not batch:
                return bodies
            for message in batch:
                bodies.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=self.call_queue_url, ReceiptHandle=message["ReceiptHandle"])

    def simulator(self, token: str = TOKEN) -> CallSimulator:
        return CallSimulator(LambdaTarget(self.app.lambda_handler), token)

    def call(self, **start: Any) -> SimulatedCall:
        """An outbound call to the callee, answered."""
        return self.simulator().start_call(direction="outbound", to_phone_number=CALLEE, **start)

    def post(self, body: str, headers: Mapping[str, str] = HEADERS, **event_fields: Any) -> dict[str, Any]:
        event = {**http_api_event(body, headers), **event_fields}
        result: dict[str, Any] = self.app.lambda_handler(event, FakeLambdaContext())
        return result

    def reminder(self, reminder_id: str = REMINDER_ID) -> ReminderRecord:
        record = self.repository.get(reminder_id)
        assert record is not None
        return record

    def session_state(self, session_id: str) -> StoredState:
        return self.sessions.load(session_id)


@pytest.fixture
def token_parameter(aws_env: str) -> str:
    name = f"/aiflow-test/{uuid.uuid4().hex}/webhook-token"
    boto3.client("ssm").put_parameter(Name=name, Value=TOKEN, Type="SecureString")
    return name


@pytest.fixture
def number_key_parameter(aws_env: str) -> str:
    """The SecureString of the numbers' hash key, holding the tests' key (tests.harness.aws.NUMBER_KEY)."""
    name = f"/aiflow-test/{uuid.uuid4().hex}/number-key"
    boto3.client("ssm").put_parameter(Name=name, Value=NUMBER_KEY, Type="SecureString")
    return name


def cold_start() -> ModuleType:
    """Import the function module anew, as a new execution environment does: it reads its configuration then."""
    sys.modules.pop(APP_MODULE, None)
    app = importlib.import_module(APP_MODULE)
    # Powertools keeps the first handler of its logger for the whole process: point it at this test's stdout.
    app.logger.registered_handler.setStream(sys.stdout)
    return app


@pytest.fixture
def call_queue(aws_env: str) -> str:
    """The call queue a private callback's dial goes to (moto's SQS)."""
    return str(boto3.client("sqs").create_queue(QueueName=f"calls-{uuid.uuid4().hex[:12]}")["QueueUrl"])


@pytest.fixture
def start_webhook(
    dynamodb_table: str,
    token_parameter: str,
    number_key_parameter: str,
    call_queue: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[..., Webhook]]:
    monkeypatch.setenv("TABLE_NAME", dynamodb_table)
    monkeypatch.setenv("WEBHOOK_TOKEN_PARAMETER", token_parameter)
    monkeypatch.setenv("NUMBER_KEY_PARAMETER", number_key_parameter)
    monkeypatch.setenv("DEFAULT_LANGUAGE", "de-DE")
    monkeypatch.setenv("CALLER_NAME", CALLER_NAME)
    monkeypatch.setenv("CALL_QUEUE_URL", call_queue)
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "AiFlowRemindersTest")
    # These tests are about what a call says and stores: a busy test machine must not turn an answer into
    # the apology. The deadline itself is tested at its default in test_webhook_deadline.py.
    monkeypatch.setenv("TURN_DEADLINE_MS", "2500")
    for optional in ("TRANSFER_NUMBER", "RETRY_AFTER_VOICEMAIL", "INBOUND_CALLBACKS"):
        monkeypatch.delenv(optional, raising=False)

    def start(**environment: str) -> Webhook:
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return Webhook(cold_start(), dynamodb_table, call_queue)

    yield start
    sys.modules.pop(APP_MODULE, None)


@pytest.fixture
def webhook(start_webhook: Callable[..., Webhook]) -> Webhook:
    return start_webhook()


def dial(
    webhook: Webhook,
    *,
    language: Language = Language.GERMAN,
    location: str | None = None,
    max_attempts: int = 3,
    caller_name: str | None = None,
) -> Reminder:
    """Leave the reminder as the dialer does when it rings the callee: created, attempt 1 and the line claimed."""
    reminder = _reminder(language, location).model_copy(
        update={"max_attempts": max_attempts, "caller_name": caller_name}
    )
    assert webhook.repository.create(reminder)
    start_attempt(webhook.repository, REMINDER_ID)
    return reminder


def _reminder(language: Language, location: str | None) -> Reminder:
    if language is Language.GERMAN:
        reminder = Reminder(
            reminder_id=REMINDER_ID,
            to_phone_number=CALLEE,
            appointment_at=datetime(2030, 12, 3, 10, 30),
            time_zone="Europe/Berlin",
            name="Erika Mustermann",
            language=language,
            location=location,
        )
    else:  # given in UTC, spoken in the callee's own time zone
        reminder = Reminder(
            reminder_id=REMINDER_ID,
            to_phone_number=CALLEE,
            appointment_at=datetime(2030, 12, 3, 15, 30, tzinfo=UTC),
            time_zone="America/New_York",
            name="Jane Doe",
            language=language,
            location=location,
        )
    return reminder


# What every finished call must show.


def assert_goodbye_then_hangup(call: SimulatedCall) -> None:
    """The goodbye played to its end, and the hangup came only as the answer to its assistant_speech_ended."""
    call.assert_hung_up()
    assert call.actions[-1]["type"] == "hangup"
    assert [event["type"] for event in call.events[-2:]] == ["assistant_speech_ended", "session_end"]
    goodbye = call.actions[-2]
    assert goodbye["type"] == "speak"
    assert goodbye["barge_in"] == {"strategy": "none"}
    assert not any(line.cut_off for line in call.transcript)


def assert_decided(webhook: Webhook, call: SimulatedCall, outcome: Outcome, via: Via | None) -> ReminderRecord:
    record = webhook.reminder()
    assert record.status == ReminderStatus(outcome.value)
    assert record.outcome is outcome
    assert record.outcome_via == via
    assert record.outcome_session_id == call.session_id
    assert record.decided_at is not None
    assert [entry.event for entry in record.history].count(outcome.value) == 1
    line = webhook.repository.find_line(CALLEE)
    if outcome is Outcome.VOICEMAIL:
        # The message asked for a call back: the reminder stays findable by the number, which is free again.
        assert line is not None, "a call back still finds the reminder"
        assert line.claimed_until < datetime.now(UTC), "the number is free for other calls"
    else:
        assert line is None, "the line is released once decided"
    return record


def assert_open(webhook: Webhook) -> ReminderRecord:
    record = webhook.reminder()
    assert record.status is ReminderStatus.CALLING
    assert record.outcome is None
    return record


# Requests.


def session_start() -> str:
    return json.dumps({"type": "session_start", "session": {"id": str(uuid.uuid4())}})


class RacingStore:
    """The webhook's own DynamoDB store, holding each thread's first load until both have loaded the same version."""

    def __init__(self, store: Any, parties: int) -> None:
        self._store = store
        self._barrier = threading.Barrier(parties)
        self._seen = threading.local()

    def load(self, session_id: str) -> StoredState:
        state: StoredState = self._store.load(session_id)
        if not getattr(self._seen, "loaded", False):
            self._seen.loaded = True
            self._barrier.wait(timeout=10)
        return state

    def save(self, session_id: str, data: Mapping[str, Any], *, expected_version: int) -> int:
        version: int = self._store.save(session_id, data, expected_version=expected_version)
        return version

    def delete(self, session_id: str) -> None:
        self._store.delete(session_id)


def let_the_token_cache_expire(webhook: Webhook) -> None:
    """Move the clock of the webhook's secrets past their cache period: the next turn wants a fresh token."""
    later = webhook.app.secrets.clock() + MAX_AGE_SECONDS + 1
    webhook.app.secrets.clock = lambda: later
