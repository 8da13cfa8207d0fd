"""The call queue's message format, schedule names and call-time planning (no AWS calls)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import boto3
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminders.aws import CallDelivery, schedule_name
from reminders.messages import (
    CheckAnswerMessage,
    DialMessage,
    InvalidCallMessage,
    InvalidReminder,
    parse_call_message,
    parse_reminder,
)
from reminders.model.calling_window import CallingWindow
from reminders.model.reminder import REMINDER_ID_PATTERN, Reminder
from reminders.scheduling import ReminderScheduler
from reminders.store.repository import ReminderRepository
from tests.harness.aws import NUMBER_KEYS

REMINDER: dict[str, Any] = {
    "reminder_id": "appt-1001",
    "to_phone_number": "+4915790000687",
    "appointment_at": "2030-03-02T10:30:00",
    "time_zone": "Europe/Berlin",
    "name": "Ada Lovelace",
}
BERLIN = ZoneInfo("Europe/Berlin")


# Messages.


def test_a_dial_message_with_a_whole_reminder_takes_its_id_from_it() -> None:
    message = parse_call_message(json.dumps({"kind": "dial", "reminder": REMINDER}))

    assert isinstance(message, DialMessage)
    assert (message.reminder_id, message.attempt) == ("appt-1001", 1)
    assert message.reminder == Reminder.model_validate(REMINDER)
    assert message.reminder.appointment_at == datetime(2030, 3, 2, 10, 30, tzinfo=BERLIN)


def test_a_dial_message_by_id_and_a_check_message() -> None:
    dial = parse_call_message(b'{"kind": "dial", "reminder_id": "appt-1001", "attempt": 2}')
    check = parse_call_message({"kind": "check_answer", "reminder_id": "appt-1001", "attempt": 2})

    assert dial == DialMessage(reminder_id="appt-1001", attempt=2)
    assert check == CheckAnswerMessage(reminder_id="appt-1001", attempt=2)


@pytest.mark.parametrize(
    "message",
    [
        DialMessage(reminder_id="appt-1001", reminder=Reminder.model_validate(REMINDER), attempt=3),
        DialMessage(reminder_id="appt-1001"),
        CheckAnswerMessage(reminder_id="x:y@z", attempt=10),
    ],
    ids=["whole", "by-id", "check"],
)
def test_messages_survive_the_queue(message: DialMessage | CheckAnswerMessage) -> None:
    body = message.model_dump_json(exclude_none=True)

    assert parse_call_message(body) == message
    assert "null" not in body


@pytest.mark.parametrize(
    ("body", "reason", "reminder_id"),
    [
        ("{not json", "not JSON", None),
        ('["dial"]', "the message must be a JSON object", None),
        ('{"reminder_id": "a"}', "kind: missing, one of schedule, cancel, forget, dial", "a"),
        ('{"kind": "ring", "reminder_id": "a"}', "kind: 'ring' is not one of schedule, cancel, forget, dial", "a"),
        ('{"kind": "dial"}', "reminder_id: is required", None),
        (
            '{"kind": "dial", "reminder_id": "a", "attempt": 0}',
            "attempt: Input should be greater than or equal to 1",
            "a",
        ),
        ('{"kind": "dial", "reminder_id": "a", "colour": "red"}', "colour: is not a field of this message", "a"),
        ('{"kind": "dial", "reminder_id": " bad id"}', "reminder_id: has characters that are not allowed here", None),
        ('{"kind": "check_answer", "reminder_id": "a"}', "attempt: is required", "a"),
    ],
)
def test_invalid_messages_say_why(body: str, reason: str, reminder_id: str | None) -> None:
    with pytest.raises(InvalidCallMessage) as raised:
        parse_call_message(body)

    assert reason in raised.value.reason
    assert raised.value.reminder_id == reminder_id


def test_an_invalid_reminder_is_named_by_its_field_and_never_shows_the_number() -> None:
    body = json.dumps({"kind": "dial", "reminder": {**REMINDER, "to_phone_number": "+49 1579 00006 87 99 12"}})

    with pytest.raises(InvalidCallMessage) as raised:
        parse_call_message(body)

    assert raised.value.reminder_id == "appt-1001", "known from the reminder, for its history"
    assert raised.value.reason.startswith("reminder.to_phone_number: ")
    assert "digits" in raised.value.reason
    assert "0000687" not in raised.value.reason


def test_a_message_naming_two_reminders_is_invalid() -> None:
    with pytest.raises(InvalidCallMessage, match=r"reminder_id and reminder\.reminder_id differ"):
        parse_call_message({"kind": "dial", "reminder_id": "other", "reminder": REMINDER})


def test_parse_reminder_lists_every_bad_field() -> None:
    with pytest.raises(InvalidReminder) as raised:
        parse_reminder({**REMINDER, "time_zone": "Mars/Olympus", "language": "fr-FR", "max_attempts": "11"})

    assert [problem.field for problem in raised.value.problems] == ["time_zone", "language", "max_attempts"]
    assert raised.value.problems[0].reason == "unknown IANA time zone 'Mars/Olympus'"


# Schedule names.


@given(st.from_regex(REMINDER_ID_PATTERN, fullmatch=True), st.integers(1, 10), st.datetimes(timezones=st.just(UTC)))
def test_schedule_names_are_legal_and_deterministic(reminder_id: str, attempt: int, at: datetime) -> None:
    message = DialMessage(reminder_id=reminder_id, attempt=attempt)
    name = schedule_name(message, at)

    assert re.fullmatch(r"[0-9A-Za-z_.-]{1,64}", name)
    assert name == schedule_name(message, at.astimezone(BERLIN))
    assert name != schedule_name(CheckAnswerMessage(reminder_id=reminder_id, attempt=attempt), at)


def test_schedule_names_keep_apart_what_they_must() -> None:
    at = datetime(2030, 3, 1, 8, tzinfo=UTC)
    names = {
        schedule_name(DialMessage(reminder_id="a:b", attempt=1), at),
        schedule_name(DialMessage(reminder_id="a_b", attempt=1), at),
        schedule_name(DialMessage(reminder_id="a:b", attempt=2), at),
        schedule_name(DialMessage(reminder_id="a:b", attempt=1), at + timedelta(seconds=1)),
        schedule_name(CheckAnswerMessage(reminder_id="a:b", attempt=1), at),
    }
    assert len(names) == 5


def test_an_sqs_delay_longer_than_15_minutes_is_refused_before_sending() -> None:
    delivery = CallDelivery(boto3.client("sqs", region_name="eu-central-1"), "https://sqs.invalid/queue")

    with pytest.raises(ValueError, match="between 0 and 0:15:00"):
        delivery.send(DialMessage(reminder_id="a"), delay=timedelta(seconds=901))


# Planning the call time.


def planner(
    now: datetime, *, lead_hours: int = 24, window: str = "08:00-20:00", spread: timedelta = timedelta(0)
) -> ReminderScheduler:
    """A scheduler for plan(), which only needs the clock, the window and the lead time; no spread unless
    asked (tests/unit/test_spreading.py spreads), so that the base time is what these tests see."""
    return ReminderScheduler(
        ReminderRepository(
            "unused", client=boto3.client("dynamodb", region_name="eu-central-1"), number_keys=NUMBER_KEYS
        ),
        CallDelivery(boto3.client("sqs", region_name="eu-central-1"), "https://sqs.invalid/queue"),
        window=CallingWindow.parse(window),
        lead_time=timedelta(hours=lead_hours),
        spread=spread,
        clock=lambda: now,
    )


def reminder(**fields: Any) -> Reminder:
    return Reminder.model_validate({**REMINDER, **fields})


@pytest.mark.parametrize(
    ("appointment", "call_at"),
    [
        ("2030-03-02T10:30:00", datetime(2030, 3, 1, 10, 30, tzinfo=BERLIN)),  # the lead time before
        ("2030-03-02T07:00:00", datetime(2030, 3, 1, 8, 0, tzinfo=BERLIN)),  # 07:00 the day before: at opening
        ("2030-03-02T21:00:00", datetime(2030, 3, 2, 8, 0, tzinfo=BERLIN)),  # 21:00 the day before: next morning
        ("2030-03-01T15:00:00", datetime(2030, 3, 1, 8, 0, tzinfo=BERLIN)),  # within the lead time: at opening
    ],
)
def test_the_call_is_a_lead_time_before_the_appointment_inside_the_window(appointment: str, call_at: datetime) -> None:
    now = datetime(2030, 3, 1, 6, 0, tzinfo=BERLIN)

    assert planner(now).plan(reminder(appointment_at=appointment)).call_at == call_at


def test_a_given_call_time_is_kept_or_moved_into_the_window() -> None:
    now = datetime(2030, 3, 1, 9, 0, tzinfo=BERLIN)

    assert planner(now).plan(reminder(call_at="2030-03-01T18:00:00")).call_at == datetime(2030, 3, 1, 18, tzinfo=BERLIN)
    assert planner(now).plan(reminder(call_at="2030-03-01T22:00:00")).call_at == datetime(2030, 3, 2, 8, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"appointment_at": "2030-03-01T08:59:00"}, "appointment_at", "the appointment is in the past"),
        (
            {"appointment_at": "2030-03-02T07:30:00", "call_at": "2030-03-01T21:00:00"},
            "call_at",
            "no calling time before the appointment: the calling window is 08:00-20:00 (Europe/Berlin)",
        ),
    ],
)
def test_a_reminder_without_calling_time_before_its_appointment_is_refused(
    fields: dict[str, str], field: str, reason: str
) -> None:
    with pytest.raises(InvalidReminder) as raised:
        planner(datetime(2030, 3, 1, 9, 0, tzinfo=BERLIN)).plan(reminder(**fields))

    [problem] = raised.value.problems
    assert problem.field == field
    assert problem.reason.startswith(reason)


def test_a_call_that_would_come_less_than_the_minimum_notice_before_the_appointment_is_refused() -> None:
    # The window opens at 08:00, half an hour before the appointment: the dialer would close it as expired.
    with pytest.raises(InvalidReminder) as raised:
        planner(datetime(2030, 3, 1, 21, 0, tzinfo=BERLIN)).plan(reminder(appointment_at="2030-03-02T08:30:00"))

    [problem] = raised.value.problems
    assert problem.field == "appointment_at"
    assert problem.reason.endswith("2030-03-02 08:00, less than 60 minutes before it")
    assert planner(datetime(2030, 3, 1, 21, 0, tzinfo=BERLIN)).plan(
        reminder(appointment_at="2030-03-02T09:00:00")
    ).call_at == datetime(2030, 3, 2, 8, 0, tzinfo=BERLIN), "60 minutes before is on time"


def test_an_appointment_after_tonights_window_closed_has_no_calling_time() -> None:
    with pytest.raises(InvalidReminder) as raised:
        planner(datetime(2030, 3, 1, 20, 30, tzinfo=BERLIN)).plan(reminder(appointment_at="2030-03-01T21:00:00"))

    assert raised.value.problems[0].field == "appointment_at"
    assert "the earliest call would be 2030-03-02 08:00" in raised.value.problems[0].reason
