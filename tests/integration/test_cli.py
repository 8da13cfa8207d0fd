"""The ``reminders`` command line against the moto server: what each command writes, prints and refuses."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import boto3
import pytest
from rich.progress import Progress, TaskID

from reminders.model.reminder import Reminder, ReminderRecord, ReminderStatus
from reminders.operations import cli
from reminders.scheduling import SPREAD, ReminderScheduler, Scheduled
from tests.harness.aws import NUMBER_KEYS
from tests.harness.dialer import Resources, create_resources, queue_bodies, repository

BERLIN = ZoneInfo("Europe/Berlin")
NUMBER = "+4915790000687"


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


Run = Callable[..., Result]


@pytest.fixture
def resources(dynamodb_table: str, monkeypatch: pytest.MonkeyPatch) -> Resources:
    """The stack's resources, named by environment variables as the CLI reads them without --stack-name."""
    made = create_resources(dynamodb_table)
    for name, value in {
        "TABLE_NAME": made.table,
        "CALL_QUEUE_URL": made.queue_url,
        "CALL_QUEUE_ARN": made.queue_arn,
        "SCHEDULER_GROUP": made.group,
        "SCHEDULER_ROLE_ARN": made.role_arn,
        "DEAD_LETTER_QUEUE_ARN": made.dead_letter_arn,
        "NUMBER_KEY_PARAMETER": made.number_key_parameter,
        "CALL_WINDOW": "08:00-20:00",
        "LEAD_TIME_HOURS": "24",
    }.items():
        monkeypatch.setenv(name, value)
    return made


@pytest.fixture
def run(resources: Resources) -> Run:
    def invoke(*argv: str) -> Result:
        out, err = io.StringIO(), io.StringIO()
        code = cli.main(list(argv), stdout=out, stderr=err)
        return Result(code, out.getvalue(), err.getvalue())

    return invoke


def appointment(days: int = 3, hour: int = 10, minute: int = 30) -> datetime:
    """A local Berlin time some days ahead (naive, as users write it)."""
    day = datetime.now(BERLIN).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute)


def schedule_args(reminder_id: str = "appt-1", **flags: str) -> list[str]:
    values = {
        "--reminder-id": reminder_id,
        "--to-phone-number": NUMBER,
        "--appointment-at": appointment().isoformat(),
        "--time-zone": "Europe/Berlin",
        "--name": "Ada Lovelace",
        "--language": "en-US",
    }
    values.update({f"--{name.replace('_', '-')}": value for name, value in flags.items()})
    return ["schedule", *(part for pair in values.items() for part in pair)]


def schedules(resources: Resources) -> list[dict[str, Any]]:
    client = boto3.client("scheduler")
    summaries = client.list_schedules(GroupName=resources.group)["Schedules"]
    return [client.get_schedule(Name=summary["Name"], GroupName=resources.group) for summary in summaries]


def stored(resources: Resources, reminder_id: str) -> ReminderRecord:
    found = repository(resources).get(reminder_id)
    assert found is not None
    return found


def all_reminders(resources: Resources) -> list[ReminderRecord]:
    return list(repository(resources).list())


# schedule


def test_schedule_stores_the_reminder_and_a_schedule_a_lead_time_before(run: Run, resources: Resources) -> None:
    result = run(*schedule_args(location="Main Street 1"))

    assert (result.code, result.err) == (0, "")
    lead_time = (appointment() - timedelta(hours=24)).replace(tzinfo=BERLIN)
    record = stored(resources, "appt-1")
    call_at = record.call_at
    assert call_at is not None
    assert lead_time - SPREAD <= call_at <= lead_time, "spread over the hour before the lead time"
    assert result.out == f"scheduled appt-1: calling {call_at.astimezone(BERLIN):%Y-%m-%d %H:%M %Z}\n"
    assert (record.status, record.location) == (ReminderStatus.SCHEDULED, "Main Street 1")
    [schedule] = schedules(resources)
    assert schedule["Name"] == record.schedule_name
    assert schedule["ScheduleExpression"] == f"at({call_at.astimezone(BERLIN):%Y-%m-%dT%H:%M:%S})"
    assert schedule["ScheduleExpressionTimezone"] == "Europe/Berlin"
    assert schedule["ActionAfterCompletion"] == "DELETE"
    assert schedule["Target"]["Arn"] == resources.queue_arn
    message = json.loads(schedule["Target"]["Input"])
    assert (message["kind"], message["attempt"], message["reminder"]["reminder_id"]) == ("dial", 1, "appt-1")


