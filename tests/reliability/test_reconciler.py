"""Never stranded: the reconciler recovers a lost dial message, a lost answer check and a dead-lettered
message, closes what can no longer be called, and rings nobody twice when it races a late message.

Each scenario runs the dialer Lambda behind its SQS event source mapping (a moto queue with a redrive
policy of three receives) against a fake sipgate that counts the rings per callee, and the reconciler on
the same test clock, which jumps ahead to each due message and past the reconciler's grace (30 minutes).
Nobody answers these calls: a reminder ends ``no_answer`` after its last attempt.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import boto3
import pytest

from aiflow.testing.sipgate import FakeSipgate, Reply
from functions.reconciler import app as reconciler_app
from reminders.aws import CallDelivery
from reminders.dialing.reconciler import Action, Reconciler
from reminders.model.reminder import Outcome, ReminderStatus
from reminders.settings import ReconcilerConfig
from tests.harness.dialer import (
    Clock,
    FakeContext,
    Handler,
    Poller,
    Resources,
    atomic_dynamodb_writes,
    delayed_messages,
    dial,
    events_of,
    make_dialer,
    queue_bodies,
    record,
    repository,
    start_attempt,
    store,
    use,
)
from tests.harness.metrics import emitted_metrics
from tests.harness.reliability import event_source_mapping, outcome_events, settle

NUMBER = "+4915790000687"
DIGITS = "4915790000687"
GRACE = timedelta(minutes=30)


@dataclass
class Stack:
    """The dialer behind its queue, and the reconciler, on one clock."""

    poller: Poller
    clock: Clock
    sipgate: FakeSipgate
    resources: Resources
    reconciler: Reconciler

    def send(self, body: str | dict[str, Any]) -> None:
        text = body if isinstance(body, str) else json.dumps(body)
        boto3.client("sqs").send_message(QueueUrl=self.resources.queue_url, MessageBody=text)

    def run(self) -> None:
        settle(self.poller, self.clock)

    def reconcile_later(self, after: timedelta = GRACE + timedelta(minutes=1)) -> list[tuple[str, Action]]:
        """The reconciler's run ``after`` from now (the runs in between found nothing overdue by the grace)."""
        self.clock.advance(after.total_seconds())
        return [(recovery.reminder_id, recovery.action) for recovery in self.reconciler.run()]

    def lose_queued_messages(self) -> int:
        """Everything on the call queue vanishes (an expired message, an SQS mishap): how many there were."""
        sqs = boto3.client("sqs")
        count = len(delayed_messages(self.resources.queue_url))
        sqs.purge_queue(QueueUrl=self.resources.queue_url)
        return count

    def dead_letters(self) -> list[dict[str, Any]]:
        return queue_bodies(self.resources.dead_letter_url)


def reconciler_config(resources: Resources) -> ReconcilerConfig:
    return ReconcilerConfig(
        table_name=resources.table,
        call_queue_url=resources.queue_url,
        answer_timeout_seconds=120,
        dial_budget_seconds=40,
        min_notice_minutes=60,
        reconcile_grace_minutes=GRACE.total_seconds() / 60,
    )


@pytest.fixture
def stack(handler: Handler, resources: Resources, sipgate: FakeSipgate, monkeypatch: pytest.MonkeyPatch) -> Stack:
    atomic_dynamodb_writes(monkeypatch)
    clock = Clock()
    use(monkeypatch, make_dialer(resources, sipgate, clock=clock, retry_delay_minutes=5))
    reconciler = Reconciler(
        reconciler_config(resources),
        repository=repository(resources, clock),
        delivery=CallDelivery(boto3.client("sqs"), resources.queue_url, clock=clock),
        clock=clock,
    )
    return Stack(Poller(event_source_mapping(handler), resources), clock, sipgate, resources, reconciler)


def test_a_lost_dial_message_is_sent_again_and_rings_once(stack: Stack) -> None:
    # The reminder is stored, but its delivery never arrives (a schedule that failed, a message lost).
    store(stack.resources, "appt-1", NUMBER, stack.clock, max_attempts=1)
    assert stack.reconciler.run() == [], "not overdue yet: within the grace"

    assert stack.reconcile_later() == [("appt-1", Action.DIAL)]
    stack.run()

    assert stack.sipgate.rings_per_callee() == {DIGITS: 1}
    closed = record(stack.resources, "appt-1")
    assert (closed.status, closed.attempts, closed.recoveries) == (ReminderStatus.NO_ANSWER, 1, 1)
    assert events_of(closed)[1:] == ["reconciled", "dialling", "no_answer"]
    assert "attempt 1 was due at" in (closed.history[1].detail or "")


