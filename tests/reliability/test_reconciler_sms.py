"""The SMS after the last attempt is never stranded: its ``sms`` message lost on the wire (the queue's message
deleted, dead-lettered), the reconciler sends it again, once, or settles it, so that the outcome event,
which waits for the SMS, always goes out.

The dialer Lambda runs behind its SQS event source mapping (moto), against the fake sipgate that counts
texts per recipient, and the reconciler on the same test clock, which jumps past the grace (30 minutes).
The outcome event is what the publisher makes of the reminder's stream record (its old and new image).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import boto3
import pytest

from aiflow.testing.sipgate import FakeSipgate
from reminders.aws import CallDelivery
from reminders.dialing.reconciler import Action, Reconciler
from reminders.messages.outcome_events import outcome_event
from reminders.model.reminder import Outcome, ReminderStatus, SmsFate
from reminders.settings import ReconcilerConfig
from tests.harness.dialer import (
    Clock,
    Handler,
    Poller,
    Resources,
    atomic_dynamodb_writes,
    dial,
    end_delays,
    make_dialer,
    queue_bodies,
    record,
    repository,
    use,
)
from tests.harness.reliability import event_source_mapping

NUMBER = "+4915790000687"
DIGITS = "4915790000687"
ZONE = "Europe/Berlin"
GRACE = timedelta(minutes=30)
TEXTED = frozenset({Outcome.NO_ANSWER, Outcome.VOICEMAIL})
SMS_ON = {"sms_after_last_attempt": "no_answer,voicemail", "sms_id": "s0", "sms_callback_number": "+4921155660"}


def _item(resources: Resources) -> dict[str, Any]:
    key = {"pk": {"S": "REMINDER#appt-1"}}
    item: dict[str, Any] = boto3.client("dynamodb").get_item(TableName=resources.table, Key=key)["Item"]
    return item


class Published:
    """The outcome events the publisher makes of the reminder's changes, read image by image."""

    def __init__(self, resources: Resources) -> None:
        self._resources = resources
        self._old: dict[str, Any] = {}
        self.events: list[dict[str, Any]] = []

    def read(self) -> None:
        new = _item(self._resources)
        change = {"Keys": {"pk": {"S": "REMINDER#appt-1"}}, "NewImage": new, "OldImage": self._old}
        detail = outcome_event({"dynamodb": change}, TEXTED)
        if detail is not None:
            self.events.append(json.loads(detail.model_dump_json()))
        self._old = new


@pytest.fixture
def clock() -> Clock:
    return Clock.at_local(11, 0, ZONE)


@pytest.fixture
def reconciler(resources: Resources, clock: Clock) -> Reconciler:
    config = ReconcilerConfig(
        table_name=resources.table,
        call_queue_url=resources.queue_url,
        answer_timeout_seconds=120,
        dial_budget_seconds=40,
        reconcile_grace_minutes=GRACE.total_seconds() / 60,
        sms_after_last_attempt="no_answer,voicemail",
    )
    return Reconciler(
        config,
        repository=repository(resources, clock),
        delivery=CallDelivery(boto3.client("sqs"), resources.queue_url, clock=clock),
        clock=clock,
    )


@pytest.fixture
def closed_unreached(
    handler: Handler,
    resources: Resources,
    sipgate: FakeSipgate,
    monkeypatch: pytest.MonkeyPatch,
    clock: Clock,
) -> tuple[Poller, Published]:
    """A one-attempt reminder rung and left unanswered: its answer check closed it ``no_answer`` and put the
    ``sms`` message on the queue, which the test then takes off it (lost) before the dialer sees it."""
    atomic_dynamodb_writes(monkeypatch)
    use(monkeypatch, make_dialer(resources, sipgate, clock=clock, **SMS_ON))
    boto3.client("sqs").send_message(
        QueueUrl=resources.queue_url, MessageBody=dial("appt-1", NUMBER, max_attempts=1, time_zone=ZONE)
    )
    poller = Poller(event_source_mapping(handler), resources)
    poller.drain()
    assert sipgate.rang() == [DIGITS]
    clock.advance(160)
    end_delays(resources.queue_url)
    published = Published(resources)
    published.read()
    poller.poll_once()  # the answer check: closed, the sms message queued
    published.read()
    assert record(resources, "appt-1").status is ReminderStatus.NO_ANSWER
    assert [body["kind"] for body in queue_bodies(resources.queue_url)] == ["sms"]
    boto3.client("sqs").purge_queue(QueueUrl=resources.queue_url)  # the message is gone (expired, deleted)
    return poller, published


