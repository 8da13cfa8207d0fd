"""``reminders``: schedule, import, call, cancel, look up and forget reminder calls.

It finds the table, the call queue, the Scheduler group and role from the stack's Outputs with
``--stack-name`` (and the calling window, lead time and minimum notice from its Parameters), or else from
the environment variables the dialer uses: ``TABLE_NAME``, ``CALL_QUEUE_URL``, ``CALL_QUEUE_ARN``,
``SCHEDULER_GROUP``, ``SCHEDULER_ROLE_ARN``, optional ``DEAD_LETTER_QUEUE_ARN``, ``CALL_WINDOW``,
``LEAD_TIME_HOURS``, ``MIN_NOTICE_MINUTES`` (``reminders.settings.SchedulingConfig`` says where each is). AWS
credentials and region come from boto3's usual sources; ``AWS_ENDPOINT_URL`` points it at a local stack.

``forget`` erases a reminder or every reminder of a number (items and schedules, :mod:`reminders.aws.erasure`)
and prints what it removed; ``migrate`` brings a table written before numbers were hashed and the status
index sharded up to date (:mod:`reminders.store.migration`).

Exit status: 0 done, 1 refused (a bad row, a reminder that cannot be changed), 2 bad usage or configuration.

Built on click (commands, options, usage errors) and rich (tables, the import's progress bar). A new
command joins the group :func:`cli` and reaches the scheduler through :meth:`Terminal.scheduler`; it
raises :class:`~reminders.scheduling.SchedulingError` (or a subclass) to refuse, which :func:`main` prints
as one line with exit status 1. Not shipped in the Lambda layer: installed with the ``aiflow-reminders``
distribution as the console script ``reminders`` (``python -m reminders`` runs the same).
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

import click
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel
from rich import box
from rich.console import Console, RenderableType
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from aiflow.phone import InvalidPhoneNumber, mask, normalize
from reminders.aws.clients import scheduling_backends
from reminders.aws.delivery import CallDelivery
from reminders.aws.erasure import Eraser
from reminders.messages.call_queue import InvalidReminder, SchedulingError, parse_reminder
from reminders.model.reminder import Language, ReminderRecord, ReminderStatus
from reminders.model.retention import Retention
from reminders.operations.csv_import import CsvFormatError, ImportReport, import_rows, read_rows
from reminders.operations.report import OutcomeReport, summarize
from reminders.scheduling.scheduler import ReminderScheduler
from reminders.settings import ConfigError, SchedulingConfig
from reminders.store.do_not_call import DoNotCallEntry
from reminders.store.repository import ReminderRepository

__all__ = [
    "EXIT_OK",
    "EXIT_REFUSED",
    "EXIT_USAGE",
    "Terminal",
    "UnusableInput",
    "cli",
    "load_config",
    "main",
    "row_progress",
    "run",
]

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
    "caller_name": "--caller-name",
}

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
# Piped output is for scripts and grep: one line per row however wide, never wrapped at 80 columns.
_PIPE_WIDTH = 1_000


class _Moment(click.ParamType[datetime, str | datetime]):
    """An ISO 8601 date or date-time; one without an offset is UTC."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 date such as 2026-12-01 or 2026-12-01T08:00", param, ctx)
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


_MOMENT = _Moment()


def load_config(stack_name: str | None, environ: Mapping[str, str] | None = None) -> SchedulingConfig:
    """The configuration from the stack's Outputs and Parameters, or from the environment."""
    if stack_name is None:
        return SchedulingConfig.from_environ(environ)
    import boto3  # deferred: only --stack-name needs CloudFormation

    try:
        stack = boto3.client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"][0]
    except ClientError as error:
        raise ConfigError(f"stack {stack_name}: {error.response['Error']['Message']}") from None
    return SchedulingConfig.from_stack(stack)


class UnusableInput(Exception):
    """An input a command cannot use at all (a file that cannot be read): exit status 2, like bad usage."""


def _console(stream: TextIO) -> Console:
    # markup off: reminder ids, names and CSV cells are printed as they are, brackets included.
    width = None if stream.isatty() else _PIPE_WIDTH
    return Console(file=stream, width=width, markup=False, highlight=False, emoji=False, soft_wrap=True)


