"""The SMS after the last attempt on the wire: the dialer Lambda on the moto server (SQS, Scheduler), DynamoDB
Local and the fake sipgate on loopback. One SMS, whatever is redelivered; refusals recorded; never to a
do-not-call number, never outside the window, never after the appointment; the outcome event waits for it."""

from __future__ import annotations

import functools
import json
from datetime import timedelta
from typing import Any

import boto3
import pytest

from aiflow.testing.sipgate import FakeSipgate, Reply, sent_then
from reminders.dialing.dialer import Disposition
from reminders.messages.outcome_events import outcome_event
from reminders.model.reminder import Outcome, ReminderStatus, SmsFate
from reminders.store.do_not_call import DoNotCallList
from tests.harness.aws import NUMBER_KEYS
from tests.harness.dialer import (
    Clock,
    Handler,
    Poller,
    Resources,
    atomic_dynamodb_writes,
    delayed_messages,
    dial,
    end_delays,
    fire_schedule,
    make_dialer,
    record,
    repository,
    send,
    use,
)

NUMBER = "+4915790000687"
CALLBACK = "+4921155660"
SMS_ON = {"sms_after_last_attempt": "no_answer,voicemail", "sms_id": "s0", "sms_callback_number": CALLBACK}
ZONE = "Europe/Berlin"


@pytest.fixture(autouse=True)
def _atomic_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    atomic_dynamodb_writes(monkeypatch)


def _unanswered_last_attempt(
    handler: Handler,
    resources: Resources,
    sipgate: FakeSipgate,
    monkeypatch: pytest.MonkeyPatch,
    clock: Clock,
    **fields: Any,
) -> Poller:
    """A one-attempt reminder dialled and left unanswered: its answer check closes it no_answer."""
    use(monkeypatch, make_dialer(resources, sipgate, clock=clock, **{**SMS_ON, **fields.pop("config", {})}))
    fields.setdefault("time_zone", ZONE)
    send(resources.queue_url, dial("appt-1", NUMBER, max_attempts=1, **fields))
    poller = Poller(handler, resources)
    poller.drain()
    assert sipgate.rang() == ["4915790000687"]
    clock.advance(160)
    end_delays(resources.queue_url)
    poller.drain()
    return poller


def _redeliver_everything(poller: Poller, resources: Resources) -> None:
    """What SQS may do: the check and the SMS message, both delivered again."""
    send(resources.queue_url, {"kind": "check_answer", "reminder_id": "appt-1", "attempt": 1})
    send(resources.queue_url, {"kind": "sms", "reminder_id": "appt-1", "attempt": 1})
    poller.drain()


def _event(resources: Resources, closed_without_sms: dict[str, Any]) -> dict[str, Any] | None:
    """The outcome event the stream's last change of the reminder would publish (texted outcomes wait)."""
    item = boto3.client("dynamodb").get_item(TableName=resources.table, Key={"pk": {"S": "REMINDER#appt-1"}})["Item"]
    change = {"Keys": {"pk": {"S": "REMINDER#appt-1"}}, "NewImage": item, "OldImage": closed_without_sms}
    detail = outcome_event({"dynamodb": change}, frozenset({Outcome.NO_ANSWER, Outcome.VOICEMAIL}))
    return None if detail is None else json.loads(detail.model_dump_json())


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de-DE", "Praxis Dr. Weber: Erinnerung an Ihren Termin am "),
        ("en-US", "Praxis Dr. Weber: a reminder of your appointment on "),
    ],
)
def test_no_answer_on_the_last_attempt_sends_one_sms_whatever_is_redelivered(
    handler: Handler,
    resources: Resources,
    sipgate: FakeSipgate,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    expected: str,
) -> None:
    clock = Clock.at_local(11, 0, ZONE)
    poller = _unanswered_last_attempt(handler, resources, sipgate, monkeypatch, clock, language=language)
    closed = record(resources, "appt-1")

    _redeliver_everything(poller, resources)

    (text,) = sipgate.texts()
    assert (text.recipient, text.sms_id) == ("4915790000687", "s0")
    assert text.message.startswith(expected)
    assert text.message.endswith(CALLBACK)
    assert len(text.message) <= 160
    assert "Ada" not in text.message
    assert "Smile Dental" not in text.message
    assert (closed.status, closed.sms) == (ReminderStatus.NO_ANSWER, SmsFate.SENT)
    assert len(sipgate.rang()) == 1


