"""The do-not-call list on DynamoDB Local, and ``schedule`` and ``import`` refusing the numbers on it."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from reminders.aws import CallDelivery
from reminders.messages import InvalidReminder, parse_reminder
from reminders.model.calling_window import CallingWindow
from reminders.operations.csv_import import import_rows, read_rows
from reminders.scheduling import ReminderScheduler
from reminders.store.do_not_call import DoNotCallList
from tests.harness.aws import NUMBER_KEYS
from tests.harness.dialer import Resources, create_resources, queue_bodies, repository

NUMBER = "+4915790000687"
NOW = datetime(2030, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def resources(dynamodb_table: str) -> Resources:
    return create_resources(dynamodb_table)


@pytest.fixture
def listed(resources: Resources) -> DoNotCallList:
    return DoNotCallList(resources.table, client=boto3.client("dynamodb"), clock=lambda: NOW, number_keys=NUMBER_KEYS)


@pytest.fixture
def scheduler(resources: Resources) -> ReminderScheduler:
    delivery = CallDelivery(
        boto3.client("sqs"),
        resources.queue_url,
        scheduler=boto3.client("scheduler"),
        target=resources.target,
        clock=lambda: NOW,
    )
    return ReminderScheduler(
        repository(resources, clock=lambda: NOW),
        delivery,
        window=CallingWindow.parse("08:00-20:00"),
        lead_time=timedelta(hours=24),
        clock=lambda: NOW,
    )


def test_one_entry_per_number_whatever_its_spelling(listed: DoNotCallList) -> None:
    assert listed.add(NUMBER, source="call", reminder_id="r-1", session_id="s-1")
    assert not listed.add("004915790000687", source="operator"), "listed already: the first entry stays"

    assert listed.contains("4915790000687")
    entry = listed.get(NUMBER)
    assert entry is not None
    assert (entry.number_hash, entry.source, entry.reminder_id, entry.added_at) == (
        NUMBER_KEYS("4915790000687"),
        "call",
        "r-1",
        NOW,
    )
    assert [found.number_hash for found in listed.list()] == [NUMBER_KEYS(NUMBER)]

    assert listed.remove("+49 157 90000687")
    assert not listed.remove(NUMBER)
    assert not listed.contains(NUMBER)
    assert list(listed.list()) == []


def reminder_values(reminder_id: str, number: str) -> dict[str, str]:
    return {
        "reminder_id": reminder_id,
        "to_phone_number": number,
        "appointment_at": "2030-12-04T10:30",
        "time_zone": "Europe/Berlin",
        "name": "Erika Mustermann",
    }


def test_schedule_refuses_a_listed_number_and_writes_nothing(
    listed: DoNotCallList, scheduler: ReminderScheduler, resources: Resources
) -> None:
    listed.add(NUMBER, source="call")

    with pytest.raises(InvalidReminder) as refused:
        scheduler.schedule(parse_reminder(reminder_values("r-1", NUMBER)))

    assert [(problem.field, problem.reason) for problem in refused.value.problems] == [
        (
            "to_phone_number",
            "the number is on the do-not-call list (its owner asked for no more calls): not scheduled",
        )
    ]
    assert repository(resources).get("r-1") is None
    assert queue_bodies(resources.queue_url) == []
    assert scheduler.schedule(parse_reminder(reminder_values("r-2", "+4915790000001"))).new


def test_import_names_the_row_of_a_listed_number_and_schedules_the_others(
    listed: DoNotCallList, scheduler: ReminderScheduler, resources: Resources
) -> None:
    listed.add(NUMBER, source="operator")
    csv = io.StringIO(
        "reminder_id,to_phone_number,appointment_at,time_zone,name\n"
        "r-1,+4915790000001,2030-12-04T10:30,Europe/Berlin,Ada Lovelace\n"
        f"r-2,{NUMBER},2030-12-04T11:00,Europe/Berlin,Grace Hopper\n"
    )

    report = import_rows(read_rows(csv), scheduler)

    assert report.scheduled == ["r-1"]
    assert [str(problem) for problem in report.problems] == [
        "row 3, to_phone_number: the number is on the do-not-call list (its owner asked for no more calls): "
        "not scheduled"
    ]
    assert repository(resources).get("r-2") is None