@dataclass
class Terminal:
    """What every command gets: the two consoles, and the scheduler and its backends, built on first use from
    ``--stack-name``."""

    out: Console
    err: Console
    stack_name: str | None = None
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    _config: SchedulingConfig | None = None
    _backends: tuple[ReminderRepository, CallDelivery] | None = None
    _scheduler: ReminderScheduler | None = None

    def config(self) -> SchedulingConfig:
        if self._config is None:
            self._config = load_config(self.stack_name, self.environ)
        return self._config

    def backends(self) -> tuple[ReminderRepository, CallDelivery]:
        """The table and the call delivery the configuration names."""
        if self._backends is None:
            self._backends = scheduling_backends(self.config())
        return self._backends

    def scheduler(self) -> ReminderScheduler:
        if self._scheduler is None:
            self._scheduler = ReminderScheduler.from_settings(self.config(), *self.backends())
        return self._scheduler

    def show(self, renderable: RenderableType) -> None:
        """Print a table or text on stdout without the blanks rich pads its cells with at the line ends."""
        with self.out.capture() as captured:
            self.out.print(renderable)
        self.out.file.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))


pass_terminal = click.make_pass_decorator(Terminal)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--stack-name", help="Read the resources from this CloudFormation stack's Outputs.")
@pass_terminal
def cli(terminal: Terminal, stack_name: str | None) -> None:
    """Schedule, import, call, cancel and look up appointment reminder calls."""
    terminal.stack_name = stack_name


@cli.command()
@click.option("--reminder-id", required=True, help="Your key for it, e.g. the appointment's id.")
@click.option("--to-phone-number", required=True, help="The callee, with country code: +4915...")
@click.option("--appointment-at", required=True, help="ISO 8601, e.g. 2025-03-01T10:30 (local time).")
@click.option("--time-zone", required=True, help="The callee's IANA time zone, e.g. Europe/Berlin.")
@click.option("--name", required=True, help="The callee's name as the call says it.")
@click.option("--language", type=click.Choice([language.value for language in Language]))
@click.option("--location")
@click.option("--call-at", help="When to call (default: the lead time before the appointment).")
@click.option("--max-attempts", help="Calls before giving up when nobody answers (default 3).")
@click.option("--caller-name", help="Who calls, as the greeting says it (default: the stack's CallerName).")
@pass_terminal
def schedule(terminal: Terminal, /, **flags: str | None) -> int:
    """Schedule one reminder call."""
    values = {name: value for name, value in flags.items() if value is not None}
    result = terminal.scheduler().schedule(parse_reminder(values))
    record = result.record
    if result.new:
        terminal.out.print(f"scheduled {record.reminder_id}: calling {_local(record.call_at, record)}")
    else:
        terminal.out.print(f"{record.reminder_id} was scheduled already: nothing changed")
    return EXIT_OK


@cli.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@pass_terminal
def import_(terminal: Terminal, file: Path) -> int:
    """Schedule every appointment of a CSV file (safe to run twice).

    The header row names the columns: reminder_id, to_phone_number, appointment_at, time_zone, name,
    and optionally language, location, call_at, max_attempts, caller_name.
    """
    try:
        with file.open(encoding="utf-8-sig", newline="") as stream:  # -sig: spreadsheets write a BOM
            rows = read_rows(stream)
    except OSError as error:
        raise UnusableInput(f"{file}: {error.strerror}") from None
    except CsvFormatError as error:
        raise UnusableInput(f"{file}: {error}") from None
    scheduler = terminal.scheduler()
    with row_progress(terminal.err, len(rows)) as advance:
        report = import_rows(rows, scheduler, progress=advance)
    terminal.out.print(_summary(file, report))
    return EXIT_OK if not report.problems and report.stopped is None else EXIT_REFUSED


@cli.command("call-now")
@click.argument("reminder_id")
@pass_terminal
def call_now(terminal: Terminal, reminder_id: str) -> int:
    """Call a scheduled reminder's next attempt now (within the calling window)."""
    record = terminal.scheduler().call_now(reminder_id)
    terminal.out.print(f"calling {record.reminder_id} now (attempt {record.attempts + 1} of {record.max_attempts})")
    return EXIT_OK


@cli.command()
@click.argument("reminder_id")
@pass_terminal
def cancel(terminal: Terminal, reminder_id: str) -> int:
    """Cancel a reminder and delete its schedule."""
    record = terminal.scheduler().cancel(reminder_id)
    terminal.out.print(f"cancelled {record.reminder_id}")
    return EXIT_OK


