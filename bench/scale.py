"""Scale: importing reminders from a CSV file with ``python -m reminders import`` (``reminders.operations.cli.main``).

The file has one appointment per row, 2 to 30 days ahead in a few time zones, so each reminder is called
24 hours before (the default lead time) through an EventBridge Scheduler one-time schedule. The table is
on DynamoDB Local when it is there (moto's transactions copy the whole table each time, which no real
table does), Scheduler and SQS on the moto server; the CLI runs in this process with the dialer's
environment variables, and its AWS calls are counted through botocore's ``before-call`` events on boto3's
default session.

``target`` rows (10,000) are imported and timed as the progress passes each of ``sizes`` and at the end.
Side by side, on the same backends, the import as it was before it ran rows concurrently
(:data:`BASELINE`, the code of that commit, run as ``python -m reminders import`` in a subprocess) imports
``baseline_rows``: its rate is what the speed-up is measured against.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import tarfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO, cast

from bench import ROOT, SCRATCH
from bench.common import ACCOUNT, CallCounter, MachineLoad, use_aws_environment

# The last commit whose import ran one row after another (4 AWS calls each), for the side-by-side run.
BASELINE = "e69d273"
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


def _resources() -> dict[str, str]:
    """A fresh table, queue and Scheduler group, as the CLI's environment variables."""
    import boto3

    from local.template import create_table

    table = f"scale-{uuid.uuid4().hex[:8]}"
    create_table(boto3.client("dynamodb"), table)
    sqs = boto3.client("sqs")
    queue_url = sqs.create_queue(QueueName=f"calls-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    group = f"reminders-{uuid.uuid4().hex[:8]}"
    boto3.client("scheduler").create_schedule_group(Name=group)
    return {
        "TABLE_NAME": table,
        "CALL_QUEUE_URL": queue_url,
        "CALL_QUEUE_ARN": queue_arn,
        "SCHEDULER_GROUP": group,
        "SCHEDULER_ROLE_ARN": f"arn:aws:iam::{ACCOUNT}:role/scheduler",
    }


def import_once(rows: int, checkpoints: tuple[int, ...] = ()) -> list[dict[str, Any]]:
    """``rows`` reminders imported through the CLI on fresh resources, timed at each of ``checkpoints``
    (and at the end)."""
    import boto3

    from reminders.operations import cli

    os.environ.update(_resources())
    group = os.environ["SCHEDULER_GROUP"]
    SCRATCH.mkdir(parents=True, exist_ok=True)
    path = SCRATCH / f"reminders-{rows}.csv"
    write_csv(path, rows)

    counter = CallCounter().attach(boto3._get_default_session())  # before the CLI makes its clients
    out = io.StringIO()
    progress = _Progress({*checkpoints, rows})
    load = MachineLoad().start()
    status = cli.main(["import", str(path)], stdout=out, stderr=cast(TextIO, progress))
    load.stop()
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
            **_cpu(load, rows),
        }
        for done, seconds in sorted(progress.seen.items())
    ]


def _cpu(load: MachineLoad, rows: int) -> dict[str, float]:
    """The machine's CPU behind ``rows`` reminders (this process, the moto server, DynamoDB Local and the rest),
    and the rate that CPU allows here at most."""
    per_reminder = load.busy_cpu_seconds / rows
    return {
        "cores_busy_share": load.busy_share,
        "cpu_ms_per_reminder": 1000 * per_reminder,
        "cpu_bound_reminders_per_second": load.cores / per_reminder if per_reminder > 0 else float("inf"),
    }


def baseline_import(rows: int) -> dict[str, Any]:
    """The import as it was at :data:`BASELINE`, on fresh resources and the same backends: its rate."""
    layer = SCRATCH / "baseline-layer"
    if not layer.exists():
        archive = subprocess.run(
            ["git", "archive", BASELINE, "layers/aiflow"],  # noqa: S607 - the developer's git, as make's
            cwd=ROOT,
            check=True,
            capture_output=True,
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(layer, filter="data")
    path = SCRATCH / f"baseline-{rows}.csv"
    write_csv(path, rows)
    environment = {**os.environ, **_resources(), "PYTHONPATH": str(layer / "layers" / "aiflow")}
    load = MachineLoad().start()
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "reminders", "import", str(path)], env=environment, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    load.stop()
    path.unlink()
    if done.returncode != 0:
        raise RuntimeError(f"the baseline import failed: {done.stdout[-1000:]}{done.stderr[-1000:]}")
    return {
        "commit": BASELINE,
        "rows": rows,
        "seconds": seconds,
        "reminders_per_second": rows / seconds,
        "calls_per_reminder_then": "dynamodb.GetItem 2, dynamodb.PutItem 1, scheduler.CreateSchedule 1",
        **_cpu(load, rows),
    }


def run(
    endpoint: str,
    dynamodb_local: str | None,
    sizes: tuple[int, ...] = (1000, 5000),
    target: int = 10_000,
    baseline_rows: int = 1000,
) -> dict[str, Any]:
    use_aws_environment(endpoint, dynamodb_local)
    backend = "DynamoDB Local + moto server" if dynamodb_local else "moto server"
    baseline = baseline_import(baseline_rows)
    imports = import_once(target, sizes)
    final = imports[-1]
    speedup = final["reminders_per_second"] / baseline["reminders_per_second"]
    use_aws_environment(endpoint)
    return {
        "backend": backend,
        "target_rows": target,
        "measured_target": final["rows"] == target,
        "imports": imports,
        "baseline": baseline,
        "speedup": speedup,
    }
