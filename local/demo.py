"""``make demo``: reminder calls played end to end on this machine, with no AWS account and no Docker.

Starts the local stack (``local.stack``), schedules reminders a few seconds ahead through the same API
as ``python -m reminders schedule``, lets the dialer place the calls through the fake sipgate, whose
callees answer the webhook over HTTP, prints every call as it happens and the reminders' final table,
and stops everything. The exit status is 0 when every reminder ended with its expected outcome.

``--scenario`` picks scenarios (default: confirm, cancel, reschedule, voicemail, no-answer, and what
reaches the practice: a request for another time with the time the callee named, whose outcome event
carries it as ``preferred_time``, and a wrong number); ``--dynamodb moto`` uses moto's DynamoDB instead of
DynamoDB Local; ``--sms`` turns on the SMS after the last attempt for ``no_answer`` (``make demo
DEMO_ARGS=--sms``): the no-answer reminder then gets one text, which the fake sipgate takes and the demo
prints, and its outcome event says ``sms: sent``.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiflow.testing.callees import NO_ANSWER, CalleeScript, mailbox, presses, says, stays_silent
from local.stack import LocalStack
from reminders.aws.clients import scheduling_backends
from reminders.messages import parse_reminder
from reminders.model.reminder import ReminderRecord, utc_now
from reminders.scheduling import ReminderScheduler
from reminders.settings import SchedulingConfig

# Short waits so that the whole demo, retries included, plays out in about a minute.
DEMO_PARAMETERS = {
    "CallWindow": "00:00-23:59",  # any hour of the day is calling time in the demo
    "CallsPerSecond": "5",
    "AnswerTimeoutSeconds": "8",
    "RetryDelayMinutes": "0.1",
}
DEMO_ENVIRONMENT = {"DialerFunction": {"DIAL_BUDGET_SECONDS": "15"}}
# --sms: the SMS after the last attempt, from the fake sipgate's Web SMS extension.
SMS_PARAMETERS = {"SmsAfterLastAttempt": "no_answer", "SmsId": "s0", "SmsCallbackNumber": "+4921155660000"}
DEADLINE_SECONDS = 150


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    reminder: dict[str, object]
    callee: CalleeScript | None
    expected_status: str
    # Fields the reminder's outcome event must have set (not null, not false).
    expected_in_event: tuple[str, ...] = ()


SCENARIOS = {
    scenario.name: scenario
    for scenario in (
        Scenario(
            "confirm",
            "Erika confirms by voice (German)",
            {
                "reminder_id": "demo-confirm",
                "to_phone_number": "+4915790000001",
                "name": "Erika Mustermann",
                "language": "de-DE",
                "location": "Praxis Dr. Weber, Königsallee 12",
            },
            says("Ja, ich komme."),
            "confirmed",
        ),
        Scenario(
            "cancel",
            "John cancels with key 2 (English)",
            {
                "reminder_id": "demo-cancel",
                "to_phone_number": "+4915790000002",
                "name": "John Smith",
                "language": "en-US",
            },
            presses("2"),
            "cancelled",
        ),
        Scenario(
            "reschedule",
            "Paula wants another day (German): the practice will get in touch",
            {
                "reminder_id": "demo-reschedule",
                "to_phone_number": "+4915790000005",
                "name": "Paula Becker",
                "language": "de-DE",
            },
            says("Geht es auch an einem anderen Tag?"),
            "reschedule_requested",
        ),
        Scenario(
            "preferred-time",
            "Lukas asks for Friday at nine (English): the outcome event carries the time he named",
            {
                "reminder_id": "demo-preferred",
                "to_phone_number": "+4915790000007",
                "name": "Lukas Braun",
                "language": "en-US",
            },
            says("Could we make it Friday at 9 instead?"),
            "reschedule_requested",
            expected_in_event=("preferred_time",),
        ),
        Scenario(
            "wrong-number",
            "Karl Peters's number reaches someone else (German): wrong number, for the practice to correct",
            {
                "reminder_id": "demo-wrong-number",
                "to_phone_number": "+4915790000008",
                "name": "Karl Peters",
                "language": "de-DE",
            },
            says("Hier wohnt kein Herr Peters."),
            "wrong_number",
        ),
        Scenario(
            "voicemail",
            "Tom's mailbox answers: the short message is left (one attempt)",
            {
                "reminder_id": "demo-voicemail",
                "to_phone_number": "+4915790000006",
                "name": "Tom Wagner",
                "language": "de-DE",
                "max_attempts": 1,  # RetryAfterVoicemail would call again while attempts remain
            },
            mailbox("Hallo, hier ist die Mailbox von Tom Wagner. Bitte hinterlassen Sie eine Nachricht nach dem Ton."),
            "voicemail",
        ),
        Scenario(
            "no-answer",
            "Max never picks up: called twice, then no answer",
            {
                "reminder_id": "demo-no-answer",
                "to_phone_number": "+4915790000003",
                "name": "Max Muster",
                "language": "de-DE",
                "max_attempts": 2,
            },
            NO_ANSWER,
            "no_answer",
        ),
        Scenario(
            "silent",
            "Lena answers but never says a word",
            {
                "reminder_id": "demo-silent",
                "to_phone_number": "+4915790000004",
                "name": "Lena Schmidt",
                "language": "de-DE",
            },
            stays_silent,
            "no_decision",
        ),
    )
}
DEFAULT_SCENARIOS = ("confirm", "cancel", "reschedule", "voicemail", "no-answer", "preferred-time", "wrong-number")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", action="append", choices=sorted(SCENARIOS), help="repeat for several")
    parser.add_argument("--dynamodb", choices=("auto", "local", "moto"), default="auto")
    parser.add_argument("--work-dir", type=Path, default=Path(".local-stack"), help="logs of the functions")
    parser.add_argument("--sms", action="store_true", help="an SMS after the last attempt of a no_answer reminder")
    args = parser.parse_args(argv)
    chosen = [SCENARIOS[name] for name in (args.scenario or DEFAULT_SCENARIOS)]
    by_number = {str(scenario.reminder["to_phone_number"]).lstrip("+"): scenario for scenario in chosen}
    printing = threading.Lock()

    def show(number: str, line: str) -> None:
        scenario = by_number.get(number)
        with printing:
            print(f"  [{scenario.name if scenario else number:>9}] {line}", flush=True)

    def show_event(detail: dict[str, object]) -> None:
        sms = f", sms {detail['sms']}" if detail.get("sms", "none") != "none" else ""
        with printing:
            print(f"  [bus event] {describe_event(detail)}{sms}", flush=True)

    started = time.monotonic()
    print("Starting the local stack ...", flush=True)
    with LocalStack(
        work_dir=args.work_dir,
        dynamodb=args.dynamodb,
        parameter_overrides={**DEMO_PARAMETERS, **(SMS_PARAMETERS if args.sms else {})},
        environment_overrides=DEMO_ENVIRONMENT,
        on_call_line=show,
        on_outcome_event=lambda event: show_event(event["detail"]),
    ) as stack:
        print(f"  DynamoDB: {stack.info.dynamodb}; webhook: {stack.info.webhook_url}")
        print(f"  function logs: {args.work_dir}/  (ready in {time.monotonic() - started:.1f} s)\n", flush=True)
        scheduler = schedule_scenarios(stack, chosen)
        for scenario in chosen:
            print(f"scheduled {_id(scenario)}: {scenario.title}", flush=True)
        print()
        records = wait_for_outcomes(scheduler, chosen, DEADLINE_SECONDS)
        published = wait_for_outcome_events(stack, [_id(scenario) for scenario in chosen], timeout=15)
        stack.sipgate.wait_for_callees(timeout=10)
        events = {event["detail"]["reminder_id"]: event["detail"] for event in stack.outcome_events}
        texts = stack.sipgate.texts_per_recipient()
        if args.sms:
            print_texts(stack, by_number)

    ok = print_results(chosen, records, published, events)
    if args.sms:
        ok &= texts_as_expected(chosen, texts)
    print(f"\n{'All' if ok else 'Not all'} reminders ended as expected ({time.monotonic() - started:.0f} s).")
    return 0 if ok else 1


def describe_event(detail: Mapping[str, Any]) -> str:
    """One outcome event as the demo prints it: its id, how it was decided and what the practice acts on."""
    parts = [f"Reminder outcome {detail['event_id']}"]
    if detail.get("via"):
        parts.append(f"via {detail['via']}")
    if detail.get("preferred_time"):
        asked = ", ".join(f"{name} {value}" for name, value in detail["preferred_time"].items())
        parts.append(f"preferred_time: {asked}")
    parts += [flag for flag in ("question_open", "third_party") if detail.get(flag)]
    return "; ".join(parts)


def print_results(
    scenarios: Sequence[Scenario],
    records: dict[str, ReminderRecord],
    published: dict[str, int],
    events: Mapping[str, Mapping[str, Any]],
) -> bool:
    """The reminders' final table; whether each ended as expected and published exactly one outcome event,
    with the fields its scenario expects set."""
    print("\nreminder          name              status                outcome               via     attempts")
    ok = True
    for scenario in scenarios:
        record = records[_id(scenario)]
        expected = record.status.value == scenario.expected_status
        ok &= expected
        print(
            f"{record.reminder_id:<17} {record.name:<17} {record.status.value:<21} "
            f"{(record.outcome.value if record.outcome else '-'):<21} "
            f"{(record.outcome_via.value if record.outcome_via else '-'):<7} {record.attempts}"
            f"{'' if expected else f'   <- expected {scenario.expected_status}'}"
        )
    missing = [reminder_id for reminder_id, count in published.items() if count != 1]
    if missing:
        print(f"\nNot exactly one outcome event on the bus for: {', '.join(missing)}")
    unset = [
        f"{_id(scenario)}: {field}"
        for scenario in scenarios
        for field in scenario.expected_in_event
        if not events.get(_id(scenario), {}).get(field)
    ]
    if unset:
        print(f"\nOutcome events without what they should carry: {', '.join(unset)}")
    return ok and not missing and not unset


def print_texts(stack: LocalStack, by_number: dict[str, Scenario]) -> None:
    """The SMS the fake sipgate took, each with the scenario it went to."""
    print("\nSMS after the last attempt (taken by the fake sipgate):")
    for text in stack.sipgate.texts():
        scenario = by_number.get(text.recipient)
        print(f"  [{scenario.name if scenario else text.recipient:>9}] {text.message}")


def texts_as_expected(scenarios: Sequence[Scenario], texts: dict[str, int]) -> bool:
    """With ``--sms``: exactly one text to each reminder that ended ``no_answer``, none to the others."""
    expected = {
        str(scenario.reminder["to_phone_number"]).lstrip("+"): 1
        for scenario in scenarios
        if scenario.expected_status == "no_answer"
    }
    if texts != expected:
        print(f"\nSMS per recipient {texts}, expected {expected}")
    return texts == expected


def schedule_scenarios(stack: LocalStack, scenarios: Sequence[Scenario]) -> ReminderScheduler:
    """Script each scenario's callee at the fake sipgate and schedule its reminder a few seconds ahead.

    Scheduling goes through ``reminders.scheduling``, as ``python -m reminders schedule`` does, with the
    stack's environment, so it reaches the local table and queue exactly as the CLI would.
    """
    for scenario in scenarios:
        stack.sipgate.callee(str(scenario.reminder["to_phone_number"]), scenario.callee)
    os.environ.update(stack.info.environment)
    config = SchedulingConfig.from_environ()
    scheduler = ReminderScheduler.from_settings(config, *scheduling_backends(config))
    appointment = (utc_now() + timedelta(days=1)).replace(hour=9, minute=30, second=0, microsecond=0)
    for scenario in scenarios:
        reminder = parse_reminder(
            {
                **scenario.reminder,
                "appointment_at": appointment.isoformat(),
                "time_zone": "Europe/Berlin",
                "call_at": (utc_now() + timedelta(seconds=3)).isoformat(),
            }
        )
        scheduler.schedule(reminder)
    return scheduler


def wait_for_outcomes(
    scheduler: ReminderScheduler, scenarios: Sequence[Scenario], deadline_seconds: float
) -> dict[str, ReminderRecord]:
    """The scenarios' reminders once all are decided, or as they are when the deadline passes."""
    deadline = time.monotonic() + deadline_seconds
    while True:
        records = {record.reminder_id: record for record in (scheduler.status(_id(s)) for s in scenarios)}
        if all(record.is_decided for record in records.values()) or time.monotonic() > deadline:
            return records
        time.sleep(0.5)


def wait_for_outcome_events(stack: LocalStack, reminder_ids: Sequence[str], timeout: float) -> dict[str, int]:
    """How many outcome events each reminder published, once each has one or ``timeout`` seconds passed."""
    deadline = time.monotonic() + timeout
    while True:
        details = [event["detail"] for event in stack.outcome_events]
        counts = {reminder_id: sum(d["reminder_id"] == reminder_id for d in details) for reminder_id in reminder_ids}
        if all(counts.values()) or time.monotonic() > deadline:
            return counts
        time.sleep(0.2)


def _id(scenario: Scenario) -> str:
    return str(scenario.reminder["reminder_id"])


if __name__ == "__main__":
    sys.exit(main())
