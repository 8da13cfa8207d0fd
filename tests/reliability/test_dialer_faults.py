"""Faults the dialer meets placing a call: sipgate refusing for now (429, 500, 503), not answering in time,
dropping the connection; the sipgate token unreadable; the Lambda killed between dialling and recording.

Each scenario runs the dialer Lambda (``functions/dialer/app.py:lambda_handler``) as its SQS event source
mapping does, on a moto queue with a redrive policy of three receives, against a fake sipgate on loopback,
until the queue is empty (answer checks and retries included, each when due). It states what the callee
gets (how often the phone rang), what is recorded on the reminder, and that the reminder is neither lost
nor dialled twice. Nobody answers these calls unless the scenario says so: a reminder with one attempt
then ends ``no_answer``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from aiflow.outbound import OutboundClient, PlacedCall
from aiflow.testing.sipgate import DROPPED, FakeSipgate, Reply, rings_then, undecodable_201
from functions.dialer import app as dialer_app
from reminders.aws.secrets import MAX_AGE_SECONDS
from reminders.model.reminder import ReminderStatus
from tests.harness.dialer import (
    Clock,
    Handler,
    Poller,
    Resources,
    atomic_dynamodb_writes,
    dial,
    events_of,
    make_dialer,
    queue_bodies,
    record,
    repository,
    use,
)
from tests.harness.reliability import LambdaTimedOut, SsmDenial, event_source_mapping, outcome_events, settle
from tests.harness.webhook import Webhook

NUMBER = "+4915790000687"
DIGITS = "4915790000687"


@dataclass
class Dialer:
    """The dialer Lambda behind its event source mapping, with a clock that runs ahead to each due message."""

    poller: Poller
    clock: Clock
    sipgate: FakeSipgate
    resources: Resources

    def queue(self, *bodies: str) -> None:
        sqs = boto3.client("sqs")
        for body in bodies:
            sqs.send_message(QueueUrl=self.resources.queue_url, MessageBody=body)

    def run(self) -> None:
        settle(self.poller, self.clock)

    def dead_letters(self) -> list[dict[str, Any]]:
        return queue_bodies(self.resources.dead_letter_url)

    def redrive(self) -> None:
        """Move the dead letters back to the call queue, as an operator does once the cause is fixed."""
        sqs = boto3.client("sqs")
        url = self.resources.dead_letter_url
        while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
            for message in batch:
                sqs.send_message(QueueUrl=self.resources.queue_url, MessageBody=message["Body"])
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


@pytest.fixture
def dialer(handler: Handler, resources: Resources, sipgate: FakeSipgate, monkeypatch: pytest.MonkeyPatch) -> Dialer:
    atomic_dynamodb_writes(monkeypatch)
    clock = Clock()
    built = make_dialer(resources, sipgate, clock=clock, read_timeout=0.3, retry_delay_minutes=5)
    use(monkeypatch, built)
    return Dialer(Poller(event_source_mapping(handler), resources), clock, sipgate, resources)


# sipgate's answers.


@dataclass(frozen=True)
class Fault:
    replies: tuple[Reply, ...]
    posts: int  # requests that reached sipgate
    history: tuple[str, ...]  # what the reminder records, after "scheduled"


FAULTS = {
    "429 then 201": Fault((Reply(429, {"Retry-After": "0"}), Reply(201)), 2, ("dialling", "no_answer")),
    "503 twice then 201": Fault((Reply(503), Reply(503), Reply(201)), 3, ("dialling", "no_answer")),
    "503 asking for an hour": Fault(
        (Reply(503, {"Retry-After": "3600"}), Reply(201)),
        2,
        ("dialling", "not placed", "dialling", "no_answer"),
    ),
    "201 too late (read timeout)": Fault((Reply(201, delay=2.0),), 1, ("dialling", "maybe placed", "no_answer")),
    "connection dropped after the request": Fault((Reply(DROPPED),), 1, ("dialling", "maybe placed", "no_answer")),
    # The call rang, then sipgate or a proxy answered 5xx: a retry would ring the callee a second time.
    **{
        f"rings, then {status}": Fault((rings_then(status), Reply(201)), 1, ("dialling", "maybe placed", "no_answer"))
        for status in (500, 502, 504)
    },
    "201 with an undecodable body": Fault(
        (undecodable_201(), Reply(201)), 1, ("dialling", "maybe placed", "no_answer")
    ),
}


@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
def test_a_call_sipgate_refuses_for_now_or_may_have_taken_rings_the_callee_exactly_once(
    dialer: Dialer, fault: Fault
) -> None:
    dialer.sipgate.script(*fault.replies)
    dialer.queue(dial("appt-1", NUMBER, max_attempts=1))

    dialer.run()

    assert dialer.sipgate.rings_per_callee() == {DIGITS: 1}, "the callee's phone rang once"
    assert len(dialer.sipgate.received) == fault.posts
    reminder = record(dialer.resources, "appt-1")
    assert tuple(events_of(reminder)[1:]) == fault.history
    assert (reminder.status, reminder.attempts) == (ReminderStatus.NO_ANSWER, 1)
    assert dialer.dead_letters() == []


def test_sipgate_failing_for_good_parks_the_message_in_the_dead_letter_queue_and_a_redrive_rings_once(
    dialer: Dialer,
) -> None:
    dialer.sipgate.script(Reply(503))
    dialer.queue(dial("appt-1", NUMBER, max_attempts=1))

    dialer.run()

    assert dialer.sipgate.rang() == [], "no call was placed"
    assert len(dialer.sipgate.received) == 3 * 3, "three deliveries (the redrive policy), three tries each"
    parked = record(dialer.resources, "appt-1")
    assert (parked.status, parked.attempts) == (ReminderStatus.SCHEDULED, 0), "not lost: waiting to be dialled"
    assert events_of(parked)[1:] == ["dialling", "not placed"] * 3
    assert [letter["reminder"]["reminder_id"] for letter in dialer.dead_letters()] == ["appt-1"]

    dialer.sipgate.script(Reply(201))  # sipgate is back; the operator redrives the dead-letter queue
    dialer.redrive()
    dialer.run()

    assert dialer.sipgate.rang() == [DIGITS]
    closed = record(dialer.resources, "appt-1")
    assert (closed.status, closed.attempts) == (ReminderStatus.NO_ANSWER, 1)
    assert outcome_events(closed) == ["no_answer"]


# The sipgate token.


@pytest.mark.parametrize("cause", ["missing", "denied"])
def test_a_dialer_that_cannot_read_its_token_dials_nobody_and_loses_no_message(
    dialer: Dialer, monkeypatch: pytest.MonkeyPatch, cause: str
) -> None:
    parameter = os.environ["SIPGATE_TOKEN_PARAMETER"]
    if cause == "missing":
        value = boto3.client("ssm").get_parameter(Name=parameter, WithDecryption=True)["Parameter"]["Value"]
        boto3.client("ssm").delete_parameter(Name=parameter)
    else:
        ssm = SsmDenial().install(monkeypatch)
        ssm.denied.add(parameter)
    dialer.queue(dial("appt-1", "+4915790000001", max_attempts=1), dial("appt-2", "+4915790000002", max_attempts=1))

    dialer.run()  # every invocation fails at once; SQS gives up after three receives

    assert dialer.sipgate.received == [], "nobody is called"
    assert sorted(letter["reminder"]["reminder_id"] for letter in dialer.dead_letters()) == ["appt-1", "appt-2"]
    assert list(repository(dialer.resources).list()) == [], "nothing half-done in the table"

    if cause == "missing":  # the token is back; the operator redrives the dead-letter queue
        boto3.client("ssm").put_parameter(Name=parameter, Value=value, Type="SecureString")
    else:
        ssm.denied.clear()
    dialer.redrive()
    dialer.run()

    assert sorted(dialer.sipgate.rang()) == ["4915790000001", "4915790000002"], "each rang once"
    for reminder_id in ("appt-1", "appt-2"):
        closed = record(dialer.resources, reminder_id)
        assert (closed.status, closed.attempts) == (ReminderStatus.NO_ANSWER, 1)


def test_a_warm_dialer_keeps_its_token_while_ssm_denies_it(dialer: Dialer, monkeypatch: pytest.MonkeyPatch) -> None:
    dialer.queue(dial("appt-1", "+4915790000001", max_attempts=1))
    dialer.run()  # the token is read, and cached
    assert dialer.sipgate.rang() == ["4915790000001"]

    SsmDenial().install(monkeypatch).denied.add(os.environ["SIPGATE_TOKEN_PARAMETER"])
    secrets = dialer_app._secrets()
    later = secrets.clock() + MAX_AGE_SECONDS + 1
    monkeypatch.setattr(secrets, "clock", lambda: later)  # the cache period is over: the read is refused
    dialer.queue(dial("appt-2", "+4915790000002", max_attempts=1))
    dialer.run()

    assert dialer.sipgate.rang() == ["4915790000001", "4915790000002"], "dialled with the last token"
    assert dialer.dead_letters() == []
    assert record(dialer.resources, "appt-2").status is ReminderStatus.NO_ANSWER


# The Lambda killed between dialling and recording.


def then_time_out(call: Callable[..., PlacedCall]) -> Callable[..., PlacedCall]:
    """sipgate takes the call (201), and the invocation is killed before the dialer hears back."""

    def call_and_die(client: OutboundClient, **request: Any) -> PlacedCall:
        call(client, **request)
        raise LambdaTimedOut

    return call_and_die


@pytest.mark.parametrize("callee", ["answers and confirms", "does not answer"])
def test_a_dialer_killed_after_sipgate_took_the_call_rings_once_and_the_reminder_still_closes(
    dialer: Dialer, webhook: Webhook, monkeypatch: pytest.MonkeyPatch, callee: str
) -> None:
    dialer.queue(dial("appt-1", NUMBER, max_attempts=1))

    with monkeypatch.context() as patch:
        patch.setattr(OutboundClient, "call", then_time_out(OutboundClient.call))
        assert dialer.poller.poll_once() == 1  # the invocation dies; SQS will deliver the message again

    assert dialer.sipgate.rang() == [DIGITS], "the callee's phone rings"
    killed = record(dialer.resources, "appt-1")
    assert (killed.status, killed.attempts) == (ReminderStatus.CALLING, 1)
    assert events_of(killed)[1:] == ["dialling"], "nothing was recorded after the POST"
    if callee == "answers and confirms":
        call = webhook.call()
        call.say("Yes, I'll be there.")
        call.assert_said("is confirmed")

    dialer.run()  # the redelivered message, then the answer check

    assert len(dialer.sipgate.received) == 1, "the redelivered message did not dial again"
    closed = record(dialer.resources, "appt-1")
    assert closed.attempts == 1
    expected = ReminderStatus.CONFIRMED if callee == "answers and confirms" else ReminderStatus.NO_ANSWER
    assert closed.status is expected
    assert outcome_events(closed) == [expected.value]
    assert dialer.dead_letters() == []