def test_a_lost_callback_is_sent_again_as_a_callback_and_rings_once(stack: Stack) -> None:
    # The last attempt reached a mailbox, whose message asked the callee to call back; they did, and the
    # dialer reopened the reminder for that one call. Its dial message then went astray (the line was busy
    # until the message dead-lettered, or the call was deferred to the calling window and lost).
    store(stack.resources, "appt-1", NUMBER, stack.clock, max_attempts=1)
    dialled = repository(stack.resources, stack.clock)
    start_attempt(dialled, "appt-1")
    dialled.end_line_claim(NUMBER, "appt-1", 1)
    assert dialled.record_outcome("appt-1", Outcome.VOICEMAIL, detail="attempt 1 reached a mailbox")
    assert dialled.reopen_for_callback("appt-1", 1) is not None

    assert stack.reconcile_later() == [("appt-1", Action.DIAL)]
    stack.run()

    assert stack.sipgate.rings_per_callee() == {DIGITS: 1}, "the callee gets the call back they asked for"
    closed = record(stack.resources, "appt-1")
    assert (closed.status, closed.attempts) == (ReminderStatus.NO_ANSWER, 2)
    assert "rejected" not in events_of(closed)


def test_a_lost_answer_check_is_sent_again_and_the_next_attempt_follows(stack: Stack) -> None:
    stack.send(dial("appt-1", NUMBER, max_attempts=2))
    stack.poller.drain()
    assert stack.sipgate.rings_per_callee() == {DIGITS: 1}
    assert stack.lose_queued_messages() == 1, "the answer check is gone"

    assert stack.reconcile_later(timedelta(minutes=10)) == [], "the check is due, but within the grace"
    assert stack.reconcile_later() == [("appt-1", Action.CHECK_ANSWER)]
    stack.run()

    assert stack.sipgate.rings_per_callee() == {DIGITS: 2}, "one ring per attempt"
    closed = record(stack.resources, "appt-1")
    assert (closed.status, closed.attempts) == (ReminderStatus.NO_ANSWER, 2)
    assert events_of(closed)[1:] == [
        "dialling",
        "reconciled",
        "rescheduled",
        "dialling",
        "no_answer",
    ]


def test_a_dead_lettered_dial_is_picked_up_once_sipgate_is_back_and_a_redrive_rings_nobody(stack: Stack) -> None:
    stack.sipgate.script(Reply(503))
    stack.send(dial("appt-1", NUMBER, max_attempts=1))
    stack.run()
    assert len(stack.dead_letters()) == 1
    parked = record(stack.resources, "appt-1")
    assert (parked.status, parked.attempts) == (ReminderStatus.SCHEDULED, 0)

    stack.sipgate.script(Reply(201))
    assert stack.reconcile_later() == [("appt-1", Action.DIAL)]
    stack.run()

    assert stack.sipgate.rings_per_callee() == {DIGITS: 1}
    assert record(stack.resources, "appt-1").status is ReminderStatus.NO_ANSWER
    # The operator redrives the dead-letter queue later: the old message finds the reminder decided.
    for letter in stack.dead_letters():
        stack.send(letter)
    stack.run()
    assert stack.sipgate.rings_per_callee() == {DIGITS: 1}


def test_a_reminder_whose_messages_keep_landing_in_the_dead_letter_queue_closes_as_failed_with_the_reason(
    stack: Stack,
) -> None:
    stack.sipgate.script(Reply(503))  # for hours
    stack.send(dial("appt-1", NUMBER, max_attempts=2))
    stack.run()

    assert stack.reconcile_later() == [("appt-1", Action.DIAL)]
    stack.run()
    assert stack.reconcile_later() == [("appt-1", Action.DIAL)]
    stack.run()
    assert stack.reconcile_later() == [("appt-1", Action.FAILED)], "as many recoveries as attempts, then closed"

    assert stack.sipgate.rings_per_callee() == {}
    closed = record(stack.resources, "appt-1")
    assert (closed.status, closed.outcome, closed.recoveries) == (ReminderStatus.FAILED, Outcome.FAILED, 2)
    assert "went astray 2 times" in (closed.last_error or "")
    assert "HTTP 503" in (closed.last_error or ""), "the reason names what kept failing"
    assert stack.reconcile_later() == [], "closed: nothing more to do"


