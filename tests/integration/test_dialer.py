"""The dialer Lambda against the moto server and a fake sipgate on loopback: what is dialled, and how often."""

from __future__ import annotations

import io
import json
import math
import socket
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import boto3
import pytest
import requests

from aiflow.testing.sipgate import FakeSipgate, Reply, rings_then
from functions.dialer import app
from reminders.aws import CallDelivery
from reminders.dialing.dialer import Disposition, RetryLater
from reminders.messages import SchedulingError
from reminders.model.calling_window import CallingWindow
from reminders.model.reminder import Outcome, Reminder, ReminderRecord, ReminderStatus, Via
from reminders.operations import cli
from reminders.scheduling import ReminderScheduler
from reminders.settings import ConfigError
from reminders.store.repository import ReminderRepository
from tests.harness.aws import NUMBER_KEYS
from tests.harness.dialer import (
    BILLING_DEVICE,
    FLOW_ID,
    TOKEN,
    Clock,
    FakeContext,
    Handler,
    Poller,
    Resources,
    atomic_dynamodb_writes,
    delayed_messages,
    dial,
    end_delays,
    events_of,
    fire_schedule,
    make_dialer,
    midday_zone,
    record,
    records_event,
    reminder_payload,
    repository,
    send,
    start_attempt,
    store,
    use,
)
from tests.harness.metrics import emitted_metrics

EVENTS = Path(__file__).resolve().parents[2] / "events" / "dialer"


@pytest.fixture(autouse=True)
def _atomic_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    atomic_dynamodb_writes(monkeypatch)


# A batch.


def test_a_batch_dials_each_good_reminder_once_and_rejects_the_invalid_records(
    handler: Handler, resources: Resources, sipgate: FakeSipgate
) -> None:
    store(resources, "known-1", "+4915790000001")
    store(resources, "known-2", "+4915790000002")
    new_one = dial("new-1", "+4915790000003")
    bodies = [
        new_one,
        json.dumps({"kind": "dial", "reminder_id": "known-1", "attempt": 1}),
        "this is not JSON",
        json.dumps({"kind": "dial", "reminder": reminder_payload("known-2", "12")}),  # no dialable number
        json.dumps({"kind": "ring", "reminder_id": "known-1"}),
        new_one,  # the same message twice in one batch, as SQS may deliver it
    ]

    response = handler(records_event(bodies), FakeContext())

    assert response == {"batchItemFailures": []}, "invalid records are rejected, never retried"
    assert sorted(sipgate.numbers()) == ["4915790000001", "4915790000003"]
    for request in sipgate.received:
        assert request.path == f"/v3/ai-flows/{FLOW_ID}/call"
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        assert request.body["billingDevice"] == BILLING_DEVICE
    created = record(resources, "new-1")
    assert (created.status, created.attempts) == (ReminderStatus.CALLING, 1)
    assert events_of(created).count("dialling") == 1
    assert events_of(record(resources, "known-1"))[-1] == "dialling", "a placed call adds no entry of its own"
    rejected = record(resources, "known-2")
    assert (rejected.status, rejected.attempts) == (ReminderStatus.SCHEDULED, 0)
    assert rejected.history[-1].event == "rejected"
    assert "to_phone_number" in (rejected.history[-1].detail or "")


def test_a_redelivered_record_does_not_dial_again(handler: Handler, resources: Resources, sipgate: FakeSipgate) -> None:
    event = records_event([dial("appt-1")])

    first, second = handler(event, FakeContext()), handler(event, FakeContext())

    assert first == second == {"batchItemFailures": []}
    assert len(sipgate.received) == 1
    assert record(resources, "appt-1").attempts == 1


# sipgate's answers.


def test_429_then_201_is_tried_again_within_the_delivery(
    handler: Handler, resources: Resources, sipgate: FakeSipgate
) -> None:
    sipgate.script(Reply(429, {"Retry-After": "0"}), Reply(201))

    response = handler(records_event([dial("appt-1")]), FakeContext())

    assert response == {"batchItemFailures": []}
    assert len(sipgate.received) == 2
    assert events_of(record(resources, "appt-1"))[1:] == ["dialling"], "one claim, placed at its second try"