def test_scheduling_the_same_reminder_again_changes_nothing(run: Run, resources: Resources) -> None:
    run(*schedule_args())
    history = stored(resources, "appt-1").history

    again = run(*schedule_args())

    assert (again.code, again.out) == (0, "appt-1 was scheduled already: nothing changed\n")
    assert len(schedules(resources)) == 1
    assert stored(resources, "appt-1").history == history


def test_scheduling_an_id_again_with_other_data_is_refused(run: Run, resources: Resources) -> None:
    run(*schedule_args())

    refused = run(*schedule_args(appointment_at=appointment(hour=15).isoformat()))

    assert refused.code == 1
    assert refused.err == "error: --appointment-at: reminder appt-1 is already scheduled with another appointment_at\n"
    assert stored(resources, "appt-1").appointment_at == appointment().replace(tzinfo=BERLIN)


def test_a_bad_reminder_names_each_flag_and_writes_nothing(run: Run, resources: Resources) -> None:
    result = run(*schedule_args(to_phone_number="0157 9000", time_zone="Mars/Olympus"))

    assert result.code == 1
    assert result.err.startswith("error: ")
    assert "--to-phone-number: '0157 **00' is a national number" in result.err
    assert "--time-zone: unknown IANA time zone 'Mars/Olympus'" in result.err
    assert all_reminders(resources) == []
    assert schedules(resources) == []


def test_an_appointment_without_calling_time_before_it_is_refused(run: Run, resources: Resources) -> None:
    early = appointment(days=1, hour=7, minute=0)

    result = run(*schedule_args(appointment_at=early.isoformat(), call_at=(early - timedelta(hours=2)).isoformat()))

    assert result.code == 1
    assert "--call-at: no calling time before the appointment: the calling window is 08:00-20:00" in result.err
    assert all_reminders(resources) == []


# import


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("\n".join(",".join(row) for row in rows) + "\n", encoding="utf-8")
    return path


def appointments_csv(path: Path) -> Path:
    later = appointment().isoformat()
    return write_csv(
        path,
        [
            ["reminder_id", "to_phone_number", "appointment_at", "time_zone", "name", "language", "location"],
            ["appt-1", "+4915790000001", later, "Europe/Berlin", "Ada Lovelace", "en-US", "Room 1"],
            ["appt-2", "not a number", later, "Europe/Berlin", "Grace Hopper", "", ""],
            ["appt-3", "+4915790000003", "next tuesday", "Europe/Berlin", "Alan Turing", "", ""],
            ["appt-4", "+4915790000004", later, "Europe/Berlin", "", "", ""],
            ["appt-1", "+4915790000005", later, "Europe/Berlin", "Someone Else", "", ""],
            ["appt-6", "+4915790000006", "2020-01-01T10:00", "Europe/Berlin", "Past Patient", "", ""],
            ["appt-7", "+4915790000007", later, "Europe/Berlin", "Katherine Johnson", "de-DE", ""],
        ],
    )


def test_import_schedules_the_good_rows_and_names_each_bad_row_field_and_reason(
    run: Run, resources: Resources, tmp_path: Path
) -> None:
    result = run("import", str(appointments_csv(tmp_path / "appointments.csv")))

    assert result.code == 1, "rejected rows make the exit status 1"
    lines = result.out.splitlines()
    assert lines[0] == "appointments.csv: 7 row(s) read: 2 scheduled, 0 already scheduled, 5 rejected."
    assert lines[1] == "Rejected:"
    rejected = lines[2:]
    assert rejected[0].startswith("  row 3, to_phone_number: ")
    assert rejected[1].startswith("  row 4, appointment_at: ")
    assert rejected[2].startswith("  row 5, name: ")
    assert rejected[3] == "  row 6, reminder_id: appt-1 is in row 2 already"
    assert rejected[4] == "  row 7, appointment_at: the appointment is in the past"
    assert len(rejected) == 5
    assert sorted(record.reminder_id for record in all_reminders(resources)) == ["appt-1", "appt-7"]
    assert len(schedules(resources)) == 2
    assert re.fullmatch(r"importing ━+ 7/7 rows \d+:\d\d:\d\d\n", result.err), "the progress bar ends full"


