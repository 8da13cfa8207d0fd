"""Scheduling a CSV file of appointments: a header row, then one reminder per row.

The columns are the reminder's fields (:data:`COLUMNS`): ``reminder_id``, ``to_phone_number``,
``appointment_at``, ``time_zone`` and ``name`` are required, ``language``, ``location``, ``call_at`` and
``max_attempts`` optional (an empty cell takes the default). Each row is checked completely before
anything of it is written, and a bad row never stops the others. Importing the same file again schedules
nothing twice: rows whose reminder exists already are counted as such.

Rows are read and checked in file order in the calling thread (so a repeated id is always the later
row's problem); their AWS work (:meth:`ReminderScheduler.schedule`: one conditional write, one delivery)
runs on a bounded pool of ``workers`` threads, at most twice that many rows in flight. The progress
callback hears the count of rows finished, as they finish; the report lists rows in file order. An AWS
error stops the import: no row after it is started, the rows in flight finish and are reported.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TextIO

from botocore.exceptions import BotoCoreError, ClientError

from reminders.messages.call_queue import InvalidReminder, Problem, parse_reminder
from reminders.model.reminder import Reminder
from reminders.scheduling.scheduler import ReminderScheduler, Scheduled

__all__ = [
    "COLUMNS",
    "REQUIRED_COLUMNS",
    "CsvFormatError",
    "ImportReport",
    "Row",
    "RowProblem",
    "import_rows",
    "read_rows",
]

COLUMNS = tuple(Reminder.model_fields)
REQUIRED_COLUMNS = tuple(name for name, info in Reminder.model_fields.items() if info.is_required())
HEADER_ROW = 1
# Rows whose AWS calls run at once: each waits on two round trips, so threads, not the CPU, are the limit.
DEFAULT_WORKERS = 16


class CsvFormatError(ValueError):
    """The file as a whole cannot be read (no header, unknown or missing columns)."""


@dataclass(frozen=True)
class Row:
    number: int  # as a spreadsheet counts: the header is row 1
    values: dict[str, str]
    extra_values: int = 0  # cells beyond the header's columns


@dataclass(frozen=True)
class RowProblem:
    row: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.field}: {self.reason}"


@dataclass
class ImportReport:
    rows: int = 0
    scheduled: list[str] = field(default_factory=list)
    already_scheduled: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    stopped: RowProblem | None = None  # an AWS error that ended the import; the rows after it were not read

    @property
    def rejected_rows(self) -> int:
        return len({problem.row for problem in self.problems})


def read_rows(stream: TextIO) -> list[Row]:
    """Every data row of the file; :class:`CsvFormatError` if the header is unusable."""
    reader = csv.reader(stream)
    header = next(reader, None)
    if header is None or not any(cell.strip() for cell in header):
        raise CsvFormatError(f"the file is empty: row {HEADER_ROW} must name the columns ({', '.join(COLUMNS)})")
    names = [cell.strip().lower() for cell in header]
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        raise CsvFormatError(f"row {HEADER_ROW}: unknown column(s) {', '.join(unknown)}; known: {', '.join(COLUMNS)}")
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise CsvFormatError(f"row {HEADER_ROW}: column(s) {', '.join(repeated)} appear more than once")
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise CsvFormatError(f"row {HEADER_ROW}: required column(s) {', '.join(missing)} missing")
    rows = []
    for number, cells in enumerate(reader, start=HEADER_ROW + 1):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line is no appointment
        values = {name: cell.strip() for name, cell in zip(names, cells, strict=False) if cell.strip()}
        rows.append(Row(number, values, extra_values=max(0, len(cells) - len(names))))
    return rows


def import_rows(
    rows: Iterable[Row],
    scheduler: ReminderScheduler,
    *,
    progress: Callable[[int], None] | None = None,
    workers: int = DEFAULT_WORKERS,
) -> ImportReport:
    """Schedule each row's reminder, ``workers`` at a time; ``progress`` hears the number of rows done."""
    importing = _Import(progress)
    first_row_of: dict[str, int] = {}
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="import") as pool:
        in_flight: dict[Future[Scheduled], Row] = {}
        for row in rows:
            if importing.stopped:
                break
            try:
                reminder = _reminder(row, first_row_of)
            except InvalidReminder as invalid:
                importing.finished(row, invalid)
                continue
            in_flight[pool.submit(scheduler.schedule, reminder)] = row
            if len(in_flight) >= 2 * workers:
                importing.collect(in_flight, wait(in_flight, return_when=FIRST_COMPLETED).done)
        importing.collect(in_flight, wait(in_flight).done)
    return importing.report()


@dataclass
class _Import:
    """The outcome of each row as it finishes, by row number, and the count for the progress bar."""

    progress: Callable[[int], None] | None
    done: int = 0
    outcomes: dict[int, Scheduled | InvalidReminder] = field(default_factory=dict)
    failures: dict[int, Exception] = field(default_factory=dict)

    @property
    def stopped(self) -> bool:
        return bool(self.failures)

    def collect(self, in_flight: dict[Future[Scheduled], Row], finished: set[Future[Scheduled]]) -> None:
        for future in finished:
            row = in_flight.pop(future)
            try:
                self.finished(row, future.result())
            except InvalidReminder as invalid:
                self.finished(row, invalid)
            except (BotoCoreError, ClientError) as error:
                self.failures[row.number] = error

    def finished(self, row: Row, outcome: Scheduled | InvalidReminder) -> None:
        self.outcomes[row.number] = outcome
        self.done += 1
        if self.progress is not None:
            self.progress(self.done)

    def report(self) -> ImportReport:
        report = ImportReport(rows=self.done + len(self.failures))
        for number, outcome in sorted(self.outcomes.items()):
            if isinstance(outcome, InvalidReminder):
                report.problems.extend(
                    RowProblem(number, problem.field, problem.reason) for problem in outcome.problems
                )
            else:
                (report.scheduled if outcome.new else report.already_scheduled).append(outcome.record.reminder_id)
        if self.failures:
            number = min(self.failures)
            report.stopped = RowProblem(number, "-", f"AWS refused the write: {self.failures[number]}")
        return report


def _reminder(row: Row, first_row_of: dict[str, int]) -> Reminder:
    """The row's reminder; :class:`InvalidReminder` names what is wrong with it without asking the table."""
    if row.extra_values:
        raise InvalidReminder([Problem("-", f"{row.extra_values} value(s) more than the header has columns")])
    reminder = parse_reminder(row.values)
    first = first_row_of.setdefault(reminder.reminder_id, row.number)
    if first != row.number:
        raise InvalidReminder([Problem("reminder_id", f"{reminder.reminder_id} is in row {first} already")])
    return reminder