def test_429_asking_for_a_long_wait_fails_the_record_and_the_redelivery_dials(
    handler: Handler, resources: Resources, sipgate: FakeSipgate
) -> None:
    sipgate.script(Reply(429, {"Retry-After": "3600"}), Reply(201))
    send(resources.queue_url, dial("appt-1"))
    poller = Poller(handler, resources)

    poller.poll_once()
    released = record(resources, "appt-1")
    assert (released.status, released.attempts) == (ReminderStatus.SCHEDULED, 0), "the attempt is given back"
    assert released.history[-1].event == "not placed"
    assert "429" in (released.history[-1].detail or "")

    poller.drain()

    assert len(sipgate.received) == 2
    assert poller.invocations == 2
    dialled = record(resources, "appt-1")
    assert (dialled.status, dialled.attempts) == (ReminderStatus.CALLING, 1)
    assert events_of(dialled)[-2:] == ["not placed", "dialling"]


def test_503_every_time_ends_in_the_dead_letter_queue_without_a_call(
    handler: Handler, resources: Resources, sipgate: FakeSipgate, monkeypatch: pytest.MonkeyPatch
) -> None:
    sipgate.script(Reply(503))
    clock = Clock()
    use(monkeypatch, make_dialer(resources, sipgate, clock=clock))
    send(resources.queue_url, dial("appt-1"))

    Poller(handler, resources).drain()

    dead = boto3.client("sqs").receive_message(QueueUrl=resources.dead_letter_url, MaxNumberOfMessages=10)
    assert [json.loads(message["Body"])["reminder"]["reminder_id"] for message in dead["Messages"]] == ["appt-1"]
    assert len(sipgate.received) == 3 * 3, "three receives (the redrive limit), three tries each"
    left = record(resources, "appt-1")
    assert (left.status, left.attempts) == (ReminderStatus.SCHEDULED, 0)
    assert events_of(left).count("not placed") == 3

    # The answer checks each try enqueued come later and find nothing to do: no call, no retry.
    clock.advance(200)
    assert end_delays(resources.queue_url) == 3
    Poller(handler, resources).drain()
    assert len(sipgate.received) == 9
    assert delayed_messages(resources.queue_url) == []
    assert record(resources, "appt-1").attempts == 0


def test_404_is_recorded_as_failed_and_not_retried(
    handler: Handler, resources: Resources, sipgate: FakeSipgate
) -> None:
    sipgate.script(Reply(404))

    response = handler(records_event([dial("appt-1")]), FakeContext())

    assert response == {"batchItemFailures": []}
    assert len(sipgate.received) == 1
    failed = record(resources, "appt-1")
    assert (failed.status, failed.outcome) == (ReminderStatus.FAILED, Outcome.FAILED)
    assert "HTTP 404" in (failed.last_error or "")
    assert repository(resources).find_line("+4915790000687") is None, "a failed call holds no line"


def test_a_read_timeout_is_not_sent_again_and_the_answer_check_takes_over(
    resources: Resources, sipgate: FakeSipgate
) -> None:
    sipgate.script(Reply(201, delay=2.0))
    dialer = make_dialer(resources, sipgate, read_timeout=0.3)

    assert dialer.handle(dial("appt-1")) == Disposition.MAYBE_DIALLED

    assert len(sipgate.received) == 1, "the call may ring: it is never sent twice"
    kept = record(resources, "appt-1")
    assert (kept.status, kept.attempts) == (ReminderStatus.CALLING, 1)
    assert kept.history[-1].event == "maybe placed"
    assert [body["kind"] for body, _ in delayed_messages(resources.queue_url)] == ["check_answer"]


def test_a_refused_connection_gives_the_attempt_back_for_the_retry(resources: Resources, sipgate: FakeSipgate) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    dialer = make_dialer(resources, sipgate, base_url=f"http://127.0.0.1:{closed_port}")

    with pytest.raises(RetryLater, match="no answer from"):
        dialer.handle(dial("appt-1"))

    released = record(resources, "appt-1")
    assert (released.status, released.attempts) == (ReminderStatus.SCHEDULED, 0)
    assert make_dialer(resources, sipgate).handle(dial("appt-1")) == Disposition.DIALLED


def test_a_number_on_a_live_call_is_not_rung_for_another_reminder(resources: Resources, sipgate: FakeSipgate) -> None:
    dialer = make_dialer(resources, sipgate)
    assert dialer.handle(dial("first", "+4915790000687")) == Disposition.DIALLED

    with pytest.raises(RetryLater, match="is live"):
        dialer.handle(dial("second", "+49 1579 0000687"))

    assert len(sipgate.received) == 1
    assert record(resources, "second").attempts == 0