def test_the_import_bar_moves_as_each_row_is_done(
    run: Run, resources: Resources, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bar counts a row when it is finished: written (rows run at once on a pool) or rejected before any write."""
    shown: list[float] = []
    written_when_shown: list[int] = []
    written = [0]
    lock = threading.Lock()
    update = Progress.update
    schedule = ReminderScheduler.schedule

    def record_update(progress: Progress, task: TaskID, **fields: Any) -> None:
        update(progress, task, **fields)
        shown.append(progress.tasks[0].completed)
        with lock:
            written_when_shown.append(written[0])

    def record_schedule(scheduler: ReminderScheduler, reminder: Reminder) -> Scheduled:
        try:
            return schedule(scheduler, reminder)
        finally:  # written, or refused by the scheduler: done either way
            with lock:
                written[0] += 1

    monkeypatch.setattr(Progress, "update", record_update)
    monkeypatch.setattr(ReminderScheduler, "schedule", record_schedule)

    run("import", str(appointments_csv(tmp_path / "appointments.csv")))

    assert shown == [1, 2, 3, 4, 5, 6, 7]
    rejected_before_writing = 4  # rows 3-6 of the file never reach the scheduler, the other 3 do
    for count, writes in zip(shown, written_when_shown, strict=True):
        assert writes <= count <= writes + rejected_before_writing, "never a row counted before it is done"
    assert written == [3]


def test_a_second_import_of_the_same_file_schedules_nothing_new(run: Run, resources: Resources, tmp_path: Path) -> None:
    path = appointments_csv(tmp_path / "appointments.csv")
    run("import", str(path))
    before = {record.reminder_id: record for record in all_reminders(resources)}

    again = run("import", str(path))

    assert again.out.splitlines()[:2] == [
        "appointments.csv: 7 row(s) read: 0 scheduled, 2 already scheduled, 5 rejected.",
        "Nothing new was scheduled.",
    ]
    assert {record.reminder_id: record for record in all_reminders(resources)} == before
    assert len(schedules(resources)) == 2


def test_an_import_with_an_unknown_column_writes_nothing(run: Run, resources: Resources, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bad.csv",
        [
            ["reminder_id", "phone", "appointment_at", "time_zone", "name"],
            ["appt-1", NUMBER, appointment().isoformat(), "Europe/Berlin", "Ada"],
        ],
    )

    result = run("import", str(path))

    assert result.code == 2
    assert result.err.startswith("error: ")
    assert "row 1: unknown column(s) phone" in result.err
    assert all_reminders(resources) == []


def test_import_of_a_missing_file_says_so(run: Run, tmp_path: Path) -> None:
    result = run("import", str(tmp_path / "nowhere.csv"))

    assert result.code == 2
    assert result.err == f"error: {tmp_path / 'nowhere.csv'}: No such file or directory\n"


# call-now, cancel, status, list


def test_call_now_queues_the_next_attempt_and_drops_the_old_schedule(run: Run, resources: Resources) -> None:
    run(*schedule_args())

    result = run("call-now", "appt-1")

    assert (result.code, result.out) == (0, "calling appt-1 now (attempt 1 of 3)\n")
    assert queue_bodies(resources.queue_url) == [{"kind": "dial", "reminder_id": "appt-1", "attempt": 1}]
    assert schedules(resources) == []
    call_at = stored(resources, "appt-1").call_at
    assert call_at is not None
    assert abs((call_at - datetime.now(BERLIN)).total_seconds()) < 60


def test_cancel_marks_the_reminder_and_deletes_its_schedule(run: Run, resources: Resources) -> None:
    run(*schedule_args())

    result = run("cancel", "appt-1")

    assert (result.code, result.out) == (0, "cancelled appt-1\n")
    assert stored(resources, "appt-1").status == ReminderStatus.CANCELLED
    assert schedules(resources) == []
    twice = run("cancel", "appt-1")
    assert (twice.code, twice.err) == (1, "error: reminder appt-1 is cancelled already\n")
    assert run("call-now", "appt-1").err == "error: reminder appt-1 is cancelled: there is nothing to call\n"


def test_forget_erases_a_reminder_or_a_numbers_reminders_with_their_schedules_and_says_what_went(
    run: Run, resources: Resources
) -> None:
    run(*schedule_args("appt-1"))
    run(*schedule_args("appt-2"))
    assert len(schedules(resources)) == 2

    one = run("forget", "--reminder-id", "appt-1")
    rest = run("forget", "--to-phone-number", "0049 157 9000 0687")

    assert one.code == 0
    assert one.out.splitlines()[0] == "forgot 1 reminder(s), 1 item(s), 1 schedule(s) removed"
    assert "  item REMINDER#appt-1" in one.out.splitlines()
    assert rest.out.splitlines()[0] == "forgot 1 reminder(s), 1 item(s), 1 schedule(s) removed"
    assert "  reminder appt-2" in rest.out.splitlines()
    assert schedules(resources) == []
    assert run("status", "appt-2").code == 1
    assert "4915790000687" not in one.out + rest.out
    both = run("forget", "--reminder-id", "appt-1", "--to-phone-number", NUMBER)
    assert (both.code, both.err.splitlines()[-1]) == (2, "Error: give either --to-phone-number or --reminder-id")


def test_commands_on_an_unknown_reminder_say_it_does_not_exist(run: Run) -> None:
    for command in ("status", "cancel", "call-now"):
        result = run(command, "nobody")
        assert (result.code, result.err) == (1, "error: reminder nobody does not exist\n")


def test_status_shows_the_reminder_without_its_full_number(run: Run, resources: Resources) -> None:
    run(*schedule_args(location="Main Street 1"))

    result = run("status", "appt-1")

    assert result.code == 0
    fields = dict(line.split(None, 1) for line in result.out.splitlines()[:3])
    assert fields == {"reminder": "appt-1", "status": "scheduled", "outcome": "-"}
    assert "attempts     0 of 3" in result.out
    assert "number       49157******87" in result.out
    assert NUMBER.lstrip("+") not in result.out
    assert "location     Main Street 1" in result.out
    call_at = stored(resources, "appt-1").call_at
    assert call_at is not None
    assert result.out.splitlines()[-2:] == ["history:", result.out.splitlines()[-1]]
    assert result.out.splitlines()[-1].endswith(f"scheduled: call at {call_at.isoformat()}")


def test_list_shows_a_table_by_status(run: Run, resources: Resources) -> None:
    run(*schedule_args("appt-1"))
    run(*schedule_args("appt-2", to_phone_number="+4915790000002", appointment_at=appointment(days=4).isoformat()))
    run("cancel", "appt-2")

    everything = run("list")
    scheduled = run("list", "--status", "scheduled")

    header, rule, first, second, count = everything.out.splitlines()
    assert header.split() == ["REMINDER", "STATUS", "OUTCOME", "ATTEMPTS", "CALL", "AT", "APPOINTMENT", "NUMBER"]
    assert set(rule) == {"─"}, "a rule under the header"
    assert len(rule) == len(first), "as wide as the table"
    assert all(line == line.rstrip() for line in everything.out.splitlines()), "no blanks at line ends"
    assert first.split()[:4] == ["appt-1", "scheduled", "-", "0/3"]
    assert second.split()[:4] == ["appt-2", "cancelled", "-", "0/3"]
    assert first.index("scheduled") == second.index("cancelled") == header.index("STATUS"), "aligned columns"
    assert count == "2 reminder(s)"
    assert [line.split()[0] for line in scheduled.out.splitlines()[2:-1]] == ["appt-1"]
    assert run("list", "--status", "confirmed").out == "no reminders\n"


# Configuration


def test_the_resources_come_from_the_stack_outputs(
    run: Run, resources: Resources, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("TABLE_NAME", "CALL_QUEUE_URL", "CALL_QUEUE_ARN", "SCHEDULER_GROUP", "SCHEDULER_ROLE_ARN"):
        monkeypatch.delenv(name)
    stack = _stack(resources, call_window="09:00-17:00")

    result = run("--stack-name", stack, *schedule_args(appointment_at=appointment(hour=8).isoformat()))

    assert result.code == 0, result.err
    # The stack's window (09:00-17:00), not the environment's: 08:00 the day before moves to 09:00, and the
    # hour of calling time before that is the evening before's last, 16:00-17:00 (the environment's: 19:00-20:00).
    call_at = stored(resources, "appt-1").call_at
    assert call_at is not None
    evening = (appointment(hour=16, minute=0) - timedelta(days=2)).replace(tzinfo=BERLIN)
    assert evening <= call_at < evening + SPREAD


def test_the_minimum_notice_comes_from_the_stack_parameters(run: Run, resources: Resources) -> None:
    """With 180 minutes in the stack, a call 2 hours before the appointment is refused: the dialer would expire it."""
    stack = _stack(resources, min_notice_minutes=180)
    early = appointment(hour=12, minute=0)

    assert cli.load_config(stack).min_notice_minutes == 180
    two_hours_before = (early - timedelta(hours=2)).isoformat()
    result = run("--stack-name", stack, *schedule_args(appointment_at=early.isoformat(), call_at=two_hours_before))

    assert result.code == 1
    assert "--call-at: no calling time before the appointment" in result.err
    assert "less than 180 minutes before it" in result.err
    assert all_reminders(resources) == []


def test_a_stack_without_the_outputs_is_refused(run: Run, resources: Resources) -> None:
    stack = _stack(resources, outputs=False)

    result = run("--stack-name", stack, "list")

    assert result.code == 2
    assert "has no output(s) TableName, CallQueueUrl, CallQueueArn, SchedulerGroupName, SchedulerRoleArn" in result.err


def test_missing_configuration_names_the_variables(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TABLE_NAME")
    monkeypatch.delenv("SCHEDULER_GROUP")

    result = run("list")

    assert result.code == 2
    assert "TABLE_NAME: Field required" in result.err
    assert "SCHEDULER_GROUP: Field required" in result.err


def test_usage_errors_name_the_problem_with_exit_status_2(run: Run) -> None:
    for argv, problem in (
        (["list", "--status", "maybe"], "Invalid value for '--status': 'maybe' is not one of 'scheduled'"),
        (["remind", "appt-1"], "No such command 'remind'"),
        (["schedule", "--reminder-id", "appt-1"], "Missing option '--to-phone-number'"),
    ):
        result = run(*argv)
        assert (result.code, result.out) == (2, ""), argv
        assert f"Error: {problem}" in result.err


def test_python_dash_m_reminders_runs_the_cli(resources: Resources) -> None:
    layer = Path(__file__).resolve().parents[2] / "layers" / "aiflow"
    completed = subprocess.run(
        [sys.executable, "-m", "reminders", "list"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(layer)},
        timeout=60,
    )

    assert (completed.returncode, completed.stdout) == (0, "no reminders\n"), completed.stderr


def _stack(
    resources: Resources, *, call_window: str = "08:00-20:00", min_notice_minutes: int = 60, outputs: bool = True
) -> str:
    """A CloudFormation stack on moto with this application's Outputs and Parameters, naming ``resources``."""
    values = {
        "TableName": resources.table,
        "CallQueueUrl": resources.queue_url,
        "CallQueueArn": resources.queue_arn,
        "SchedulerGroupName": resources.group,
        "SchedulerRoleArn": resources.role_arn,
        "DeadLetterQueueArn": resources.dead_letter_arn,
    }
    parameters = {
        "CallWindow": call_window,
        "LeadTimeHours": "24",
        "MinNoticeMinutes": str(min_notice_minutes),
        "NumberKeyParameterName": resources.number_key_parameter,
    }
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": {name: {"Type": "String"} for name in parameters},
        "Resources": {"Placeholder": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {key: {"Value": value} for key, value in values.items()} if outputs else {},
    }
    name = f"reminders-{resources.group}"
    boto3.client("cloudformation").create_stack(
        StackName=name,
        TemplateBody=json.dumps(template),
        Parameters=[{"ParameterKey": key, "ParameterValue": value} for key, value in parameters.items()],
    )
    return name


# optout: the do-not-call list


def test_optout_add_list_remove_with_the_numbers_masked_and_listed_by_their_hashes(
    run: Run, resources: Resources
) -> None:
    added = run("optout", "add", "+49 157 9000 0687")
    again = run("optout", "add", "004915790000687")
    other = run("optout", "add", "+4930123456789")
    listed = run("optout", "list")

    assert (added.code, added.out) == (0, "49157******87 is on the do-not-call list\n")
    assert (again.code, again.out) == (0, "49157******87 was on the do-not-call list already: nothing changed\n")
    assert other.code == 0
    assert listed.code == 0
    header, rule, first, second, count = listed.out.splitlines()
    assert header.split() == ["NUMBER", "HASH", "ADDED", "(UTC)", "BY", "REMINDER"]
    assert set(rule) == {"─"}
    assert first.split()[0] == NUMBER_KEYS("4915790000687")[:16]
    assert "an operator" in first
    assert second.split()[0] == NUMBER_KEYS("4930123456789")[:16]
    assert count == "2 number(s)"
    everything = added.out + again.out + other.out + listed.out
    assert "4915790000687" not in everything
    assert "4930123456789" not in everything

    removed = run("optout", "remove", "+4915790000687")
    assert (removed.code, removed.out) == (0, "49157******87 is off the do-not-call list\n")
    assert [line.split()[0] for line in run("optout", "list").out.splitlines()[2:-1]] == [
        NUMBER_KEYS("4930123456789")[:16]
    ]


def test_a_listed_number_cannot_be_scheduled_until_it_is_removed(run: Run, resources: Resources) -> None:
    assert run("optout", "add", NUMBER).code == 0

    refused = run(*schedule_args())
    assert refused.code == 1
    assert "do-not-call list" in refused.err
    assert NUMBER.lstrip("+") not in refused.err
    assert all_reminders(resources) == []

    assert run("optout", "remove", NUMBER).code == 0
    assert run(*schedule_args()).code == 0


def test_optout_refusals_and_bad_numbers(run: Run) -> None:
    missing = run("optout", "remove", NUMBER)
    assert (missing.code, missing.err) == (1, "error: 49157******87 is not on the do-not-call list\n")
    assert run("optout", "list").out == "the do-not-call list is empty\n"

    bad = run("optout", "add", "0157 9000 0687")
    assert bad.code == 2
    assert "national number" in bad.err
    assert "015790000687" not in bad.err.replace(" ", "")
    assert run("optout", "add").code == 2
    assert run("optout", "list").out == "the do-not-call list is empty\n"


def test_schedule_takes_the_caller_name(run: Run, resources: Resources) -> None:
    result = run(*schedule_args(caller_name="Praxis Dr. Weber"))
    assert result.code == 0, result.err
    assert stored(resources, "appt-1").caller_name == "Praxis Dr. Weber"
    too_long = run(*schedule_args("appt-2", caller_name="x" * 101))
    assert too_long.code == 1
    assert "--caller-name" in too_long.err


def many_appointments(path: Path, rows: int) -> Path:
    """``rows`` appointments, each on its own number, days ahead: every one gets a Scheduler schedule."""
    lines = ["reminder_id,to_phone_number,appointment_at,time_zone,name"]
    lines += [
        f"bulk-{index},+49157955{index:05d},{appointment(days=3 + index % 5).isoformat()},Europe/Berlin,P {index}"
        for index in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_import_makes_at_most_two_aws_calls_per_reminder_also_the_second_time(
    run: Run, resources: Resources, tmp_path: Path
) -> None:
    calls: list[str] = []
    boto3.DEFAULT_SESSION = None  # a session of our own, whose clients the CLI makes from now on
    boto3.setup_default_session()
    boto3._get_default_session().events.register(
        "before-call", lambda event_name, **_: calls.append(event_name.split(".", 1)[1])
    )
    path = many_appointments(tmp_path / "many.csv", 40)

    first = run("import", str(path))
    first_calls, calls[:] = list(calls), []
    second = run("import", str(path))
    second_calls = list(calls)

    assert first.code == 0, first.out
    assert "40 scheduled" in first.out
    assert "40 already scheduled" in second.out
    assert len(schedules(resources)) == 40
    # Per reminder at most two; per run one read of the numbers' hash key, whatever the threads.
    for made in (first_calls, second_calls):
        assert made.count("ssm.GetParameter") == 1
        assert len(made) - 1 <= 2 * 40, sorted(set(made))


def test_a_delivery_that_failed_is_made_by_running_the_import_again(
    run: Run, resources: Resources, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = many_appointments(tmp_path / "many.csv", 12)
    monkeypatch.setenv("SCHEDULER_GROUP", "no-such-group")  # Scheduler refuses every schedule

    failed = run("import", str(path))

    assert failed.code != 0
    assert "Stopped at row" in failed.out
    assert schedules(resources) == []
    monkeypatch.setenv("SCHEDULER_GROUP", resources.group)
    again = run("import", str(path))
    assert again.code == 0, again.out
    assert sorted(schedule["Name"] for schedule in schedules(resources)) == sorted(
        record.schedule_name or "" for record in all_reminders(resources)
    )
    assert len(schedules(resources)) == 12, "every stored reminder is delivered, none twice"
