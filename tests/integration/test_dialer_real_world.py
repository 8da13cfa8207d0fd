"""The dialer and the real world (issue 12): the do-not-call list, mailboxes, and callees who call back.

On DynamoDB Local (or moto), SQS and Scheduler on the moto server, and the fake sipgate on loopback, which
records every call it was asked to place: a ring is a request it received for that callee.
"""

from __future__ import annotations

import json
from datetime import timedelta

import boto3
import pytest

from aiflow import phone
from aiflow.testing.sipgate import FakeSipgate
from reminders.dialing.dialer import Dialer, Disposition
from reminders.model.reminder import Outcome, Reminder, ReminderRecord, ReminderStatus
from reminders.store.do_not_call import DoNotCallList
from tests.harness.aws import NUMBER_KEYS
from tests.harness.dialer import Clock, Resources, delayed_messages, make_dialer, reminder_payload, repository

pytestmark = pytest.mark.usefixtures("atomic_writes")  # the dialer tests' moto writes, atomic

NUMBER = "+4915790000687"


def rings(sipgate: FakeSipgate, number: str = NUMBER) -> int:
    """How often the fake sipgate was asked to ring ``number``."""
    return sipgate.rings_per_callee()[phone.normalize(number)]


def stored(resources: Resources, reminder_id: str) -> ReminderRecord:
    found = repository(resources).get(reminder_id)
    assert found is not None
    return found


def dial_stored(reminder_id: str, attempt: int = 1, *, callback: bool = False) -> str:
    message: dict[str, object] = {"kind": "dial", "reminder_id": reminder_id, "attempt": attempt}
    if callback:
        message["callback"] = True
    return json.dumps(message)


def store(resources: Resources, reminder_id: str, clock: Clock, **fields: object) -> None:
    assert repository(resources, clock).create(Reminder.model_validate(reminder_payload(reminder_id, NUMBER, **fields)))


def answered_by_a_mailbox(resources: Resources, dialer: Dialer, clock: Clock, attempt: int) -> dict[str, object]:
    """Attempt ``attempt`` placed and answered by a mailbox that got the message (what the webhook writes)."""
    assert dialer.handle(dial_stored("appt-1", attempt)) == Disposition.DIALLED
    webhook = repository(resources, clock)
    assert webhook.record_answer("appt-1", attempt, f"session-{attempt}")
    assert webhook.record_voicemail("appt-1", attempt, f"session-{attempt}")
    check, delay = delayed_messages(resources.queue_url)[-1]
    assert check == {"kind": "check_answer", "reminder_id": "appt-1", "attempt": attempt}
    clock.advance(delay)
    return check


# The do-not-call list.


@pytest.mark.parametrize("listed_as", ["+49 157 90000687", "004915790000687"])
def test_a_listed_number_is_never_rung_and_its_reminder_closes_opted_out(
    resources: Resources, sipgate: FakeSipgate, listed_as: str
) -> None:
    clock = Clock()
    store(resources, "appt-1", clock)
    assert DoNotCallList(resources.table, client=boto3.client("dynamodb"), number_keys=NUMBER_KEYS).add(
        listed_as, source="operator"
    )

    dialer = make_dialer(resources, sipgate, clock=clock)
    assert dialer.handle(dial_stored("appt-1")) == Disposition.OPTED_OUT

    closed = stored(resources, "appt-1")
    assert (closed.status, closed.outcome) == (ReminderStatus.OPTED_OUT, Outcome.OPTED_OUT)
    assert closed.last_error == "number on the do-not-call list"
    assert rings(sipgate) == 0
    # The answer check sent before the claim finds the reminder closed and rings nobody either.
    [(check, delay)] = delayed_messages(resources.queue_url)
    clock.advance(delay)
    assert dialer.handle(check) == Disposition.CLOSED
    assert rings(sipgate) == 0


def test_a_number_listed_while_its_retry_waits_is_not_rung_again(resources: Resources, sipgate: FakeSipgate) -> None:
    clock = Clock()
    store(resources, "appt-1", clock, max_attempts=2)
    dialer = make_dialer(resources, sipgate, clock=clock, retry_delay_minutes=5)
    assert dialer.handle(dial_stored("appt-1")) == Disposition.DIALLED
    [(check, delay)] = delayed_messages(resources.queue_url)
    clock.advance(delay)
    assert dialer.handle(check) == Disposition.RETRY_SCHEDULED

    # The callee called in meanwhile and opted out (the webhook lists the number).
    DoNotCallList(resources.table, client=boto3.client("dynamodb"), number_keys=NUMBER_KEYS).add(
        NUMBER, source="call", reminder_id="appt-1"
    )
    retry, retry_delay = delayed_messages(resources.queue_url)[-1]
    clock.advance(retry_delay)
    assert dialer.handle(retry) == Disposition.OPTED_OUT
    assert rings(sipgate) == 1
    assert stored(resources, "appt-1").status == ReminderStatus.OPTED_OUT


def test_another_number_is_rung_while_one_is_listed(resources: Resources, sipgate: FakeSipgate) -> None:
    clock = Clock()
    DoNotCallList(resources.table, client=boto3.client("dynamodb"), number_keys=NUMBER_KEYS).add(
        "+4915790000999", source="operator"
    )
    store(resources, "appt-1", clock)
    assert make_dialer(resources, sipgate, clock=clock).handle(dial_stored("appt-1")) == Disposition.DIALLED
    assert rings(sipgate) == 1


# Mailboxes.


