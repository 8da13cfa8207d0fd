"""Personal data in the table (issue 20), on DynamoDB Local and the moto server: numbers only as keyed hashes
in keys, every personal item with its TTL, the status index without a hot key, erasure by message, the
migration of a table written the old way, and TTL deletions never published."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto.events.models import EventPattern

from aiflow.testing.sipgate import FakeSipgate
from reminders.aws.delivery import CallDelivery
from reminders.dialing.dialer import Disposition
from reminders.messages.call_queue import CheckAnswerMessage
from reminders.messages.outcome_events import outcome_event
from reminders.model.reminder import Outcome, Reminder, ReminderStatus
from reminders.model.retention import Retention
from reminders.store.do_not_call import DoNotCallList
from reminders.store.items import STATUS_SHARDS, to_attributes
from reminders.store.repository import ReminderRepository
from tests.harness.aws import NUMBER_KEYS
from tests.harness.dialer import Clock, Resources, make_dialer, reminder_payload, start_attempt
from tests.harness.template import template

NUMBER = "4915790000687"


def _repository(resources: Resources, days: int = 30) -> ReminderRepository:
    return ReminderRepository(
        resources.table, client=boto3.client("dynamodb"), number_keys=NUMBER_KEYS, retention=Retention(days)
    )


def _items(table: str) -> list[dict[str, Any]]:
    pages = boto3.client("dynamodb").get_paginator("scan").paginate(TableName=table)
    return [item for page in pages for item in page.get("Items", [])]


def _reminder(reminder_id: str, number: str = NUMBER, **fields: Any) -> Reminder:
    return Reminder.model_validate(reminder_payload(reminder_id, number, **fields))


def test_a_reminder_and_its_line_expire_by_the_retention_after_the_appointment_and_follow_a_moved_one(
    resources: Resources,
) -> None:
    repository = _repository(resources, days=7)
    reminder = _reminder("appt-1")
    assert repository.create(reminder)
    start_attempt(repository, "appt-1")
    moved = reminder.model_copy(update={"appointment_at": reminder.appointment_at + timedelta(days=3)})

    items = {item["pk"]["S"].split("#")[0]: item for item in _items(resources.table)}
    kept_until = int((reminder.appointment_at + timedelta(days=7)).timestamp())
    assert int(items["REMINDER"]["expires_at"]["N"]) == kept_until
    assert int(items["LINE"]["expires_at"]["N"]) <= kept_until

    repository.release_attempt("appt-1", 1, "test")
    assert repository.replace_waiting(moved, attempts=0, schedule_name=None, reason="moved")
    (stored,) = [item for item in _items(resources.table) if item["pk"]["S"] == "REMINDER#appt-1"]
    assert int(stored["expires_at"]["N"]) == int((moved.appointment_at + timedelta(days=7)).timestamp())


def test_no_key_or_index_key_holds_a_number_only_its_keyed_hash(resources: Resources) -> None:
    repository = _repository(resources)
    assert repository.create(_reminder("appt-1"))
    start_attempt(repository, "appt-1")
    DoNotCallList(resources.table, client=boto3.client("dynamodb"), number_keys=NUMBER_KEYS).add(
        "+4930123456789", source="operator"
    )

    keys = [
        item[name]["S"] for item in _items(resources.table) for name in ("pk", "status_shard", "callee") if name in item
    ]
    assert {key.split("#")[0] for key in keys if "#" in key} >= {"REMINDER", "LINE", "OPTOUT", "calling"}
    assert not [key for key in keys if NUMBER in key or "4930123456789" in key]
    assert f"LINE#{NUMBER_KEYS(NUMBER)}" in keys
    assert f"OPTOUT#{NUMBER_KEYS('4930123456789')}" in keys


def test_a_status_spreads_over_the_index_shards_and_a_reader_finds_every_reminder_of_it(resources: Resources) -> None:
    repository = _repository(resources)
    for index in range(48):
        assert repository.create(
            _reminder(f"bulk-{index}", call_at=(datetime.now(UTC) - timedelta(hours=1)).isoformat())
        )

    shards = {item["status_shard"]["S"] for item in _items(resources.table)}
    due = list(repository.list(ReminderStatus.SCHEDULED, due_by=datetime.now(UTC)))

    assert len(shards) >= STATUS_SHARDS // 2, "48 reminders land on most of the 16 shards"
    assert {shard.split("#")[0] for shard in shards} == {"scheduled"}
    assert sorted(record.reminder_id for record in due) == sorted(f"bulk-{index}" for index in range(48))
    assert not list(repository.list(ReminderStatus.SCHEDULED, due_by=datetime.now(UTC) - timedelta(hours=2)))


def test_a_forget_message_erases_the_reminder_its_line_sessions_and_schedules_and_keeps_the_hashed_opt_out(
    resources: Resources, sipgate: FakeSipgate
) -> None:
    clock = Clock()
    repository = _repository(resources)
    assert repository.create(_reminder("appt-1"))
    assert repository.create(_reminder("appt-2", call_at=(clock() + timedelta(hours=20)).isoformat()))
    start_attempt(repository, "appt-1")
    session = {"pk": {"S": "SESSION#s-1"}, "state": {"S": json.dumps({"number": NUMBER})}, "expires_at": {"N": "1"}}
    boto3.client("dynamodb").put_item(TableName=resources.table, Item=session)
    repository.record_answer("appt-1", 1, "s-1")
    delivery = CallDelivery(
        boto3.client("sqs"), resources.queue_url, scheduler=boto3.client("scheduler"), target=resources.target
    )
    assert delivery.deliver_at(
        CheckAnswerMessage(reminder_id="appt-2", attempt=1), clock() + timedelta(hours=20), time_zone="Europe/Berlin"
    )
    DoNotCallList(resources.table, client=boto3.client("dynamodb"), number_keys=NUMBER_KEYS).add(NUMBER, source="call")
    other = _reminder("appt-other", "+4930123456789")
    assert repository.create(other)

    dialer = make_dialer(resources, sipgate, clock=clock)
    forgotten = dialer.handle(json.dumps({"kind": "forget", "to_phone_number": "+49 157 9000 0687"}))

    assert forgotten == Disposition.FORGOTTEN
    left = _items(resources.table)
    assert not [item for item in left if NUMBER in json.dumps(item)], "no trace of the number in any attribute"
    assert {item["pk"]["S"] for item in left} == {f"OPTOUT#{NUMBER_KEYS(NUMBER)}", "REMINDER#appt-other"}
    schedules = boto3.client("scheduler").list_schedules(GroupName=resources.group)["Schedules"]
    assert not [schedule for schedule in schedules if schedule["Name"].startswith("appt-2-")]
    # The number is still never rung: a new reminder for it is refused, as before the erasure.
    assert (
        make_dialer(resources, sipgate, clock=clock).handle(
            json.dumps({"kind": "dial", "reminder": reminder_payload("appt-3", NUMBER)})
        )
        == Disposition.OPTED_OUT
    )
    assert not sipgate.received


def test_the_migration_brings_a_table_written_the_old_way_up_to_date_and_changes_nothing_the_second_time(
    resources: Resources,
) -> None:
    """The items as the code before issue 20 wrote them: numbers in clear in keys, the bare status only."""
    client = boto3.client("dynamodb")
    reminder = _reminder("old-1", call_at=datetime.now(UTC).isoformat())
    old = {"pk": "REMINDER#old-1", **reminder.model_dump(mode="json"), "status": "scheduled", "attempts": 0}
    line = {"pk": f"LINE#{NUMBER}", "reminder_id": "old-1", "reminder": reminder.model_dump_json(), "attempt": 1}
    opt_out = {"pk": "OPTOUT#4930123456789", "number": "4930123456789", "added_at": "2026-01-01T00:00:00+00:00"}
    for item in (old, {**line, "claimed_until": 0, "expires_at": 2_000_000_000}, {**opt_out, "source": "operator"}):
        client.put_item(TableName=resources.table, Item=to_attributes(item))
    repository = _repository(resources)

    first = repository.migrate()
    second = repository.migrate()

    assert (first.reminders, first.lines, first.do_not_call_entries) == (1, 1, 1)
    assert not second.anything
    keys = {item["pk"]["S"] for item in _items(resources.table)}
    assert keys == {"REMINDER#old-1", f"LINE#{NUMBER_KEYS(NUMBER)}", f"OPTOUT#{NUMBER_KEYS('4930123456789')}"}
    assert [record.reminder_id for record in repository.list(ReminderStatus.SCHEDULED)] == ["old-1"]
    assert repository.find_line(NUMBER) is not None
    listed = DoNotCallList(resources.table, client=client, number_keys=NUMBER_KEYS)
    assert listed.contains("+4930123456789")
    assert not [item for item in _items(resources.table) if "4930123456789" in json.dumps(item)]
    assert repository.erase_number(NUMBER).reminder_ids == ["old-1"], "the migrated reminder is found by its number"


def _ttl_deletion() -> dict[str, Any]:
    """A stream record as Lambda gets it when the table's TTL deletes a decided reminder."""
    reminder = _reminder("appt-1").model_dump(mode="json")
    decided = to_attributes({**reminder, "status": Outcome.CONFIRMED.value, "outcome": "confirmed"})
    change: dict[str, Any] = {"Keys": {"pk": {"S": "REMINDER#appt-1"}}, "OldImage": decided}
    return {
        "eventName": "REMOVE",
        "eventSource": "aws:dynamodb",
        "dynamodb": change,
        "userIdentity": {"type": "Service", "principalId": "dynamodb.amazonaws.com"},
    }


@pytest.mark.parametrize("with_image", [False, True], ids=["as sent", "with a new image"])
def test_a_ttl_deletion_is_never_an_outcome_neither_in_the_template_filter_nor_in_the_code(with_image: bool) -> None:
    stream = template()["Resources"]["OutcomePublisherFunction"]["Properties"]["Events"]["TableStream"]
    (only,) = stream["Properties"]["FilterCriteria"]["Filters"]
    pattern = EventPattern.load(only["Pattern"])
    record = _ttl_deletion()
    if with_image:  # what the filter never lets through: the code drops it all the same
        record["dynamodb"]["NewImage"] = record["dynamodb"]["OldImage"]
    decision = {**record, "eventName": "MODIFY"}
    del decision["userIdentity"]
    decision["dynamodb"] = {**record["dynamodb"], "NewImage": record["dynamodb"]["OldImage"], "OldImage": {}}

    assert not pattern.matches_event(record)
    assert outcome_event(record) is None
    assert pattern.matches_event(decision), "the filter still passes a decision"
    assert outcome_event(decision) is not None