# No second ring while an attempt is live.


def test_a_dial_for_the_next_attempt_while_one_is_live_does_not_ring(
    resources: Resources, sipgate: FakeSipgate
) -> None:
    dialer = make_dialer(resources, sipgate)
    assert dialer.handle(dial("appt-1")) == Disposition.DIALLED

    # Sent by hand, or by a "call now" that did not look: attempt 1 may still be ringing.
    next_attempt = json.dumps({"kind": "dial", "reminder_id": "appt-1", "attempt": 2})
    disposition = dialer.handle(next_attempt)

    assert sipgate.rings_per_callee() == {"4915790000687": 1}
    assert disposition == Disposition.ATTEMPT_LIVE
    live = record(resources, "appt-1")
    assert (live.status, live.attempts) == (ReminderStatus.CALLING, 1)
    assert live.history[-1].event == "refused"
    assert "attempt 1 is live" in (live.history[-1].detail or "")


def test_the_next_attempt_does_not_take_the_line_while_the_first_call_holds_it(
    resources: Resources, sipgate: FakeSipgate
) -> None:
    # The attempt was given back to the reminder (scheduled again), but its call still holds the line.
    dialer = make_dialer(resources, sipgate)
    assert dialer.handle(dial("appt-1")) == Disposition.DIALLED
    repository(resources).reschedule(
        "appt-1", Clock()(), attempts=1, from_status=ReminderStatus.CALLING, schedule_name=None, reason="test"
    )

    with pytest.raises(RetryLater, match="is live"):
        dialer.handle(json.dumps({"kind": "dial", "reminder_id": "appt-1", "attempt": 2}))

    assert sipgate.rings_per_callee() == {"4915790000687": 1}
    assert record(resources, "appt-1").attempts == 1, "the refused attempt is given back"


def test_call_now_while_calling_is_refused_by_the_scheduler_and_the_cli(
    resources: Resources, sipgate: FakeSipgate, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert make_dialer(resources, sipgate).handle(dial("appt-1")) == Disposition.DIALLED
    scheduler = ReminderScheduler(
        repository(resources),
        CallDelivery(boto3.client("sqs"), resources.queue_url),
        window=CallingWindow.parse("08:00-20:00"),
        lead_time=timedelta(hours=24),
    )

    with pytest.raises(SchedulingError, match="is being called"):
        scheduler.call_now("appt-1")

    for name, value in {
        "TABLE_NAME": resources.table,
        "CALL_QUEUE_URL": resources.queue_url,
        "CALL_QUEUE_ARN": resources.queue_arn,
        "SCHEDULER_GROUP": resources.group,
        "SCHEDULER_ROLE_ARN": resources.role_arn,
    }.items():
        monkeypatch.setenv(name, value)
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["call-now", "appt-1"], stdout=out, stderr=err) == 1
    assert err.getvalue().startswith("error: reminder appt-1 is being called (attempt 1 of 3)")
    assert [body["kind"] for body, _ in delayed_messages(resources.queue_url)] == ["check_answer"]
    assert sipgate.rings_per_callee() == {"4915790000687": 1}


def test_each_dialling_thread_has_its_own_http_session(
    handler: Handler, sipgate: FakeSipgate, monkeypatch: pytest.MonkeyPatch
) -> None:
    # requests' Session is not thread-safe: the batch's concurrent calls must not share one.
    sipgate.script(Reply(201, delay=0.2))  # the calls overlap
    users: dict[int, set[int]] = {}
    send = requests.Session.send

    def watched(session: requests.Session, request: Any, **options: Any) -> Any:
        users.setdefault(id(session), set()).add(threading.get_ident())
        return send(session, request, **options)

    monkeypatch.setattr(requests.Session, "send", watched)
    bodies = [dial(f"appt-{index}", f"+49157900001{index:02d}") for index in range(5)]

    assert handler(records_event(bodies), FakeContext()) == {"batchItemFailures": []}

    assert len(sipgate.received) == 5
    assert sum(len(threads) for threads in users.values()) >= 2, "the calls went out on several threads"
    assert all(len(threads) == 1 for threads in users.values()), f"a session used by several threads: {users}"


