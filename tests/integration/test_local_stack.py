"""The local stack as ``make demo`` runs it, over real HTTP: the demo's scenarios and a sipgate outage.

One stack for the module (free ports, DynamoDB Local when Java is there), short waits, all reminders at
once: a confirmation by voice, a cancellation by key, a callee who never answers (called twice, then
``no_answer``) and a number sipgate refuses with 503 until the message lands in the dead-letter queue,
from where a redrive after the outage gets the call through. Nothing is lost, nothing dialled twice. What
reaches the practice: a request for Friday at nine whose outcome event carries it as ``preferred_time``,
and a wrong number.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from aiflow.testing import CallSimulator, HttpTarget, SimulatorError
from aiflow.testing.bedrock import text, tool_use
from aiflow.testing.callees import says
from aiflow.testing.sipgate import Reply
from examples.practice_assistant import GOODBYES, GREETINGS, OPENING_HOURS, CallbackRequest, main
from local.demo import (
    DEMO_ENVIRONMENT,
    SCENARIOS,
    SMS_PARAMETERS,
    Scenario,
    schedule_scenarios,
    texts_as_expected,
    wait_for_outcome_events,
    wait_for_outcomes,
)
from local.stack import LocalStack
from reminders.model.reminder import Outcome, Reminder, ReminderStatus, Via, utc_now
from reminders.operations import cli
from reminders.store.repository import ReminderRepository
from tests.harness.dialer import start_attempt

pytestmark = pytest.mark.timeout(240)

OUTAGE = Scenario(
    "outage",
    "sipgate answers 503 for this number until the message is dead-lettered; a redrive then calls",
    {"reminder_id": "outage", "to_phone_number": "+4915790000009", "name": "Olga Ausfall", "language": "en-US"},
    says("Yes, I will be there."),
    "confirmed",
)
PLAYED = [SCENARIOS["confirm"], SCENARIOS["cancel"], SCENARIOS["no-answer"]]
OUTCOME_SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "schemas" / "reminder-outcome.schema.json").read_text(encoding="utf-8")
)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    parameters = {
        "CallWindow": "00:00-23:59",
        "CallsPerSecond": "5",
        "AnswerTimeoutSeconds": "5",
        "RetryDelayMinutes": "0.1",
    }
    with LocalStack(
        work_dir=Path(tmp_path_factory.mktemp("local-stack")),
        # As make demo DEMO_ARGS=--sms runs it: the no-answer reminder gets its SMS after the last attempt.
        parameter_overrides={**parameters, **SMS_PARAMETERS},
        environment_overrides=DEMO_ENVIRONMENT,
        schedule_rate_seconds=1,  # the reconciler's rate(5 minutes)
    ) as running:
        yield running


def _dead_letters(stack: LocalStack) -> list[dict[str, object]]:
    sqs = stack.client("sqs")
    url = stack.resources.reference("CallDeadLetterQueue")
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
    for message in messages:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return [json.loads(message["Body"]) for message in messages]


def test_the_demo_scenarios_and_an_outage_end_with_one_outcome_each(stack: LocalStack) -> None:
    stack.sipgate.script(Reply(503), to="4915790000009")
    scheduler = schedule_scenarios(stack, [*PLAYED, OUTAGE])

    records = wait_for_outcomes(scheduler, PLAYED, deadline_seconds=150)

    assert {record.reminder_id: record.status.value for record in records.values()} == {
        "demo-confirm": "confirmed",
        "demo-cancel": "cancelled",
        "demo-no-answer": "no_answer",
    }
    assert records["demo-confirm"].outcome_via == "speech"
    assert records["demo-cancel"].outcome_via == "key"
    assert records["demo-no-answer"].attempts == 2
    # Each decided reminder published exactly one outcome event on the stack's bus, as the schema says.
    published = wait_for_outcome_events(stack, list(records), timeout=20)
    assert published == dict.fromkeys(records, 1)
    for event in stack.outcome_events:
        jsonschema.validate(event["detail"], OUTCOME_SCHEMA)
    # The no-answer reminder got one SMS, which its event (waiting for it) reports; the others none.
    assert texts_as_expected(PLAYED, stack.sipgate.texts_per_recipient())
    assert {event["detail"]["reminder_id"]: event["detail"]["sms"] for event in stack.outcome_events} == {
        "demo-confirm": "none",
        "demo-cancel": "none",
        "demo-no-answer": "sent",
    }
    placed = [call.to_phone_number for call in stack.sipgate.received if call.status == 201]
    assert sorted(placed) == ["4915790000001", "4915790000002", "4915790000003", "4915790000003"]

    # The outage: every receive of the message tried sipgate and gave the attempt back; after the
    # redrive policy's receives the message waits in the dead-letter queue, the reminder still open.
    deadline = time.monotonic() + 90
    dead: list[dict[str, object]] = []
    while not dead and time.monotonic() < deadline:
        dead = _dead_letters(stack)
    assert [message["reminder_id"] for message in dead] == ["outage"]
    refused = [call for call in stack.sipgate.received if call.to_phone_number == "4915790000009"]
    assert refused
    assert {call.status for call in refused} == {503}
    assert scheduler.status("outage").status is ReminderStatus.SCHEDULED

    # sipgate is back; redriving the dead letter places the call, which is confirmed.
    stack.sipgate.script(to="4915790000009")
    stack.client("sqs").send_message(QueueUrl=stack.info.environment["CALL_QUEUE_URL"], MessageBody=json.dumps(dead[0]))
    outage = wait_for_outcomes(scheduler, [OUTAGE], deadline_seconds=60)["outage"]
    assert outage.status is ReminderStatus.CONFIRMED
    assert wait_for_outcome_events(stack, ["outage"], timeout=20) == {"outage": 1}
    assert [call.status for call in stack.sipgate.received if call.to_phone_number == "4915790000009"][-1] == 201


def test_the_demo_hands_the_practice_a_preferred_time_and_a_wrong_number(stack: LocalStack) -> None:
    reaching_the_practice = [SCENARIOS["preferred-time"], SCENARIOS["wrong-number"]]
    scheduler = schedule_scenarios(stack, reaching_the_practice)

    records = wait_for_outcomes(scheduler, reaching_the_practice, deadline_seconds=60)

    assert {record.reminder_id: record.status.value for record in records.values()} == {
        "demo-preferred": "reschedule_requested",
        "demo-wrong-number": "wrong_number",
    }
    assert wait_for_outcome_events(stack, list(records), timeout=20) == dict.fromkeys(records, 1)
    details = {event["detail"]["reminder_id"]: event["detail"] for event in stack.outcome_events}
    for reminder_id in records:
        jsonschema.validate(details[reminder_id], OUTCOME_SCHEMA)
    # "Could we make it Friday at 9 instead?": the time the callee named, never their words.
    assert {"weekday": "friday", "time": "09:00"}.items() <= details["demo-preferred"]["preferred_time"].items()
    assert "Friday" not in json.dumps(details["demo-preferred"])
    assert not details["demo-preferred"]["question_open"], "the question was the request itself"
    assert (details["demo-wrong-number"]["outcome"], details["demo-wrong-number"]["preferred_time"]) == (
        "wrong_number",
        None,
    )
    # Both heard a goodbye; the wrong number nothing more of the reminder than the greeting had said.
    stack.sipgate.wait_for_callees(timeout=10)
    (wrong,) = [call.transcript for call in stack.sipgate.received if call.to_phone_number == "4915790000008"]
    goodbye = [line for line in wrong if "assistant:" in line and "[" not in line][-1]
    assert "falsch hinterlegt" in goodbye
    assert "Peters" not in goodbye


def _rang(stack: LocalStack, digits: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(call.to_phone_number == digits and call.status == 201 for call in stack.sipgate.received):
            return True
        time.sleep(0.2)
    return False


def _reminder(reminder_id: str, number: str, **fields: object) -> dict[str, object]:
    return {
        "reminder_id": reminder_id,
        "to_phone_number": number,
        "appointment_at": (utc_now() + timedelta(days=2)).isoformat(),
        "time_zone": "Europe/Berlin",
        "name": "Bea Bus",
        **fields,
    }


def test_a_reminder_call_event_on_the_stacks_bus_is_dialled_and_one_on_the_default_bus_is_not(
    stack: LocalStack,
) -> None:
    events = stack.client("events")
    for bus, reminder_id, number in (
        ("default", "bus-default", "+4915790000021"),
        (stack.resources.reference("ReminderEventBus"), "bus-own", "+4915790000022"),
    ):
        detail = {"kind": "dial", "reminder": _reminder(reminder_id, number)}
        entry = {"Source": "aiflow.reminders", "DetailType": "Reminder call", "Detail": json.dumps(detail)}
        assert events.put_events(Entries=[{**entry, "EventBusName": bus}])["FailedEntryCount"] == 0

    assert _rang(stack, "4915790000022", timeout=30), "the stack's bus reaches the dialer"
    assert not _rang(stack, "4915790000021", timeout=2), "the default bus does not"


def test_the_reconcilers_schedule_runs_and_recovers_a_reminder_whose_message_was_lost(stack: LocalStack) -> None:
    table = stack.info.environment["TABLE_NAME"]
    forty_minutes_ago = utc_now() - timedelta(minutes=40)
    stored = ReminderRepository(
        table, client=stack.client("dynamodb"), clock=lambda: forty_minutes_ago, number_keys=stack.number_keys
    )
    # Stored, due 40 minutes ago, and its message never came: only the reconciler can get it called.
    assert stored.create(Reminder.model_validate(_reminder("lost", "+4915790000023")))

    assert _rang(stack, "4915790000023", timeout=60)
    assert stack.rate_schedules["ReconcilerFunction"].invocations >= 1
    history = [
        entry.event
        for entry in ReminderRepository(table, client=stack.client("dynamodb"), number_keys=stack.number_keys)
        .get("lost")
        .history
    ]
    assert history[:3] == ["scheduled", "reconciled", "dialling"]


def test_report_and_list_formats_read_the_stacks_table(stack: LocalStack, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in stack.info.environment.items():
        monkeypatch.setenv(name, value)
    table = stack.info.environment["TABLE_NAME"]
    called_at = utc_now() - timedelta(hours=1)
    repository = ReminderRepository(
        table, client=stack.client("dynamodb"), clock=lambda: called_at, number_keys=stack.number_keys
    )
    week = (utc_now() + timedelta(days=60)).replace(hour=0, minute=0, second=0, microsecond=0)
    for index, outcome in enumerate([Outcome.CONFIRMED, Outcome.CONFIRMED, Outcome.CANCELLED, Outcome.NO_ANSWER]):
        reminder_id = f"report-{index}"
        fields = {"appointment_at": (week + timedelta(days=1)).isoformat()}
        assert repository.create(Reminder.model_validate(_reminder(reminder_id, f"+491579000010{index}", **fields)))
        start_attempt(repository, reminder_id)
        if outcome is not Outcome.NO_ANSWER:
            assert repository.record_answer(reminder_id, 1, f"session-{index}")
        assert repository.record_outcome(
            reminder_id, outcome, via=Via.KEY if outcome is not Outcome.NO_ANSWER else None
        )

    report = _cli(
        "report",
        "--since",
        week.date().isoformat(),
        "--until",
        (week + timedelta(days=7)).isoformat(),
        "--format",
        "json",
    )
    figures = json.loads(report)
    assert figures["reminders"] == 4
    assert {row["outcome"]: row["count"] for row in figures["outcomes"]} == {
        "confirmed": 2,
        "cancelled": 1,
        "no_answer": 1,
    }
    assert figures["answer_rate"] == 0.75
    kept_since = datetime.fromisoformat(figures["covers_since"])
    assert abs(kept_since - (datetime.now(UTC) - timedelta(days=30))) < timedelta(minutes=5), "RetentionDays: 30"
    csv_report = _cli(
        "report", "--since", week.isoformat(), "--until", (week + timedelta(days=7)).isoformat(), "--format", "csv"
    )
    assert csv_report.splitlines()[:2] == ["figure,value", "reminders,4"]

    listed = {row["reminder_id"]: row for row in json.loads(_cli("list", "--status", "confirmed", "--format", "json"))}
    assert listed["report-0"]["outcome"] == "confirmed"
    assert listed["report-0"]["number"] != "4915790000100"  # masked
    rows = list(csv.DictReader(io.StringIO(_cli("list", "--format", "csv"))))
    assert {row["reminder_id"]: row["status"] for row in rows if row["reminder_id"].startswith("report-")} == {
        "report-0": "confirmed",
        "report-1": "confirmed",
        "report-2": "cancelled",
        "report-3": "no_answer",
    }


def _cli(*argv: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(list(argv), stdout=out, stderr=err) == 0, err.getvalue()
    return out.getvalue()


def test_the_example_practice_assistant_answers_on_its_route_with_its_tools(stack: LocalStack) -> None:
    bedrock = stack.example.bedrock
    assert bedrock is not None, "no model configured: the stack's own fake Bedrock"
    asked_before = len(bedrock.received)
    bedrock.script(
        tool_use("opening_hours", {"day": "friday"}),
        text("Freitags haben wir von 8 bis 13 Uhr geöffnet."),
        tool_use("request_callback", {"name": "Erika Mustermann", "reason": "Laborwerte"}),
    )
    simulator = CallSimulator(HttpTarget(stack.info.example_url), stack.info.webhook_token)

    call = simulator.start_call(from_phone_number="+4915790000687")
    call.assert_said(GREETINGS["de"])
    call.say("Wann haben Sie am Freitag offen?")
    call.assert_said("Freitags haben wir von 8 bis 13 Uhr geöffnet.")
    call.say("Erika Mustermann, rufen Sie mich bitte wegen der Laborwerte zurück")

    call.assert_said(GOODBYES["de"])
    call.assert_hung_up()
    asked = bedrock.received[asked_before:]
    assert len(asked) == 3, "the hours: the tool's call and the words; the callback: the tool's call"
    assert bedrock.pending() == 0
    hours = asked[1].messages[-1]["content"][0]["toolResult"]["content"]
    assert hours == [{"json": {"day": "friday", "hours": OPENING_HOURS["friday"]}}]
    assert stack.example.book.requests[-1] == CallbackRequest(
        call.session_id, "4915790000687", "Erika Mustermann", "Laborwerte", None
    )
    with pytest.raises(SimulatorError, match="HTTP 401"):
        CallSimulator(HttpTarget(stack.info.example_url), "a wrong token").start_call()


def test_the_examples_script_plays_its_call_on_the_route_and_the_stacks_fake_model_answers(
    stack: LocalStack, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["--url", stack.info.example_url, "--token", stack.info.webhook_token])

    printed = capsys.readouterr().out
    assert "assistant: Freitags haben wir von 8 bis 13 Uhr geöffnet." in printed
    assert printed.rstrip().endswith("assistant: [hung up]")
    assert stack.example.book.requests[-1].name == "Erika Mustermann"


PRIVACY = Scenario(
    "privacy",
    "a confirmed call, then the callee is forgotten: only the hashed do-not-call entry stays",
    {"reminder_id": "privacy", "to_phone_number": "+4915790000031", "name": "Paula Privat", "language": "de-DE"},
    says("Ja, ich komme."),
    "confirmed",
)


def test_after_a_call_no_key_holds_the_number_every_item_expires_and_forget_leaves_only_the_hashed_entry(
    stack: LocalStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    digits = "4915790000031"
    scheduler = schedule_scenarios(stack, [PRIVACY])
    record = wait_for_outcomes(scheduler, [PRIVACY], deadline_seconds=90)["privacy"]
    assert record.status is ReminderStatus.CONFIRMED
    table, dynamodb = stack.info.environment["TABLE_NAME"], stack.client("dynamodb")

    def items() -> list[dict[str, Any]]:
        return [item for page in dynamodb.get_paginator("scan").paginate(TableName=table) for item in page["Items"]]

    index_keys = ("pk", "status_shard", "callee", "call_at")
    keys = [json.dumps(item[name]) for item in items() for name in index_keys if name in item]
    assert not [key for key in keys if digits in key], "no key or index key holds a number"
    mine = [item for item in items() if digits in json.dumps(item)]
    kinds = {str(item["pk"]["S"]).split("#")[0] for item in mine}
    assert "REMINDER" in kinds  # the line went with the decision, the session with the call
    kept_until = int((record.appointment_at + timedelta(days=30)).timestamp())
    assert all(0 < int(item["expires_at"]["N"]) <= kept_until for item in mine), "every personal item expires"

    for name, value in stack.info.environment.items():
        monkeypatch.setenv(name, value)
    scheduler.do_not_call.add(digits, source="operator")
    out = io.StringIO()
    assert cli.main(["forget", "--to-phone-number", f"+{digits}"], stdout=out, stderr=io.StringIO()) == 0

    assert out.getvalue().startswith("forgot 1 reminder(s)")
    left = [item for item in items() if digits in json.dumps(item) or "privacy" in json.dumps(item)]
    assert left == [], "no trace of the number or its reminder"
    hashed = f"OPTOUT#{stack.number_keys(digits)}"
    assert [item["pk"]["S"] for item in items() if item["pk"]["S"] == hashed] == [hashed]