def test_an_overdue_reminder_too_close_to_its_appointment_is_closed_as_expired(stack: Stack) -> None:
    soon = (stack.clock() + timedelta(minutes=80)).isoformat()
    store(stack.resources, "appt-1", NUMBER, stack.clock, appointment_at=soon)

    assert stack.reconcile_later() == [("appt-1", Action.EXPIRED)]

    closed = record(stack.resources, "appt-1")
    assert (closed.status, closed.outcome) == (ReminderStatus.EXPIRED, Outcome.EXPIRED)
    assert "too late" in (closed.last_error or "")
    assert delayed_messages(stack.resources.queue_url) == []
    assert stack.sipgate.received == []


def test_nothing_overdue_means_nothing_done(stack: Stack) -> None:
    later = (stack.clock() + timedelta(hours=3)).isoformat()
    store(stack.resources, "later", "+4915790000001", stack.clock, call_at=later)
    stack.send(dial("live", "+4915790000002"))
    stack.poller.drain()  # rung; its answer check waits on the queue
    before = {reminder_id: record(stack.resources, reminder_id) for reminder_id in ("later", "live")}

    assert stack.reconcile_later(timedelta(minutes=20)) == []
    assert stack.reconcile_later(timedelta(minutes=10)) == [], "the answer check is late, but within the grace"

    assert {reminder_id: record(stack.resources, reminder_id) for reminder_id in before} == before
    assert [body["kind"] for body, _ in delayed_messages(stack.resources.queue_url)] == ["check_answer"]
    assert stack.sipgate.rings_per_callee() == {"4915790000002": 1}


def test_a_late_original_racing_the_reconciler_rings_nobody_twice(stack: Stack) -> None:
    store(stack.resources, "appt-1", NUMBER, stack.clock, max_attempts=2)

    assert stack.reconcile_later() == [("appt-1", Action.DIAL)]
    stack.send({"kind": "dial", "reminder_id": "appt-1", "attempt": 1})  # the original, very late
    stack.poller.drain()
    assert stack.sipgate.rings_per_callee() == {DIGITS: 1}

    # The check of attempt 1 is lost too; the reconciler's copy and the late original both arrive.
    check = delayed_messages(stack.resources.queue_url)[0][0]  # each of the two messages may have sent one
    stack.lose_queued_messages()
    assert stack.reconcile_later(GRACE + timedelta(minutes=5)) == [("appt-1", Action.CHECK_ANSWER)]
    stack.send(check)
    stack.run()

    assert stack.sipgate.rings_per_callee() == {DIGITS: 2}, "one ring per attempt"
    closed = record(stack.resources, "appt-1")
    assert (closed.status, closed.attempts) == (ReminderStatus.NO_ANSWER, 2)
    assert events_of(closed).count("rescheduled") == 1, "two checks of one attempt schedule one retry"
    assert outcome_events(closed) == ["no_answer"]


@pytest.fixture
def reconciler_handler(resources: Resources, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The reconciler Lambda configured as template.yaml configures it."""
    for name, value in {
        "TABLE_NAME": resources.table,
        "CALL_QUEUE_URL": resources.queue_url,
        "ANSWER_TIMEOUT_SECONDS": "120",
        "MIN_NOTICE_MINUTES": "60",
        "RECONCILE_GRACE_MINUTES": "30",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(reconciler_app.metrics, "namespace", "AiFlowRemindersTest")
    reconciler_app._reconciler.cache_clear()
    yield reconciler_app.lambda_handler
    reconciler_app._reconciler.cache_clear()


def test_the_function_reports_what_it_reconciled_as_a_metric(
    reconciler_handler: Any, resources: Resources, capsys: pytest.CaptureFixture[str]
) -> None:
    assert reconciler_handler({}, FakeContext()) == {"reconciled": []}
    store(resources, "appt-1", NUMBER, Clock(-GRACE - timedelta(minutes=5)))  # due 35 minutes ago, never sent

    assert reconciler_handler({}, FakeContext()) == {"reconciled": [{"reminder_id": "appt-1", "action": "dial"}]}

    reconciled = [metric for metric in emitted_metrics(capsys.readouterr().out) if metric["metric"] == "Reconciled"]
    assert [metric["service"] for metric in reconciled] == ["aiflow-reconciler"] * 2
    assert [body["kind"] for body in queue_bodies(resources.queue_url)] == ["dial"]