def test_the_dispositions_are_emf_metrics(
    handler: Handler, resources: Resources, sipgate: FakeSipgate, capsys: pytest.CaptureFixture[str]
) -> None:
    sipgate.script(Reply(201), rings_then(502))  # one placed, one maybe placed (in either order)
    soon = (datetime.now(ZoneInfo(midday_zone())) + timedelta(minutes=30)).isoformat()
    bodies = [dial("appt-1", "+4915790000001"), dial("appt-2", "+4915790000002"), dial("appt-3", appointment_at=soon)]

    assert handler(records_event(bodies), FakeContext()) == {"batchItemFailures": []}

    metrics = emitted_metrics(capsys.readouterr().out)
    assert {metric["service"] for metric in metrics} == {"aiflow-dialer"}
    assert {metric["metric"] for metric in metrics} == {"CallsPlaced", "CallsMaybePlaced", "RemindersExpired"}


# AWS calls per dial: the read (or the store), the answer check's delivery, the claim, the rate slot.


@pytest.mark.parametrize("message", ["stored", "carrying the reminder", "carrying a stored reminder"])
def test_a_dial_makes_at_most_four_aws_calls(resources: Resources, sipgate: FakeSipgate, message: str) -> None:
    if message != "carrying the reminder":
        store(resources, "appt-1", "+4915790000687")
    sent: list[str] = []
    events = boto3._get_default_session().events  # the dialer's clients are made from the default session
    count = lambda event_name, **_: sent.append(event_name.split(".", 1)[1])  # noqa: E731
    events.register("before-send", count)
    try:
        dialer = make_dialer(resources, sipgate)
        body = dial("appt-1") if message != "stored" else json.dumps({"kind": "dial", "reminder_id": "appt-1"})
        assert dialer.handle(body) == Disposition.DIALLED
    finally:
        events.unregister("before-send", count)

    assert len(sent) <= 4, sent
    assert len(sipgate.received) == 1
    assert record(resources, "appt-1").status is ReminderStatus.CALLING


def test_a_reminder_moved_between_the_dialers_read_and_its_claim_is_dialled_as_it_is_now(
    resources: Resources, sipgate: FakeSipgate
) -> None:
    store(resources, "appt-1", "+4915790000687")
    tomorrow = (datetime.now(ZoneInfo(midday_zone())) + timedelta(days=1)).replace(microsecond=0)
    moved = Reminder.model_validate(reminder_payload("appt-1", "+4915790000687", call_at=tomorrow.isoformat()))
    # A schedule message moves the call to tomorrow just as the dialer, having read the reminder due now,
    # writes its claim: the other writer's request reaches DynamoDB first.
    other_writer = ReminderRepository(
        resources.table, client=boto3.Session().client("dynamodb"), number_keys=NUMBER_KEYS
    )  # not hooked
    moves: list[str] = []

    def move_before_the_claim(event_name: str, **_: Any) -> None:
        if not moves and event_name.endswith((".UpdateItem", ".TransactWriteItems")):
            moves.append(event_name)
            assert other_writer.replace_waiting(moved, attempts=0, schedule_name=None, reason="appointment moved")

    events = boto3._get_default_session().events
    events.register("before-send.dynamodb", move_before_the_claim)
    try:
        disposition = make_dialer(resources, sipgate).handle(json.dumps({"kind": "dial", "reminder_id": "appt-1"}))
    finally:
        events.unregister("before-send.dynamodb", move_before_the_claim)

    assert moves, "the claim was written"
    assert disposition == Disposition.DEFERRED
    assert sipgate.received == [], "not rung before the time it was moved to"
    waiting = record(resources, "appt-1")
    assert (waiting.status, waiting.attempts, waiting.call_at) == (ReminderStatus.SCHEDULED, 0, tomorrow)


# The cap.


