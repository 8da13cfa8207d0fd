"""Scale: importing reminders from a CSV file with ``python -m reminders import`` (``reminders.cli.main``).

The file has one appointment per row, 2 to 30 days ahead in a few time zones, so each reminder is called
24 hours before (the default lead time) through an EventBridge Scheduler one-time schedule. Everything is
on the moto server; the CLI runs in this process with the dialer's environment variables, and its AWS
calls are counted through botocore's ``before-call`` events on boto3's default session.

One import of the largest of ``sizes`` is timed at each of the sizes as its progress passes them (the
time to import the first 1,000 rows, the first 2,000, ...), which also shows whether the rate holds as
the table grows. 10,000 rows are imported when that rate says it takes at most ``max_seconds``;
otherwise the per-reminder rate stands for it (the import runs one row after another, so its time is
linear in the rows).
"""

from __future__ import annotations

import csv
import io
import os
import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO, cast

from bench import SCRATCH
from bench.common import ACCOUNT, CallCounter, use_aws_environment

ZONES = ("Europe/Berlin", "Europe/London", "America/New_York", "Asia/Tokyo")


def write_csv(path: Path, rows: int) -> None:
    today = datetime.now(UTC).date()
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["reminder_id", "to_phone_number", "appointment_at", "time_zone", "name", "language"])
        for index in range(rows):
            day = today + timedelta(days=2 + index % 29)
            writer.writerow(
                [
                    f"appt-{index:06d}",
                    f"+4915794{index:06d}",
                    f"{day.isoformat()}T{9 + index % 8:02d}:{15 * (index % 4):02d}",
                    ZONES[index % len(ZONES)],
                    f"Patient {index}",
                    "de-DE" if index % 3 else "en-US",
                ]
            )


class _Progress(io.TextIOBase):
    """The CLI's progress bar as its stderr: notes when the import has done each of ``checkpoints`` rows."""

    _DONE = re.compile(r"(\d+)/\d+ rows")

    def __init__(self, checkpoints: set[int]) -> None:
        self.started = time.perf_counter()
        self.checkpoints = checkpoints
        self.seen: dict[int, float] = {}

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        for match in self._DONE.finditer(text):
            done = int(match.group(1))
            if done in self.checkpoints and done not in self.seen:
                self.seen[done] = time.perf_counter() - self.started
        return len(text)


def import_once(rows: int, checkpoints: tuple[int, ...] = ()) -> list[dict[str, Any]]:
    """A fresh table, queue and Scheduler group; ``rows`` reminders imported through the CLI, timed at each
    of ``checkpoints`` (and at the end)."""
    import boto3

    from local.template import create_table
    from reminders import cli

    table = f"scale-{uuid.uuid4().hex[:8]}"
    create_table(boto3.client("dynamodb"), table)
    sqs = boto3.client("sqs")
    queue_url = sqs.create_queue(QueueName=f"calls-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    group = f"reminders-{uuid.uuid4().hex[:8]}"
    boto3.client("scheduler").create_schedule_group(Name=group)
    os.environ.update(
        {
            "TABLE_NAME": table,
            "CALL_QUEUE_URL": queue_url,
            "CALL_QUEUE_ARN": queue_arn,
            "SCHEDULER_GROUP": group,
            "SCHEDULER_ROLE_ARN": f"arn:aws:iam::{ACCOUNT}:role/scheduler",
        }
    )
    SCRATCH.mkdir(parents=True, exist_ok=True)
    path = SCRATCH / f"reminders-{rows}.csv"
    write_csv(path, rows)

    counter = CallCounter().attach(boto3._get_default_session())  # before the CLI makes its clients
    out = io.StringIO()
    progress = _Progress({*checkpoints, rows})
    status = cli.main(["import", str(path)], stdout=out, stderr=cast(TextIO, progress))
    if status != 0:
        raise RuntimeError(f"the import of {rows} rows failed ({status}): {out.getvalue()[-2000:]}")
    calls = counter.counts()
    schedules = sum(
        len(page["Schedules"])
        for page in boto3.client("scheduler").get_paginator("list_schedules").paginate(GroupName=group)
    )
    path.unlink()
    if schedules != rows:
        raise RuntimeError(f"{rows} rows imported, but {schedules} schedules exist")
    return [
        {
            "rows": done,
            "of_import": rows,
            "seconds": seconds,
            "ms_per_reminder": 1000 * seconds / done,
            "reminders_per_second": done / seconds,
            "calls_per_reminder": {name: count / rows for name, count in sorted(calls.items())},
            "schedules_created": schedules,
            "summary": out.getvalue().strip().splitlines()[0],
        }
        for done, seconds in sorted(progress.seen.items())
    ]


def run(
    endpoint: str, sizes: tuple[int, ...] = (1000, 2000), target: int = 10_000, max_seconds: float = 90.0
) -> dict[str, Any]:
    use_aws_environment(endpoint)
    imports = import_once(max(sizes), sizes)
    rate = max(entry["seconds"] / entry["rows"] for entry in imports)
    predicted = rate * target
    result: dict[str, Any] = {"target_rows": target, "predicted_target_s": predicted, "max_seconds": max_seconds}
    if predicted <= max_seconds:
        imports += import_once(target)
        result["measured_target"] = True
    else:
        result["measured_target"] = False
        result["reason"] = (
            f"{target:,} rows would take about {predicted:.0f} s on the moto server (more than {max_seconds:.0f} s): "
            "the import's time is linear in the rows, measured at the sizes below"
        )
    result["imports"] = imports
    return result