@cli.command()
@click.argument("reminder_id")
@pass_terminal
def status(terminal: Terminal, reminder_id: str) -> int:
    """Show a reminder with its history."""
    record = terminal.scheduler().status(reminder_id)
    terminal.show(_details(record))
    terminal.out.print("history:")
    terminal.show(_history(record))
    return EXIT_OK


@cli.command("list")
@click.option("--status", "status_", type=click.Choice([status.value for status in ReminderStatus]))
@click.option("--format", "format_", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@pass_terminal
def list_(terminal: Terminal, status_: str | None, format_: str) -> int:
    """List reminders with outcome and attempts (numbers masked in every format)."""
    records = terminal.scheduler().list(ReminderStatus(status_) if status_ else None)
    if format_ != "table":
        _write(
            terminal, format_, [ListedReminder.of(record).model_dump(mode="json") for record in records], ListedReminder
        )
    elif not records:
        terminal.out.print("no reminders")
    else:
        terminal.show(_table(records))
        terminal.out.print(f"{len(records)} reminder(s)")
    return EXIT_OK


@cli.command()
@click.option("--since", type=_MOMENT, help="Appointments from this date or time on (ISO 8601; UTC unless it says).")
@click.option("--until", type=_MOMENT, help="Appointments before this date or time.")
@click.option("--format", "format_", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@pass_terminal
def report(terminal: Terminal, since: datetime | None, until: datetime | None, format_: str) -> int:
    """How the calls went: outcomes with their shares, answer rate, attempts, time to decision.

    Reminders are deleted RetentionDays after their appointment: the report covers what is kept, and says so.
    """
    covers_since = Retention(terminal.config().retention_days).kept_since(datetime.now(UTC))
    figures = summarize(terminal.scheduler().list(), since=since, until=until, covers_since=covers_since)
    if since is None or since < covers_since:
        terminal.err.print(
            f"the report covers appointments since {covers_since:%Y-%m-%d %H:%M} UTC: reminders are deleted"
            f" {terminal.config().retention_days} days after their appointment (RetentionDays)"
        )
    if format_ == "json":
        terminal.out.file.write(figures.model_dump_json(indent=2) + "\n")
    elif format_ == "csv":
        rows = [{"figure": name, "value": value} for name, value in _report_rows(figures)]
        _write(terminal, "csv", rows, _ReportRow)
    else:
        terminal.show(_report_table(figures))
    return EXIT_OK


@cli.group()
def optout() -> None:
    """The do-not-call list: numbers that are never called (numbers are shown masked)."""


def _number(context: click.Context, parameter: click.Parameter, value: str) -> str:
    try:
        return normalize(value)
    except InvalidPhoneNumber as error:
        raise click.BadParameter(str(error)) from None


@optout.command("add")
@click.argument("number", callback=_number)
@pass_terminal
def optout_add(terminal: Terminal, number: str) -> int:
    """Put a number on the do-not-call list: its reminders are never called, new ones are refused."""
    if terminal.scheduler().do_not_call.add(number, source="operator"):
        terminal.out.print(f"{mask(number)} is on the do-not-call list")
    else:
        terminal.out.print(f"{mask(number)} was on the do-not-call list already: nothing changed")
    return EXIT_OK


@optout.command("remove")
@click.argument("number", callback=_number)
@pass_terminal
def optout_remove(terminal: Terminal, number: str) -> int:
    """Take a number off the do-not-call list (only with its owner's consent)."""
    if not terminal.scheduler().do_not_call.remove(number):
        raise SchedulingError(f"{mask(number)} is not on the do-not-call list")
    terminal.out.print(f"{mask(number)} is off the do-not-call list")
    return EXIT_OK


@optout.command("list")
@pass_terminal
def optout_list(terminal: Terminal) -> int:
    """List the do-not-call list: each number's keyed hash (no number is kept), when and how it was added."""
    entries = sorted(terminal.scheduler().do_not_call.list(), key=lambda entry: entry.added_at)
    if not entries:
        terminal.out.print("the do-not-call list is empty")
        return EXIT_OK
    terminal.show(_optout_table(entries))
    terminal.out.print(f"{len(entries)} number(s)")
    return EXIT_OK


@cli.command()
@click.option("--to-phone-number", "number", help="Forget every reminder of this number: +4915...")
@click.option("--reminder-id", help="Forget this reminder.")
@pass_terminal
def forget(terminal: Terminal, number: str | None, reminder_id: str | None) -> int:
    """Erase a reminder, or every reminder of a number: every item and schedule of it, and print what went.

    A do-not-call entry stays, as a keyed hash of the number, so that an opted-out number is never rung.
    """
    if (number is None) == (reminder_id is None):
        raise click.UsageError("give either --to-phone-number or --reminder-id")
    eraser = Eraser(*terminal.backends())
    if reminder_id is not None:
        forgotten = eraser.forget_reminder(reminder_id)
    else:
        try:
            forgotten = eraser.forget_number(normalize(number or ""))
        except InvalidPhoneNumber as error:
            raise click.BadParameter(str(error), param_hint="--to-phone-number") from None
    terminal.out.print(f"forgot {forgotten.summary}")
    removed = {"reminder": forgotten.reminder_ids, "item": forgotten.keys, "schedule": forgotten.schedules}
    for label, names in removed.items():
        for name in names:
            terminal.out.print(f"  {label} {name}")
    return EXIT_OK


@cli.command()
@pass_terminal
def migrate(terminal: Terminal) -> int:
    """Bring a table written before numbers were hashed and the status index sharded up to date (safe to repeat)."""
    migrated = terminal.backends()[0].migrate()
    terminal.out.print(
        f"migrated {migrated.reminders} reminder(s), {migrated.lines} line(s), "
        f"{migrated.do_not_call_entries} do-not-call entr{'y' if migrated.do_not_call_entries == 1 else 'ies'}"
    )
    if migrated.changed_meanwhile:
        terminal.out.print(f"{migrated.changed_meanwhile} reminder(s) changed meanwhile: run it again")
    return EXIT_OK


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run one command line; return its exit status. Every refusal is one line ``error: ...`` on stderr."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    terminal = Terminal(_console(out), _console(err))
    try:
        status_code = cli.main(
            args=list(argv) if argv is not None else None, prog_name="reminders", standalone_mode=False, obj=terminal
        )
    except click.ClickException as error:  # usage: unknown command, missing option, bad choice
        error.show(file=err)
        return error.exit_code
    except click.Abort:
        err.write("aborted\n")
        return EXIT_REFUSED
    except (ConfigError, UnusableInput) as error:
        return _refuse(err, str(error), EXIT_USAGE)
    except InvalidReminder as error:
        return _refuse(err, _flags(error), EXIT_REFUSED)
    except SchedulingError as error:
        return _refuse(err, str(error), EXIT_REFUSED)
    except (BotoCoreError, ClientError) as error:
        return _refuse(err, f"AWS: {error}", EXIT_REFUSED)
    return status_code if isinstance(status_code, int) else EXIT_OK


def run() -> None:
    """The console script ``reminders``."""
    sys.exit(main())


def _refuse(err: TextIO, message: str, exit_code: int) -> int:
    err.write(f"error: {' '.join(message.split())}\n")  # one line, whatever the message's own layout
    return exit_code


@contextmanager
def row_progress(console: Console, total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar over the CSV's rows; the function it gives moves the bar to the count of rows done."""
    columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TextColumn("rows"), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("import", total=total)
        yield lambda done: progress.update(task, completed=done)


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
    return "\n".join(lines)


def _flags(error: InvalidReminder) -> str:
    """An invalid reminder's problems named by the flags the user typed."""
    return "; ".join(
        f"{REMINDER_FLAGS.get(problem.field, problem.field)}: {problem.reason}" for problem in error.problems
    )


def _local(moment: datetime | None, record: ReminderRecord) -> str:
    """A time as the callee's clock shows it."""
    return "-" if moment is None else f"{moment.astimezone(record.zone):%Y-%m-%d %H:%M %Z}"


def _details(record: ReminderRecord) -> Table:
    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="bold")
    fields.add_column()
    for label, value in (
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
    ):
        fields.add_row(label, value)
    return fields


def _history(record: ReminderRecord) -> Table:
    history = Table.grid(padding=(0, 2))
    history.add_column(no_wrap=True)
    history.add_column()
    for entry in record.history:
        history.add_row(f"  {_local(entry.at, record)}", f"{entry.event}{f': {entry.detail}' if entry.detail else ''}")
    return history


def _table(records: list[ReminderRecord]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    for header in ("REMINDER", "STATUS", "OUTCOME", "ATTEMPTS", "CALL AT", "APPOINTMENT", "NUMBER"):
        table.add_column(header, no_wrap=True)
    for record in records:
        table.add_row(
            record.reminder_id,
            record.status.value,
            record.outcome.value if record.outcome else "-",
            f"{record.attempts}/{record.max_attempts}",
            _local(record.call_at, record),
            _local(record.appointment_at, record),
            mask(record.to_phone_number),
        )
    return table


class ListedReminder(BaseModel):
    """A reminder as one flat row of ``list --format csv|json``: no full number, no history."""

    reminder_id: str
    status: str
    outcome: str | None
    via: str | None
    attempts: int
    max_attempts: int
    call_at: datetime | None
    appointment_at: datetime
    time_zone: str
    decided_at: datetime | None
    number: str

    @classmethod
    def of(cls, record: ReminderRecord) -> ListedReminder:
        return cls(
            reminder_id=record.reminder_id,
            status=record.status.value,
            outcome=record.outcome.value if record.outcome else None,
            via=record.outcome_via.value if record.outcome_via else None,
            attempts=record.attempts,
            max_attempts=record.max_attempts,
            call_at=record.call_at,
            appointment_at=record.appointment_at,
            time_zone=record.time_zone,
            decided_at=record.decided_at,
            number=mask(record.to_phone_number),
        )


class _ReportRow(BaseModel):
    figure: str
    value: float | None


def _write(terminal: Terminal, format_: str, rows: list[dict[str, Any]], shape: type[BaseModel]) -> None:
    """``rows`` (of ``shape``) as CSV, a header row and one line each, or as one JSON array: for a spreadsheet
    or another program."""
    stream = terminal.out.file
    if format_ == "json":
        stream.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return
    writer = csv.DictWriter(stream, fieldnames=list(shape.model_fields), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def _report_rows(figures: OutcomeReport) -> list[tuple[str, Any]]:
    """The report's figures by name, as the CSV and the table show them."""
    median = figures.median_first_call_to_decision
    rows: list[tuple[str, Any]] = [("reminders", figures.reminders), ("called", figures.called)]
    for outcome in figures.outcomes:
        rows += [(f"{outcome.outcome}", outcome.count), (f"{outcome.outcome} share", round(outcome.share, 4))]
    rows += [
        ("answer rate", None if figures.answer_rate is None else round(figures.answer_rate, 4)),
        (
            "attempts per reminder",
            None if figures.attempts_per_reminder is None else round(figures.attempts_per_reminder, 2),
        ),
        ("median first call to decision (s)", None if median is None else round(median.total_seconds())),
    ]
    rows += [(f"sms {said}", count) for said, count in sorted(figures.sms.items())]
    return rows + [(f"to act on: {name}", count) for name, count in figures.follow_ups.model_dump().items()]


def _report_table(figures: OutcomeReport) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    for header in ("OUTCOME", "COUNT", "SHARE"):
        table.add_column(header, no_wrap=True, justify="left" if header == "OUTCOME" else "right")
    for outcome in figures.outcomes:
        table.add_row(outcome.outcome, str(outcome.count), f"{outcome.share:.0%}")
    table.add_section()
    table.add_row("reminders", str(figures.reminders), "")
    table.add_row("answer rate", "", "-" if figures.answer_rate is None else f"{figures.answer_rate:.0%}")
    per_reminder = figures.attempts_per_reminder
    table.add_row("attempts per reminder", "-" if per_reminder is None else f"{per_reminder:.2f}", "")
    median = figures.median_first_call_to_decision
    table.add_row("median first call to decision", "-" if median is None else _duration(median), "")
    for said, count in sorted(figures.sms.items()):
        table.add_row(f"sms {said}", str(count), "")
    table.add_section()
    for name, count in figures.follow_ups.model_dump().items():
        table.add_row(f"to act on: {name}", str(count), "")
    return table


def _duration(span: timedelta) -> str:
    minutes, seconds = divmod(round(span.total_seconds()), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min {seconds:02d} s"


def _optout_table(entries: list[DoNotCallEntry]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    for header in ("NUMBER HASH", "ADDED (UTC)", "BY", "REMINDER"):
        table.add_column(header, no_wrap=True)
    for entry in entries:
        table.add_row(
            entry.number_hash[:16],
            f"{entry.added_at.astimezone(UTC):%Y-%m-%d %H:%M}",
            "the callee in a call" if entry.source == "call" else "an operator",
            entry.reminder_id or "-",
        )
    return table