def test_two_dialers_together_stay_within_the_calls_per_second_cap(
    handler: Handler, resources: Resources, sipgate: FakeSipgate, monkeypatch: pytest.MonkeyPatch
) -> None:
    cap, per_batch = 4, 8
    dialers = {name: make_dialer(resources, sipgate, calls_per_second=cap) for name in ("one", "two")}
    # Two Lambda instances: each thread's invocation builds on its own dialer (own clients, own HTTP pool).
    monkeypatch.setattr(app, "_dialer", lambda token: dialers[threading.current_thread().name])
    batches = {
        name: records_event([dial(f"{name}-{index}", f"+4915790{offset + index:05d}") for index in range(per_batch)])
        for name, offset in (("one", 100), ("two", 200))
    }
    responses: dict[str, dict[str, Any]] = {}

    def invoke(name: str) -> None:
        responses[name] = handler(batches[name], FakeContext())

    threads = [threading.Thread(target=invoke, args=(name,), name=name) for name in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert responses == {"one": {"batchItemFailures": []}, "two": {"batchItemFailures": []}}
    assert len(sipgate.received) == 2 * per_batch
    per_second = sipgate.calls_per_second()
    # Each call counts against the second its slot was taken in, and no slot is used in the last 0.3 s of its
    # second: the request reaches sipgate within the second it was counted in.
    assert max(per_second.values()) <= cap, f"calls per wall-clock second: {sorted(per_second.items())}"
    arrivals = sorted(request.at for request in sipgate.received)
    assert arrivals[-1] - arrivals[0] > 1.5, "16 calls at 4 per second take slots in 4 seconds (unlimited: 0.2 s)"
    counters = boto3.client("dynamodb").scan(
        TableName=resources.table,
        FilterExpression="begins_with(pk, :rate)",
        ExpressionAttributeValues={":rate": {"S": "RATE#"}},
    )["Items"]
    slots = [int(counter["dials"]["N"]) for counter in counters]
    assert max(slots) == cap, "the shared counter gave out exactly the cap in the busy seconds"
    assert sum(slots) >= 2 * per_batch


# The calling window.


def test_outside_the_calling_window_the_call_is_scheduled_for_the_next_opening(
    handler: Handler, resources: Resources, sipgate: FakeSipgate, monkeypatch: pytest.MonkeyPatch
) -> None:
    berlin = ZoneInfo("Europe/Berlin")
    clock = Clock.at_local(21, 30, "Europe/Berlin")
    use(monkeypatch, make_dialer(resources, sipgate, clock=clock))
    send(resources.queue_url, dial("appt-1", time_zone="Europe/Berlin"))

    Poller(handler, resources).drain()

    assert sipgate.received == []
    waiting = record(resources, "appt-1")
    opening = datetime.combine(clock().astimezone(berlin).date() + timedelta(days=1), datetime.min.time(), berlin)
    opening = opening.replace(hour=8)
    assert waiting.call_at == opening
    assert (waiting.status, waiting.attempts) == (ReminderStatus.SCHEDULED, 0)
    assert waiting.schedule_name is not None
    schedule = fire_schedule(resources, waiting.schedule_name)
    assert schedule["ScheduleExpression"] == f"at({opening:%Y-%m-%d}T08:00:00)"
    assert schedule["ScheduleExpressionTimezone"] == "Europe/Berlin"
    assert schedule["ActionAfterCompletion"] == "DELETE"
    assert schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert schedule["Target"]["RoleArn"] == resources.role_arn
    assert schedule["Target"]["DeadLetterConfig"] == {"Arn": resources.dead_letter_arn}
    assert schedule["Target"]["RetryPolicy"]["MaximumRetryAttempts"] > 0
    assert json.loads(schedule["Target"]["Input"]) == {"kind": "dial", "reminder_id": "appt-1", "attempt": 1}

    clock.advance(math.ceil((opening - clock()).total_seconds()))  # the morning; the schedule fired above
    Poller(handler, resources).drain()

    assert sipgate.numbers() == ["4915790000687"]
    assert record(resources, "appt-1").attempts == 1


def test_shortly_before_the_window_opens_the_message_waits_on_the_queue(
    resources: Resources, sipgate: FakeSipgate
) -> None:
    clock = Clock.at_local(7, 50, "Europe/Berlin")
    dialer = make_dialer(resources, sipgate, clock=clock)

    assert dialer.handle(dial("appt-1", time_zone="Europe/Berlin")) == Disposition.DEFERRED

    [(body, delay)] = delayed_messages(resources.queue_url)
    assert body == {"kind": "dial", "reminder_id": "appt-1", "attempt": 1}
    assert delay == pytest.approx(600, abs=2)  # the test clock is whole seconds off the wall clock
    assert record(resources, "appt-1").schedule_name is None


def test_a_message_before_the_call_time_waits_for_it(resources: Resources, sipgate: FakeSipgate) -> None:
    dialer = make_dialer(resources, sipgate)
    call_at = datetime.now(ZoneInfo(midday_zone())) + timedelta(minutes=5)

    assert dialer.handle(dial("appt-1", call_at=call_at.isoformat())) == Disposition.DEFERRED

    assert sipgate.received == []
    [(_, delay)] = delayed_messages(resources.queue_url)
    assert delay == pytest.approx(300, abs=2)


# Never late: MIN_NOTICE_MINUTES (60) before the appointment at the latest.


def expired_without_a_call(resources: Resources, sipgate: FakeSipgate, reminder_id: str = "appt-1") -> ReminderRecord:
    closed = record(resources, reminder_id)
    assert sipgate.rings_per_callee() == {}
    assert (closed.status, closed.outcome) == (ReminderStatus.EXPIRED, Outcome.EXPIRED)
    assert "less than 60 minutes before the appointment" in (closed.last_error or "")
    return closed


@pytest.mark.parametrize("path", ["first", "stored", "next attempt", "direct"])
def test_a_dial_too_close_to_the_appointment_closes_the_reminder_as_expired_without_a_call(
    handler: Handler, resources: Resources, sipgate: FakeSipgate, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    # Whatever brought the message (the first delivery, a redelivery or a DLQ redrive of a stored reminder,
    # the retry after no answer, a direct invocation), it came 50 minutes before the appointment.
    clock = Clock()
    use(monkeypatch, make_dialer(resources, sipgate, clock=clock))
    soon = (clock() + timedelta(minutes=50)).isoformat()
    message: dict[str, Any] = {"kind": "dial", "reminder": reminder_payload("appt-1", appointment_at=soon)}
    if path in ("stored", "next attempt"):
        store(resources, "appt-1", "+4915790000687", clock, appointment_at=soon)
        message = {"kind": "dial", "reminder_id": "appt-1", "attempt": 1}
    if path == "next attempt":
        start_attempt(repository(resources, clock), "appt-1")
        assert repository(resources, clock).reschedule(
            "appt-1",
            clock(),
            attempts=1,
            from_status=ReminderStatus.CALLING,
            schedule_name=None,
            reason="attempt 1 was not answered",
        )
        message["attempt"] = 2

    if path == "direct":
        assert handler(message, FakeContext()) == {"disposition": "expired"}
    else:
        assert handler(records_event([json.dumps(message)]), FakeContext()) == {"batchItemFailures": []}

    expired_without_a_call(resources, sipgate)
    assert delayed_messages(resources.queue_url) == [], "nothing is left to come"


def test_a_deferral_to_the_calling_window_that_would_come_too_late_expires_at_once(
    resources: Resources, sipgate: FakeSipgate
) -> None:
    clock = Clock.at_local(21, 30, "Europe/Berlin")  # the window opens at 08:00 tomorrow
    berlin_morning = (clock().astimezone(ZoneInfo("Europe/Berlin")) + timedelta(days=1)).replace(hour=8, minute=45)
    dialer = make_dialer(resources, sipgate, clock=clock)

    disposition = dialer.handle(dial("appt-1", time_zone="Europe/Berlin", appointment_at=berlin_morning.isoformat()))

    assert disposition == Disposition.EXPIRED
    closed = expired_without_a_call(resources, sipgate)
    assert "08:00" in (closed.last_error or ""), "the reason names the call that would have come too late"
    assert closed.schedule_name is None
    assert boto3.client("scheduler").list_schedules(GroupName=resources.group)["Schedules"] == []


def test_a_retry_after_no_answer_that_would_come_too_late_expires_at_once(
    resources: Resources, sipgate: FakeSipgate
) -> None:
    clock = Clock()
    dialer = make_dialer(resources, sipgate, clock=clock, retry_delay_minutes=60)
    appointment = (clock() + timedelta(minutes=100)).isoformat()
    assert dialer.handle(dial("appt-1", appointment_at=appointment)) == Disposition.DIALLED
    [(check, delay)] = delayed_messages(resources.queue_url)

    clock.advance(delay)
    disposition = dialer.handle(check)

    assert disposition == Disposition.EXPIRED, "the retry an hour later would come 37 minutes before"
    closed = record(resources, "appt-1")
    assert (closed.status, closed.attempts) == (ReminderStatus.EXPIRED, 1)
    assert sipgate.rings_per_callee() == {"4915790000687": 1}
    assert len(delayed_messages(resources.queue_url)) == 1, "only the check that was handled; no retry"


# Cancelled before firing.


def test_a_reminder_cancelled_before_its_call_is_not_dialled(
    handler: Handler, resources: Resources, sipgate: FakeSipgate
) -> None:
    zone = ZoneInfo(midday_zone())
    scheduler = ReminderScheduler(
        repository(resources),
        CallDelivery(
            boto3.client("sqs"), resources.queue_url, scheduler=boto3.client("scheduler"), target=resources.target
        ),
        window=CallingWindow.parse("08:00-20:00"),
        lead_time=timedelta(hours=24),
    )
    appointment = datetime.now(zone).replace(hour=11, minute=0, second=0, microsecond=0) + timedelta(days=3)
    scheduled = scheduler.schedule(Reminder.model_validate(reminder_payload("appt-1", appointment_at=appointment)))
    assert scheduled.new
    name = scheduled.record.schedule_name
    assert name is not None
    schedule_input = boto3.client("scheduler").get_schedule(Name=name, GroupName=resources.group)["Target"]["Input"]

    cancelled = scheduler.cancel("appt-1")

    assert cancelled.status == ReminderStatus.CANCELLED
    with pytest.raises(boto3.client("scheduler").exceptions.ResourceNotFoundException):
        boto3.client("scheduler").get_schedule(Name=name, GroupName=resources.group)
    # A delivery already under way when it was cancelled (the schedule had fired) still rings nobody.
    send(resources.queue_url, schedule_input)
    Poller(handler, resources).drain()
    assert sipgate.received == []
    assert record(resources, "appt-1").attempts == 0


# No answer.


def test_no_answer_is_retried_after_the_delay_and_ends_as_no_answer(
    handler: Handler, resources: Resources, sipgate: FakeSipgate, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    use(monkeypatch, make_dialer(resources, sipgate, clock=clock, retry_delay_minutes=5))
    send(resources.queue_url, dial("appt-1", max_attempts=2))
    poller = Poller(handler, resources)

    poller.drain()
    assert len(sipgate.received) == 1
    [(check, delay)] = delayed_messages(resources.queue_url)
    assert check == {"kind": "check_answer", "reminder_id": "appt-1", "attempt": 1}
    assert delay == pytest.approx(120 + 40, abs=1), "the answer timeout plus the dial budget"

    clock.advance(delay)
    end_delays(resources.queue_url)
    poller.drain()
    [(retry, retry_delay)] = delayed_messages(resources.queue_url)
    assert retry == {"kind": "dial", "reminder_id": "appt-1", "attempt": 2}
    assert retry_delay == pytest.approx(300, abs=1)
    assert events_of(record(resources, "appt-1"))[-1] == "rescheduled"

    clock.advance(retry_delay)
    end_delays(resources.queue_url)
    poller.drain()
    assert len(sipgate.received) == 2
    assert record(resources, "appt-1").attempts == 2

    clock.advance(160)
    end_delays(resources.queue_url)
    poller.drain()
    closed = record(resources, "appt-1")
    assert (closed.status, closed.outcome, closed.attempts) == (ReminderStatus.NO_ANSWER, Outcome.NO_ANSWER, 2)
    assert delayed_messages(resources.queue_url) == []
    assert len(sipgate.received) == 2


def test_an_answered_call_is_not_retried(resources: Resources, sipgate: FakeSipgate) -> None:
    clock = Clock()
    dialer = make_dialer(resources, sipgate, clock=clock)
    assert dialer.handle(dial("appt-1")) == Disposition.DIALLED
    assert repository(resources).record_answer("appt-1", 1, "session-1")  # what the webhook does
    [(check, delay)] = delayed_messages(resources.queue_url)

    clock.advance(delay)
    assert dialer.handle(check) == Disposition.ANSWERED
    assert len(sipgate.received) == 1
    assert record(resources, "appt-1").status == ReminderStatus.CALLING

    # The webhook decides within the call; the check that comes once the call must be over finds it closed.
    repository(resources).record_outcome("appt-1", Outcome.CONFIRMED, via=Via.KEY, session_id="session-1")
    again, _ = delayed_messages(resources.queue_url)[-1]  # the first check is still in moto's queue
    assert again == check
    assert dialer.handle(again) == Disposition.CLOSED
    assert len(sipgate.received) == 1


@pytest.mark.parametrize(("max_attempts", "expected"), [(2, Disposition.RETRY_SCHEDULED), (1, Disposition.UNDECIDED)])
def test_an_answered_call_cut_short_by_our_failure_keeps_its_promise_to_call_back(
    resources: Resources, sipgate: FakeSipgate, max_attempts: int, expected: Disposition
) -> None:
    # The callee answered, then DynamoDB failed mid-call: the caller heard "we will call you back", and
    # neither the outcome nor session_end's no_decision could be written.
    clock = Clock()
    dialer = make_dialer(resources, sipgate, clock=clock)
    assert dialer.handle(dial("appt-1", max_attempts=max_attempts)) == Disposition.DIALLED
    assert repository(resources).record_answer("appt-1", 1, "session-1")
    [(check, delay)] = delayed_messages(resources.queue_url)
    clock.advance(delay)
    assert dialer.handle(check) == Disposition.ANSWERED

    follow_up, follow_up_delay = delayed_messages(resources.queue_url)[-1]
    assert follow_up == check
    clock.advance(follow_up_delay)
    assert dialer.handle(follow_up) == expected

    after = record(resources, "appt-1")
    if expected is Disposition.RETRY_SCHEDULED:
        assert after.status == ReminderStatus.SCHEDULED, "the next attempt waits for its time"
        assert after.history[-1].event == "rescheduled"
        assert "ended before its outcome was recorded" in (after.history[-1].detail or "")
        assert after.schedule_name is not None  # attempt 2, an hour later: a one-time schedule
    else:
        assert (after.status, after.outcome) == (ReminderStatus.NO_DECISION, Outcome.NO_DECISION)
    assert len(sipgate.received) == 1


# A dialer that dies.


class Died(BaseException):
    """The Lambda timing out: no handler of the dialer runs any more."""


def test_a_dialer_dying_after_its_claim_leaves_nothing_stuck_and_rings_nobody_twice(
    resources: Resources, sipgate: FakeSipgate
) -> None:
    # A moment late in its second: the dialer waits for the next second's slot, and dies while it waits.
    frozen = datetime.now(ZoneInfo(midday_zone())).replace(microsecond=900_000)

    def die(seconds: float) -> None:
        raise Died

    with pytest.raises(Died):
        make_dialer(resources, sipgate, clock=lambda: frozen, sleep=die).handle(dial("appt-1"))
    claimed = record(resources, "appt-1")
    assert (claimed.status, claimed.attempts) == (ReminderStatus.CALLING, 1)

    clock = Clock(frozen - datetime.now(frozen.tzinfo))
    revived = make_dialer(resources, sipgate, clock=clock, retry_delay_minutes=5)
    assert revived.handle(dial("appt-1")) == Disposition.DUPLICATE, "the redelivered message does not dial"

    [(check, delay)] = delayed_messages(resources.queue_url)
    clock.advance(delay)
    assert revived.handle(check) == Disposition.RETRY_SCHEDULED, "the check counts the lost attempt as unanswered"
    assert sipgate.received == []
    retry = {"kind": "dial", "reminder_id": "appt-1", "attempt": 2}
    assert retry in [body for body, _ in delayed_messages(resources.queue_url)]


# Wiring and samples.


def test_the_function_takes_its_token_from_ssm_and_its_settings_from_the_environment(
    handler: Handler, resources: Resources, sipgate: FakeSipgate
) -> None:
    message = {"kind": "dial", "reminder": reminder_payload("appt-1", "0049 1579 0000687")}

    assert handler(message, FakeContext()) == {"disposition": "dialled"}

    [request] = sipgate.received
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.body == {"billingDevice": BILLING_DEVICE, "toPhoneNumber": "4915790000687"}


def test_the_function_refuses_to_start_without_the_scheduler_settings(
    handler: Handler, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SCHEDULER_ROLE_ARN")

    with pytest.raises(ConfigError, match="SCHEDULER_ROLE_ARN: Field required"):
        handler({"kind": "dial", "reminder_id": "appt-1"}, FakeContext())


def test_the_sample_events_are_handled(
    handler: Handler, resources: Resources, sipgate: FakeSipgate, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock.at_local(10, 0, "Europe/Berlin")
    use(monkeypatch, make_dialer(resources, sipgate, clock=clock))
    store(resources, "appt-1002", "+4915790000686", clock, time_zone="Europe/Berlin")
    samples = {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in EVENTS.glob("*.json")}

    assert handler(samples["sqs-batch"], FakeContext()) == {"batchItemFailures": []}
    assert handler(samples["scheduler-invocation"], FakeContext()) == {"disposition": "dialled"}
    assert handler(samples["eventbridge-rule"], FakeContext()) == {"disposition": "dialled"}

    assert sorted(sipgate.numbers()) == ["4915790000686", "4915790000687", "4915790000688", "4915790000689"]
    assert record(resources, "appt-1001").location == "Smile Dental, Hauptstraße 1"