def test_the_outcome_event_waits_for_the_sms_and_says_it_was_sent(
    handler: Handler, resources: Resources, sipgate: FakeSipgate, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock.at_local(11, 0, ZONE)
    sipgate.script_sms(Reply(204, delay=0.5))
    use(monkeypatch, make_dialer(resources, sipgate, clock=clock, **SMS_ON))
    send(resources.queue_url, dial("appt-1", NUMBER, max_attempts=1, time_zone=ZONE))
    poller = Poller(handler, resources)
    poller.drain()
    clock.advance(160)
    end_delays(resources.queue_url)
    poller.poll_once()  # the check: closed, the SMS message queued
    closed = boto3.client("dynamodb").get_item(TableName=resources.table, Key={"pk": {"S": "REMINDER#appt-1"}})
    assert "sms" not in closed["Item"]
    assert _event(resources, {}) is None or _event(resources, {})["sms"] != "none"  # never published as none

    poller.drain()

    event = _event(resources, closed["Item"])
    assert event is not None
    assert (event["outcome"], event["sms"]) == ("no_answer", "sent")
    assert "4915790000687" not in json.dumps(event)


@pytest.mark.parametrize(("status", "reason"), [(402, "HTTP 402"), (403, "HTTP 403"), (400, "HTTP 400")])
def test_a_refused_sms_is_recorded_with_its_reason_counted_and_never_retried(
    handler: Handler,
    resources: Resources,
    sipgate: FakeSipgate,
    monkeypatch: pytest.MonkeyPatch,
    status: int,
    reason: str,
) -> None:
    sipgate.script_sms(Reply(status, body=b'{"message": "refused"}'))
    clock = Clock.at_local(11, 0, ZONE)
    poller = _unanswered_last_attempt(handler, resources, sipgate, monkeypatch, clock)

    _redeliver_everything(poller, resources)

    closed = record(resources, "appt-1")
    assert closed.sms is SmsFate.REFUSED
    assert closed.sms_detail is not None
    assert closed.sms_detail.startswith(reason)
    assert len([r for r in sipgate.received if r.path == "/v2/sessions/sms"]) == 1
    assert sipgate.texts() == []


@pytest.mark.parametrize(
    "reply",
    [pytest.param(sent_then(502), id="5xx-after-sending"), pytest.param(Reply(204, delay=8), id="hangs")],
)
def test_an_sms_that_may_have_reached_sipgate_is_never_sent_again(
    handler: Handler, resources: Resources, sipgate: FakeSipgate, monkeypatch: pytest.MonkeyPatch, reply: Reply
) -> None:
    sipgate.script_sms(reply, Reply(204))
    clock = Clock.at_local(11, 0, ZONE)
    poller = _unanswered_last_attempt(handler, resources, sipgate, monkeypatch, clock)

    _redeliver_everything(poller, resources)

    assert record(resources, "appt-1").sms is SmsFate.MAYBE_SENT
    assert len([r for r in sipgate.received if r.path == "/v2/sessions/sms"]) == 1
    assert sipgate.texts_per_recipient() == {"4915790000687": 1}


def test_a_claim_whose_invocation_died_is_never_sent_again(resources: Resources, sipgate: FakeSipgate) -> None:
    clock = Clock.at_local(11, 0, ZONE)
    dialer = make_dialer(resources, sipgate, clock=clock, **SMS_ON)
    assert dialer.handle(dial("appt-1", NUMBER, max_attempts=1, time_zone=ZONE)) is Disposition.DIALLED
    clock.advance(160)
    assert dialer.handle({"kind": "check_answer", "reminder_id": "appt-1", "attempt": 1}) is Disposition.NO_ANSWER
    closed = record(resources, "appt-1")
    assert repository(resources).claim_sms(closed).value == "claimed"  # and then the invocation died

    assert dialer.handle({"kind": "sms", "reminder_id": "appt-1", "attempt": 1}) is Disposition.SMS_MAYBE_SENT
    assert sipgate.texts() == []
    assert record(resources, "appt-1").sms is SmsFate.MAYBE_SENT


def test_no_sms_to_a_number_on_the_do_not_call_list(
    handler: Handler, resources: Resources, sipgate: FakeSipgate, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock.at_local(11, 0, ZONE)
    use(monkeypatch, make_dialer(resources, sipgate, clock=clock, **SMS_ON))
    send(resources.queue_url, dial("appt-1", NUMBER, max_attempts=1, time_zone=ZONE))
    poller = Poller(handler, resources)
    poller.drain()
    DoNotCallList(resources.table, client=boto3.client("dynamodb"), number_keys=NUMBER_KEYS).add(
        NUMBER, source="operator"
    )
    clock.advance(160)
    end_delays(resources.queue_url)
    poller.drain()

    closed = record(resources, "appt-1")
    assert (closed.sms, closed.sms_detail) == (SmsFate.SKIPPED, "number on the do-not-call list")
    assert [r.path for r in sipgate.received] == ["/v3/ai-flows/e3670012-96a3-4ae5-ac42-87abe22015c3/call"]


def test_outside_the_window_the_sms_waits_for_its_opening(
    handler: Handler, resources: Resources, sipgate: FakeSipgate, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock.at_local(19, 58, ZONE)  # the call at 19:58, its check after 20:00
    poller = _unanswered_last_attempt(handler, resources, sipgate, monkeypatch, clock)

    closed = record(resources, "appt-1")
    assert closed.sms is SmsFate.DEFERRED
    assert sipgate.texts() == []
    (schedule,) = boto3.client("scheduler").list_schedules(GroupName=resources.group)["Schedules"]
    fired = fire_schedule(resources, schedule["Name"])
    assert fired["ScheduleExpression"].endswith("T08:00:00)")
    assert fired["ScheduleExpressionTimezone"] == ZONE

    clock.advance(12 * 3600)  # 08:00 next morning
    poller.drain()

    assert len(sipgate.texts()) == 1
    assert record(resources, "appt-1").sms is SmsFate.SENT


def test_no_sms_when_the_window_opens_only_after_the_appointment(
    handler: Handler, resources: Resources, sipgate: FakeSipgate, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock.at_local(19, 58, ZONE)
    appointment = (clock() + timedelta(hours=6)).isoformat()  # tonight, 02:00: long before the window opens
    poller = _unanswered_last_attempt(
        handler, resources, sipgate, monkeypatch, clock, appointment_at=appointment, config={"min_notice_minutes": 0}
    )

    _redeliver_everything(poller, resources)

    closed = record(resources, "appt-1")
    assert closed.sms is SmsFate.SKIPPED
    assert closed.sms_detail == "the calling window 08:00-20:00 opens only after the appointment"
    assert sipgate.texts() == []
    assert delayed_messages(resources.queue_url) == []


def test_no_sms_after_the_appointment(resources: Resources, sipgate: FakeSipgate) -> None:
    clock = Clock.at_local(11, 0, ZONE)
    dialer = make_dialer(resources, sipgate, clock=clock, min_notice_minutes=0, **SMS_ON)
    appointment = (clock() + timedelta(minutes=5)).isoformat()
    assert dialer.handle(dial("appt-1", NUMBER, max_attempts=1, time_zone=ZONE, appointment_at=appointment)) is (
        Disposition.DIALLED
    )
    clock.advance(160)
    assert dialer.handle({"kind": "check_answer", "reminder_id": "appt-1", "attempt": 1}) is Disposition.NO_ANSWER
    clock.advance(600)  # the SMS message comes late, after the appointment began

    assert dialer.handle({"kind": "sms", "reminder_id": "appt-1", "attempt": 1}) is Disposition.SMS_SKIPPED
    assert record(resources, "appt-1").sms_detail == "the appointment has begun"
    assert sipgate.texts() == []


def test_a_mailbox_closing_the_last_attempt_gets_the_sms_and_only_the_outcomes_configured_do(
    resources: Resources, sipgate: FakeSipgate
) -> None:
    clock = Clock.at_local(11, 0, ZONE)
    for reminder_id, setting in (("appt-1", "voicemail"), ("appt-2", "no_answer")):
        config = {**SMS_ON, "sms_after_last_attempt": setting}
        dialer = make_dialer(resources, sipgate, clock=clock, **config)
        assert dialer.handle(dial(reminder_id, NUMBER, max_attempts=1, time_zone=ZONE)) is Disposition.DIALLED
        # What the webhook records when the last attempt's mailbox got the message.
        assert repository(resources).record_outcome(reminder_id, Outcome.VOICEMAIL, detail="mailbox")
        clock.advance(160)
        dialer.handle({"kind": "check_answer", "reminder_id": reminder_id, "attempt": 1})
        for body, _ in delayed_messages(resources.queue_url):
            dialer.handle(body)
        end_delays(resources.queue_url)
        Poller(functools.partial(_run, dialer), resources).drain()
        assert len(sipgate.texts()) == 1, setting  # the voicemail's; none for the one that texts only no_answer
        repository(resources).release_line(NUMBER, reminder_id)

    assert record(resources, "appt-1").sms is SmsFate.SENT
    assert record(resources, "appt-2").sms is None


def _run(dialer: Any, event: dict[str, Any], context: object) -> dict[str, Any]:
    """The dialer's part of the Lambda, for a dialer the test built (its own SMS setting)."""
    for message in event["Records"]:
        dialer.handle(message["body"])
    return {"batchItemFailures": []}


def test_with_sms_off_nothing_is_queued_and_the_event_goes_out_at_once(
    handler: Handler, resources: Resources, sipgate: FakeSipgate, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock.at_local(11, 0, ZONE)
    _unanswered_last_attempt(handler, resources, sipgate, monkeypatch, clock, config={"sms_after_last_attempt": "off"})

    assert sipgate.texts() == []
    closed = record(resources, "appt-1")
    assert (closed.status, closed.sms) == (ReminderStatus.NO_ANSWER, None)
