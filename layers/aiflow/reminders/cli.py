"""``python -m reminders``: schedule, import, call, cancel and look up reminder calls.

It finds the table, the call queue, the Scheduler group and role from the stack's Outputs with
``--stack-name`` (and the calling window and lead time from its Parameters), or else from the environment
variables the dialer uses: ``TABLE_NAME``, ``CALL_QUEUE_URL``, ``CALL_QUEUE_ARN``, ``SCHEDULER_GROUP``,
``SCHEDULER_ROLE_ARN``, optional ``DEAD_LETTER_QUEUE_ARN``, ``CALL_WINDOW``, ``LEAD_TIME_HOURS``. AWS
credentials and region come from boto3's usual sources; ``AWS_ENDPOINT_URL`` points it at a local stack.

Exit status: 0 done, 1 refused (a bad row, a reminder that cannot be changed), 2 bad usage or configuration.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from botocore.exceptions import BotoCoreError, ClientError

from aiflow.phone import mask
from reminders.config import ConfigError, SchedulingConfig
from reminders.csv_import import CsvFormatError, ImportReport, import_rows, read_rows
from reminders.models import Language, ReminderRecord, ReminderStatus
from reminders.scheduling import InvalidReminder, ReminderScheduler, SchedulingError, parse_reminder

__all__ = ["ProgressBar", "load_config", "main"]

# Stack Outputs and Parameters that configure scheduling, by SchedulingConfig field.
STACK_OUTPUTS = {
    "table_name": "TableName",
    "call_queue_url": "CallQueueUrl",
    "call_queue_arn": "CallQueueArn",
    "scheduler_group": "SchedulerGroupName",
    "scheduler_role_arn": "SchedulerRoleArn",
    "dead_letter_queue_arn": "DeadLetterQueueArn",
}
STACK_PARAMETERS = {"call_window": "CallWindow", "lead_time_hours": "LeadTimeHours"}
REMINDER_FLAGS = {
    "reminder_id": "--reminder-id",
    "to_phone_number": "--to-phone-number",
    "appointment_at": "--appointment-at",
    "time_zone": "--time-zone",
    "name": "--name",
    "language": "--language",
    "location": "--location",
    "call_at": "--call-at",
    "max_attempts": "--max-attempts",
}

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


class ProgressBar:
    """``[#########...........]  45/100 rows`` redrawn in place on a terminal stream (written by hand)."""

    def __init__(self, stream: TextIO, total: int, *, width: int = 30, unit: str = "rows") -> None:
        self._stream = stream
        self._total = total
        self._width = width
        self._unit = unit

    def update(self, done: int) -> None:
        filled = self._width * done // self._total if self._total else self._width
        bar = "#" * filled + "." * (self._width - filled)
        self._stream.write(f"\r[{bar}] {done:>{len(str(self._total))}}/{self._total} {self._unit}")
        if done >= self._total:
            self._stream.write("\n")
        self._stream.flush()


def load_config(stack_name: str | None, environ: Mapping[str, str] | None = None) -> SchedulingConfig:
    """The configuration from the stack's Outputs and Parameters, or from the environment."""
    if stack_name is None:
        return SchedulingConfig.from_environ(environ)
    import boto3  # deferred: only --stack-name needs CloudFormation

    try:
        stacks = boto3.client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"]
    except ClientError as error:
        raise ConfigError(f"stack {stack_name}: {error.response['Error']['Message']}") from None
    stack = stacks[0]
    outputs = {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}
    parameters = {parameter["ParameterKey"]: parameter["ParameterValue"] for parameter in stack.get("Parameters", [])}
    missing = [key for name, key in STACK_OUTPUTS.items() if key not in outputs and name != "dead_letter_queue_arn"]
    if missing:
        raise ConfigError(f"stack {stack_name} has no output(s) {', '.join(missing)}: is it this application's?")
    values: dict[str, Any] = {name: outputs[key] for name, key in STACK_OUTPUTS.items() if key in outputs}
    values |= {name: parameters[key] for name, key in STACK_PARAMETERS.items() if key in parameters}
    return SchedulingConfig.from_environ({name.upper(): value for name, value in values.items()})


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m reminders", description=__doc__.split("\n\n")[0])
    parser.add_argument("--stack-name", help="read the resources from this CloudFormation stack's Outputs")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    schedule = commands.add_parser("schedule", help="schedule one reminder call")
    schedule.add_argument("--reminder-id", required=True, help="your key for it, e.g. the appointment's id")
    schedule.add_argument("--to-phone-number", required=True, help="the callee, with country code: +4915...")
    schedule.add_argument("--appointment-at", required=True, help="ISO 8601, e.g. 2025-03-01T10:30 (local time)")
    schedule.add_argument("--time-zone", required=True, help="the callee's IANA time zone, e.g. Europe/Berlin")
    schedule.add_argument("--name", required=True, help="the callee's name as the call says it")
    schedule.add_argument("--language", choices=[language.value for language in Language])
    schedule.add_argument("--location")
    schedule.add_argument("--call-at", help="when to call (default: the lead time before the appointment)")
    schedule.add_argument("--max-attempts", help="calls before giving up when nobody answers (default 3)")

    import_ = commands.add_parser("import", help="schedule every appointment of a CSV file (safe to run twice)")
    import_.add_argument("file", type=Path, help=f"CSV with a header row; columns: {', '.join(REMINDER_FLAGS)}")

    for name, text in (
        ("call-now", "call a scheduled reminder's next attempt now (within the calling window)"),
        ("cancel", "cancel a reminder and delete its schedule"),
        ("status", "show a reminder with its history"),
    ):
        commands.add_parser(name, help=text).add_argument("reminder_id")

    listing = commands.add_parser("list", help="list reminders with outcome and attempts")
    listing.add_argument("--status", choices=[status.value for status in ReminderStatus])
    return parser


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args = _parser().parse_args(argv)
    try:
        scheduler = ReminderScheduler.from_config(load_config(args.stack_name, os.environ))
        return _run(args, scheduler, out, err)
    except ConfigError as error:
        err.write(f"error: {error}\n")
        return EXIT_USAGE
    except SchedulingError as error:
        err.write(f"error: {_flags(error) if isinstance(error, InvalidReminder) else error}\n")
        return EXIT_REFUSED
    except (BotoCoreError, ClientError) as error:
        err.write(f"error: AWS: {error}\n")
        return EXIT_REFUSED


def _run(args: argparse.Namespace, scheduler: ReminderScheduler, out: TextIO, err: TextIO) -> int:
    command: str = args.command
    if command == "schedule":
        values = {name: getattr(args, name) for name in REMINDER_FLAGS if getattr(args, name) is not None}
        result = scheduler.schedule(parse_reminder(values))
        if result.new:
            out.write(
                f"scheduled {result.record.reminder_id}: calling {_local(result.record.call_at, result.record)}\n"
            )
        else:
            out.write(f"{result.record.reminder_id} was scheduled already: nothing changed\n")
        return EXIT_OK
    if command == "import":
        return _import(args.file, scheduler, out, err)
    if command == "call-now":
        record = scheduler.call_now(args.reminder_id)
        out.write(f"calling {record.reminder_id} now (attempt {record.attempts + 1} of {record.max_attempts})\n")
        return EXIT_OK
    if command == "cancel":
        record = scheduler.cancel(args.reminder_id)
        out.write(f"cancelled {record.reminder_id}\n")
        return EXIT_OK
    if command == "status":
        out.write(_describe(scheduler.status(args.reminder_id)))
        return EXIT_OK
    status = ReminderStatus(args.status) if args.status else None
    out.write(_table(scheduler.list(status)))
    return EXIT_OK


def _import(path: Path, scheduler: ReminderScheduler, out: TextIO, err: TextIO) -> int:
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:  # -sig: spreadsheets write a BOM
            rows = read_rows(stream)
    except OSError as error:
        err.write(f"error: {path}: {error.strerror}\n")
        return EXIT_USAGE
    except CsvFormatError as error:
        err.write(f"error: {path}: {error}\n")
        return EXIT_USAGE
    bar = ProgressBar(err, len(rows))
    report = import_rows(rows, scheduler, progress=bar.update)
    out.write(_summary(path, report))
    return EXIT_OK if not report.problems and report.stopped is None else EXIT_REFUSED


def _summary(path: Path, report: ImportReport) -> str:
    lines = [
        f"{path.name}: {report.rows} row(s) read: {len(report.scheduled)} scheduled, "
        f"{len(report.already_scheduled)} already scheduled, {report.rejected_rows} rejected."
    ]
    if not report.scheduled:
        lines.append("Nothing new was scheduled.")
    if report.problems:
        lines.append("Rejected:")
        lines.extend(f"  {problem}" for problem in report.problems)
    if report.stopped is not None:
        lines.append(f"Stopped at {report.stopped}. Run the import again to go on: done rows are skipped.")
    return "\n".join(lines) + "\n"


def _flags(error: InvalidReminder) -> str:
    """An invalid reminder's problems named by the flags the user typed."""
    return "; ".join(
        f"{REMINDER_FLAGS.get(problem.field, problem.field)}: {problem.reason}" for problem in error.problems
    )


def _local(moment: datetime | None, record: ReminderRecord) -> str:
    """A time as the callee's clock shows it."""
    return "-" if moment is None else f"{moment.astimezone(record.zone):%Y-%m-%d %H:%M %Z}"


def _describe(record: ReminderRecord) -> str:
    fields = [
        ("reminder", record.reminder_id),
        ("status", record.status.value),
        ("outcome", record.outcome.value if record.outcome else "-"),
        ("attempts", f"{record.attempts} of {record.max_attempts}"),
        ("name", record.name),
        ("number", mask(record.to_phone_number)),
        ("language", record.language.value),
        ("appointment", f"{_local(record.appointment_at, record)} ({record.time_zone})"),
        ("location", record.location or "-"),
        ("call at", _local(record.call_at, record)),
        ("last error", record.last_error or "-"),
    ]
    width = max(len(label) for label, _ in fields)
    lines = [f"{label:<{width}}  {value}" for label, value in fields]
    lines.append("history:")
    lines.extend(
        f"  {_local(entry.at, record)}  {entry.event}{f': {entry.detail}' if entry.detail else ''}"
        for entry in record.history
    )
    return "\n".join(lines) + "\n"


def _table(records: list[ReminderRecord]) -> str:
    if not records:
        return "no reminders\n"
    header = ("REMINDER", "STATUS", "OUTCOME", "ATTEMPTS", "CALL AT", "APPOINTMENT", "NUMBER")
    rows = [
        (
            record.reminder_id,
            record.status.value,
            record.outcome.value if record.outcome else "-",
            f"{record.attempts}/{record.max_attempts}",
            _local(record.call_at, record),
            _local(record.appointment_at, record),
            mask(record.to_phone_number),
        )
        for record in records
    ]
    widths = [max(len(row[column]) for row in (header, *rows)) for column in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in (header, *rows)
    ]
    lines.append(f"{len(records)} reminder(s)")
    return "\n".join(lines) + "\n"