def test_a_mailbox_is_followed_by_the_next_attempt_at_once_not_after_the_line_hold(
    resources: Resources, sipgate: FakeSipgate
) -> None:
    clock = Clock()
    store(resources, "appt-1", clock, max_attempts=2)
    dialer = make_dialer(resources, sipgate, clock=clock, retry_delay_minutes=5)
    check = answered_by_a_mailbox(resources, dialer, clock, 1)

    assert dialer.handle(check) == Disposition.RETRY_SCHEDULED
    after = stored(resources, "appt-1")
    assert (after.status, after.attempts) == (ReminderStatus.SCHEDULED, 1)
    assert "attempt 1 reached a mailbox" in (after.history[-1].detail or "")

    # The retry comes the retry delay later and rings: the mailbox's attempt no longer holds the line.
    retry, delay = delayed_messages(resources.queue_url)[-1]
    assert retry == {"kind": "dial", "reminder_id": "appt-1", "attempt": 2}
    assert delay == pytest.approx(5 * 60, abs=2)
    clock.advance(delay)
    assert dialer.handle(retry) == Disposition.DIALLED
    assert rings(sipgate) == 2


@pytest.mark.parametrize(("retry_after_voicemail", "max_attempts"), [(False, 3), (True, 1)])
def test_a_final_mailbox_the_webhook_could_not_close_closes_as_voicemail(
    resources: Resources, sipgate: FakeSipgate, retry_after_voicemail: bool, max_attempts: int
) -> None:
    # The webhook noted the mailbox but could not write the outcome (it closes the final one itself).
    clock = Clock()
    store(resources, "appt-1", clock, max_attempts=max_attempts)
    dialer = make_dialer(resources, sipgate, clock=clock, retry_after_voicemail=retry_after_voicemail)
    check = answered_by_a_mailbox(resources, dialer, clock, 1)

    assert dialer.handle(check) == Disposition.VOICEMAIL
    closed = stored(resources, "appt-1")
    assert (closed.status, closed.outcome) == (ReminderStatus.VOICEMAIL, Outcome.VOICEMAIL)
    assert rings(sipgate) == 1


# Callbacks: the callee called in about an open reminder and is rung back on the stored number.


def test_a_callback_rings_now_although_the_next_retry_is_an_hour_away(
    resources: Resources, sipgate: FakeSipgate
) -> None:
    clock = Clock()
    store(resources, "appt-1", clock, max_attempts=3)
    dialer = make_dialer(resources, sipgate, clock=clock, retry_delay_minutes=60)
    assert dialer.handle(dial_stored("appt-1")) == Disposition.DIALLED
    [(check, delay)] = delayed_messages(resources.queue_url)
    clock.advance(delay)
    assert dialer.handle(check) == Disposition.RETRY_SCHEDULED  # attempt 2 an hour later (a schedule)

    assert dialer.handle(dial_stored("appt-1", 2, callback=True)) == Disposition.DIALLED
    assert rings(sipgate) == 2
    assert stored(resources, "appt-1").attempts == 2
    # The retry's own message, when its schedule fires, finds attempt 2 taken and rings nobody.
    assert dialer.handle(dial_stored("appt-1", 2)) == Disposition.DUPLICATE
    assert rings(sipgate) == 2


def over(resources: Resources, clock: Clock, attempt: int) -> None:
    """Attempt ``attempt`` of appt-1 ended and the reminder is open again: what an answer check's retry leaves."""
    table = repository(resources, clock)
    table.end_line_claim(NUMBER, "appt-1", attempt)
    assert table.reschedule(
        "appt-1", clock(), attempts=attempt, from_status=ReminderStatus.CALLING, schedule_name=None, reason="over"
    )


def test_a_callback_after_the_last_attempt_is_one_call_more(resources: Resources, sipgate: FakeSipgate) -> None:
    clock = Clock()
    store(resources, "appt-1", clock, max_attempts=1)
    dialer = make_dialer(resources, sipgate, clock=clock)
    assert dialer.handle(dial_stored("appt-1")) == Disposition.DIALLED
    # The one attempt is over and the reminder open again (as after a retry was scheduled).
    over(resources, clock, 1)

    assert dialer.handle(dial_stored("appt-1", 2, callback=True)) == Disposition.DIALLED
    assert rings(sipgate) == 2
    assert dialer.handle(dial_stored("appt-1", 3, callback=True)) == Disposition.ATTEMPT_LIVE
    assert rings(sipgate) == 2
    # A plain dial is still held to max_attempts, a callback to one call more.
    over(resources, clock, 2)
    assert dialer.handle(dial_stored("appt-1", 3)) == Disposition.REJECTED
    assert dialer.handle(dial_stored("appt-1", 3, callback=True)) == Disposition.REJECTED
    assert rings(sipgate) == 2


def test_a_callback_never_rings_while_an_attempt_is_live(resources: Resources, sipgate: FakeSipgate) -> None:
    clock = Clock()
    store(resources, "appt-1", clock)
    dialer = make_dialer(resources, sipgate, clock=clock)
    assert dialer.handle(dial_stored("appt-1")) == Disposition.DIALLED
    assert dialer.handle(dial_stored("appt-1", 2, callback=True)) == Disposition.ATTEMPT_LIVE
    assert rings(sipgate) == 1


def test_a_callback_still_waits_for_the_calling_window(resources: Resources, sipgate: FakeSipgate) -> None:
    zone = "Europe/Berlin"
    clock = Clock.at_local(21, 30, zone)
    appointment = (clock() + timedelta(days=2)).isoformat()
    store(resources, "appt-1", clock, time_zone=zone, appointment_at=appointment)
    dialer = make_dialer(resources, sipgate, clock=clock)
    assert dialer.handle(dial_stored("appt-1", 1, callback=True)) == Disposition.DEFERRED
    assert rings(sipgate) == 0
    later = stored(resources, "appt-1")
    assert later.call_at is not None
    assert later.call_at.astimezone(later.zone).hour == 8
