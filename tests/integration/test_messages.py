"""Messages from other systems on the call queue: schedule (create, move, refuse), cancel, and malformed ones.

The dialer handles them as it handles every call-queue message (DynamoDB Local, moto's SQS and Scheduler);
what is asserted is what the table and Scheduler hold afterwards, and the reason a person reads.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import boto3
import pytest

from aiflow.testing.sipgate import FakeSipgate
from reminders.dialing.dialer import Dialer, Disposition
from reminders.model.reminder import Outcome, ReminderStatus, Via, utc_now
from tests.harness.dialer import (
    FakeContext,
    Handler,
    Resources,
    make_dialer,
    records_event,
    reminder_payload,
    repository,
    start_attempt,
)
from tests.harness.metrics import emitted_metrics

pytestmark = pytest.mark.usefixtures("atomic_writes")  # the dialer tests' moto writes, atomic


@pytest.fixture
def dialer(resources: Resources, sipgate: FakeSipgate) -> Dialer:
    return make_dialer(resources, sipgate)


NOW = utc_now().replace(microsecond=0)


def _in_days(days: float) -> str:
    return (NOW + timedelta(days=days)).isoformat()


def _schedules(resources: Resources) -> list[str]:
    pages = boto3.client("scheduler").get_paginator("list_schedules").paginate(GroupName=resources.group)
    return sorted(schedule["Name"] for page in pages for schedule in page["Schedules"])


def _history(resources: Resources, reminder_id: str) -> list[str]:
    record = repository(resources).get(reminder_id)
    assert record is not None
    return [f"{entry.event}: {entry.detail}" for entry in record.history]


# schedule


def test_a_schedule_message_creates_the_reminder_and_its_schedule(dialer: Dialer, resources: Resources) -> None:
    message = {"kind": "schedule", "reminder": reminder_payload("appt-1", appointment_at=_in_days(3))}

    assert dialer.handle(json.dumps(message)) is Disposition.CREATED

    record = repository(resources).get("appt-1")
    assert record is not None
    assert record.status is ReminderStatus.SCHEDULED
    assert record.schedule_name in _schedules(resources)


def test_a_bare_reminder_is_a_schedule_message(dialer: Dialer, resources: Resources) -> None:
    assert dialer.handle(json.dumps(reminder_payload("bare", appointment_at=_in_days(3)))) is Disposition.CREATED

    assert repository(resources).get("bare") is not None


def test_the_same_schedule_message_twice_changes_nothing(dialer: Dialer, resources: Resources) -> None:
    message = json.dumps(reminder_payload("twice", appointment_at=_in_days(3)))
    dialer.handle(message)
    before = repository(resources).get("twice")

    assert dialer.handle(message) is Disposition.UNCHANGED

    assert repository(resources).get("twice") == before
    assert len(_schedules(resources)) == 1


def test_a_moved_appointment_moves_its_call(dialer: Dialer, resources: Resources) -> None:
    first = reminder_payload("moved", appointment_at=_in_days(3), location="Room 1")
    dialer.handle(json.dumps(first))
    old = repository(resources).get("moved")
    assert old is not None
    assert old.call_at is not None

    later = {**first, "appointment_at": _in_days(5), "location": None}
    assert dialer.handle(json.dumps({"kind": "schedule", "reminder": later})) is Disposition.UPDATED

    new = repository(resources).get("moved")
    assert new is not None
    assert new.appointment_at - old.appointment_at == timedelta(days=2)
    assert new.call_at is not None
    assert new.call_at - old.call_at == timedelta(days=2)
    assert new.location is None
    assert new.status is ReminderStatus.SCHEDULED
    assert _schedules(resources) == [new.schedule_name]  # the old schedule is gone, the new one is there
    schedule = boto3.client("scheduler").get_schedule(Name=new.schedule_name, GroupName=resources.group)
    assert json.loads(schedule["Target"]["Input"]) == {"kind": "dial", "reminder_id": "moved", "attempt": 1}
    assert any(line.startswith("updated: by a schedule message") for line in _history(resources, "moved"))


def test_a_reminder_being_called_is_not_disturbed(dialer: Dialer, resources: Resources) -> None:
    payload = reminder_payload("ringing", appointment_at=_in_days(3))
    dialer.handle(json.dumps(payload))
    start_attempt(repository(resources), "ringing")

    moved = {**payload, "appointment_at": _in_days(4)}
    assert dialer.handle(json.dumps(moved)) is Disposition.KEPT

    record = repository(resources).get("ringing")
    assert record is not None
    assert record.status is ReminderStatus.CALLING
    assert record.appointment_at.isoformat() == payload["appointment_at"]
    assert "schedule message not applied: the reminder is calling" in _history(resources, "ringing")


def test_a_decided_reminder_is_not_disturbed(dialer: Dialer, resources: Resources) -> None:
    payload = reminder_payload("decided", appointment_at=_in_days(3))
    dialer.handle(json.dumps(payload))
    start_attempt(repository(resources), "decided")
    repository(resources).record_outcome("decided", Outcome.CONFIRMED, via=Via.KEY)

    assert dialer.handle(json.dumps({**payload, "name": "Someone Else"})) is Disposition.KEPT

    record = repository(resources).get("decided")
    assert record is not None
    assert (record.status, record.name) == (ReminderStatus.CONFIRMED, payload["name"])


def test_a_move_that_is_invalid_is_rejected_and_noted_on_the_reminder(dialer: Dialer, resources: Resources) -> None:
    payload = reminder_payload("past", appointment_at=_in_days(3))
    dialer.handle(json.dumps(payload))

    assert dialer.handle(json.dumps({**payload, "appointment_at": _in_days(-1)})) is Disposition.REJECTED

    assert "rejected: appointment_at: the appointment is in the past" in _history(resources, "past")


# cancel


def test_cancel_a_scheduled_reminder_deletes_its_schedule(dialer: Dialer, resources: Resources) -> None:
    dialer.handle(json.dumps(reminder_payload("withdraw", appointment_at=_in_days(3))))

    assert dialer.handle(json.dumps({"kind": "cancel", "reminder_id": "withdraw"})) is Disposition.WITHDRAWN

    record = repository(resources).get("withdraw")
    assert record is not None
    assert record.status is ReminderStatus.CANCELLED
    assert _schedules(resources) == []
    assert "cancelled by a cancel message: None" in _history(resources, "withdraw")


def test_cancel_a_reminder_being_called(dialer: Dialer, resources: Resources) -> None:
    dialer.handle(json.dumps(reminder_payload("mid-call", appointment_at=_in_days(3))))
    start_attempt(repository(resources), "mid-call")

    assert dialer.handle(json.dumps({"kind": "cancel", "reminder_id": "mid-call"})) is Disposition.WITHDRAWN

    record = repository(resources).get("mid-call")
    assert record is not None
    assert record.status is ReminderStatus.CANCELLED
    # The call's own decision can no longer overwrite the cancellation.
    assert not repository(resources).record_outcome("mid-call", Outcome.CONFIRMED, via=Via.SPEECH)


def test_cancel_an_unknown_reminder_is_rejected(dialer: Dialer, resources: Resources) -> None:
    assert dialer.handle(json.dumps({"kind": "cancel", "reminder_id": "nobody"})) is Disposition.REJECTED

    assert repository(resources).get("nobody") is None


def test_cancel_a_decided_reminder_leaves_it_and_says_so(dialer: Dialer, resources: Resources) -> None:
    dialer.handle(json.dumps(reminder_payload("done", appointment_at=_in_days(3))))
    start_attempt(repository(resources), "done")
    repository(resources).record_outcome("done", Outcome.CANCELLED, via=Via.SPEECH)

    assert dialer.handle(json.dumps({"kind": "cancel", "reminder_id": "done"})) is Disposition.CLOSED

    assert "cancel message not applied: reminder done is cancelled already" in _history(resources, "done")


# malformed


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("{not json", "not JSON"),
        ("[1, 2]", "the message must be a JSON object"),
        ({"reminder_id": "x"}, "kind: missing, one of schedule, cancel, forget, dial (a bare reminder is scheduled)"),
        ({"kind": "teleport", "reminder_id": "x"}, "kind: 'teleport' is not one of schedule, cancel, forget, dial"),
        ({"kind": "schedule"}, "reminder: is required"),
        ({"kind": "schedule", "reminder": "appt-1"}, "reminder: must be a JSON object"),
        ({"kind": "cancel", "reminder_id": "no spaces"}, "reminder_id: has characters that are not allowed here"),
        ({"kind": "cancel", "reminder_id": "x", "why": "moved"}, "why: is not a field of this message"),
        (
            {"reminder_id": "x", "to_phone_number": "+4915790000687", "appointment_at": "tomorrow"},
            "reminder.appointment_at: Input should be a valid datetime",
        ),
    ],
)
def test_a_malformed_message_is_rejected_with_a_reason_a_person_reads(
    dialer: Dialer, message: Any, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    body = message if isinstance(message, str) else json.dumps(message)

    assert dialer.handle(body) is Disposition.REJECTED

    (logged,) = [record.getMessage() for record in caplog.records if "rejected a message" in record.getMessage()]
    assert reason in logged
    for internals in ("tagged-union", "discriminator", "validation error", "pydantic", "dict_type"):
        assert internals not in logged
    assert "4915790000687" not in logged


def test_through_the_lambda_no_message_is_retried_and_each_is_counted(
    handler: Handler, resources: Resources, capsys: pytest.CaptureFixture[str]
) -> None:
    bodies = [
        json.dumps(reminder_payload("counted", appointment_at=_in_days(3))),
        json.dumps({"kind": "cancel", "reminder_id": "counted"}),
        json.dumps({"kind": "cancel", "reminder_id": "nobody"}),
        "{not json",
    ]
    counted = []
    for body in bodies:  # one batch each: a batch's records run side by side
        assert handler(records_event([body]), FakeContext()) == {"batchItemFailures": []}
        counted.extend(metric["metric"] for metric in emitted_metrics(capsys.readouterr().out))

    assert counted == ["RemindersScheduled", "RemindersWithdrawn", "MessagesRejected", "MessagesRejected"]