def test_a_lost_sms_message_is_sent_again_and_the_event_goes_out_once(
    closed_unreached: tuple[Poller, Published], reconciler: Reconciler, sipgate: FakeSipgate, clock: Clock
) -> None:
    poller, published = closed_unreached
    assert reconciler.run() == [], "within the grace"
    assert published.events == [], "the event waits for the SMS"

    clock.advance((GRACE + timedelta(minutes=1)).total_seconds())
    recoveries = [(recovery.reminder_id, recovery.action) for recovery in reconciler.run()]
    poller.drain()
    published.read()

    assert recoveries == [("appt-1", Action.SMS)]
    assert sipgate.texts_per_recipient() == {DIGITS: 1}
    assert record(poller.resources, "appt-1").sms is SmsFate.SENT
    assert [(event["outcome"], event["sms"]) for event in published.events] == [("no_answer", "sent")]
    clock.advance((GRACE + timedelta(minutes=1)).total_seconds())
    assert reconciler.run() == [], "settled: nothing more to do"


def test_a_resent_sms_message_racing_the_late_original_texts_once(
    closed_unreached: tuple[Poller, Published], reconciler: Reconciler, sipgate: FakeSipgate, clock: Clock
) -> None:
    poller, _ = closed_unreached
    clock.advance((GRACE + timedelta(minutes=1)).total_seconds())
    assert [recovery.action for recovery in reconciler.run()] == [Action.SMS]
    # The original was only delayed (a redrive of the dead-letter queue, say): it comes too.
    boto3.client("sqs").send_message(
        QueueUrl=poller.resources.queue_url,
        MessageBody=json.dumps({"kind": "sms", "reminder_id": "appt-1", "attempt": 1}),
    )
    poller.drain()

    assert sipgate.texts_per_recipient() == {DIGITS: 1}


def test_a_lost_sms_message_found_after_the_appointment_is_settled_and_the_event_goes_out(
    closed_unreached: tuple[Poller, Published], reconciler: Reconciler, sipgate: FakeSipgate, clock: Clock
) -> None:
    poller, published = closed_unreached
    clock.advance(timedelta(days=3).total_seconds())  # the reconciler did not run until after the appointment

    recoveries = [(recovery.reminder_id, recovery.action) for recovery in reconciler.run()]
    published.read()

    assert recoveries == [("appt-1", Action.SMS_SETTLED)]
    closed = record(poller.resources, "appt-1")
    assert (closed.sms, closed.sms_detail) == (SmsFate.SKIPPED, "reconciler: the appointment has begun")
    assert sipgate.texts() == []
    assert [(event["outcome"], event["sms"]) for event in published.events] == [("no_answer", "none")]


def test_a_claim_whose_invocation_died_is_settled_as_maybe_sent_and_never_sent(
    closed_unreached: tuple[Poller, Published],
    reconciler: Reconciler,
    resources: Resources,
    sipgate: FakeSipgate,
    clock: Clock,
) -> None:
    poller, published = closed_unreached
    assert repository(resources, clock).claim_sms(record(resources, "appt-1")).value == "claimed"  # then it died

    clock.advance((GRACE + timedelta(minutes=1)).total_seconds())
    recoveries = [recovery.action for recovery in reconciler.run()]
    poller.drain()
    published.read()

    assert recoveries == [Action.SMS_SETTLED]
    assert record(resources, "appt-1").sms is SmsFate.MAYBE_SENT
    assert sipgate.texts() == []
    assert [(event["outcome"], event["sms"]) for event in published.events] == [("no_answer", "unknown")]


def test_with_sms_off_the_reconciler_leaves_closed_reminders_alone(
    resources: Resources, sipgate: FakeSipgate, clock: Clock, handler: Handler, monkeypatch: pytest.MonkeyPatch
) -> None:
    atomic_dynamodb_writes(monkeypatch)
    use(monkeypatch, make_dialer(resources, sipgate, clock=clock))
    boto3.client("sqs").send_message(
        QueueUrl=resources.queue_url, MessageBody=dial("appt-1", NUMBER, max_attempts=1, time_zone=ZONE)
    )
    poller = Poller(event_source_mapping(handler), resources)
    poller.drain()
    clock.advance(160)
    end_delays(resources.queue_url)
    poller.drain()
    config = ReconcilerConfig(table_name=resources.table, call_queue_url=resources.queue_url)
    off = Reconciler(
        config,
        repository=repository(resources, clock),
        delivery=CallDelivery(boto3.client("sqs"), resources.queue_url, clock=clock),
        clock=clock,
    )

    clock.advance((GRACE + timedelta(minutes=1)).total_seconds())

    assert off.run() == []
    assert record(resources, "appt-1").sms is None
