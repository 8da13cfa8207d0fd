"""A burst on the local stack: reminders due at once, drained at the cap (tests/reliability/test_burst.py and
``make bench``'s burst part, bench/burst.py).

:func:`run_burst` starts a local stack with the cap, puts ``count`` dial messages carrying whole reminders on
the call queue at once (as a group's schedules firing in the same second would), each reminder with one
attempt and an appointment whose minimum notice leaves the drain ten minutes, so that a call the backlog
made late closes ``expired`` instead of ringing. The callees let the phone ring out (the fake sipgate counts
the rings), so each reminder ends ``no_answer`` after its answer check. The functions' AWS calls are
counted in their own processes (a ``sitecustomize`` on their ``PYTHONPATH`` appends each call's name to a
file); the queue sends of the burst itself are counted here.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from local.stack import LocalStack
from reminders.model.reminder import utc_now
from reminders.store.repository import ReminderRepository

__all__ = ["Burst", "run_burst"]

FUNCTIONS = ("DialerFunction", "WebhookFunction", "ReconcilerFunction", "OutcomePublisherFunction")
# Loaded by each function's interpreter at start: every AWS call it makes, one line each, to its own file.
COUNTING_SITE = """
import os
import botocore.client

_path = os.path.join(os.environ["AWS_CALL_LOG_DIR"], f"{os.getpid()}.log")
_log = os.open(_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
_make_api_call = botocore.client.BaseClient._make_api_call


def _counted(self, operation_name, api_params):
    os.write(_log, f"{self.meta.service_model.service_name}.{operation_name}\\n".encode())
    return _make_api_call(self, operation_name, api_params)


botocore.client.BaseClient._make_api_call = _counted
"""


def _counting_environment(tmp_path: Path) -> tuple[dict[str, dict[str, str]], Path]:
    site, calls = tmp_path / "site", tmp_path / "aws-calls"
    site.mkdir()
    calls.mkdir()
    (site / "sitecustomize.py").write_text(COUNTING_SITE, encoding="utf-8")
    counting = {"PYTHONPATH": str(site), "AWS_CALL_LOG_DIR": str(calls)}
    overrides = {name: dict(counting) for name in FUNCTIONS}
    # The shortest dial budget the settings allow: each answer check comes 5 + 15 s after its dial.
    overrides["DialerFunction"]["DIAL_BUDGET_SECONDS"] = "15"
    return overrides, calls


def _burst(count: int, appointment: str) -> list[dict[str, Any]]:
    return [
        {
            "kind": "dial",
            "reminder": {
                "reminder_id": f"burst-{index:05d}",
                "to_phone_number": f"+49157{index:08d}",
                "appointment_at": appointment,
                "time_zone": "Europe/Berlin",
                "name": "Bea Burst",
                "max_attempts": 1,
            },
        }
        for index in range(count)
    ]


def _send(stack: LocalStack, messages: list[dict[str, Any]]) -> int:
    """All messages onto the call queue, ten per request; the requests made."""
    sqs, url = stack.client("sqs"), stack.info.environment["CALL_QUEUE_URL"]
    batches = [messages[start : start + 10] for start in range(0, len(messages), 10)]
    for batch in batches:
        entries = [{"Id": str(number), "MessageBody": json.dumps(message)} for number, message in enumerate(batch)]
        failed = sqs.send_message_batch(QueueUrl=url, Entries=entries).get("Failed")
        if failed:
            raise RuntimeError(f"the call queue refused part of the burst: {failed}")
    return len(batches)


def _wait_until_closed(stack: LocalStack, repository: ReminderRepository, count: int, timeout: float) -> dict[str, int]:
    """The reminders' statuses once each has published its outcome (the bus tap counts; the table is read once,
    so that polling adds no load to the stack it measures), or when ``timeout`` seconds passed."""
    deadline = time.monotonic() + timeout
    while len(stack.outcome_events) < count and time.monotonic() < deadline:
        time.sleep(1)
    return dict(Counter(record.status.value for record in repository.list()))


@dataclass(frozen=True)
class Burst:
    """What a burst came to: the reminders' statuses, sipgate's rings, and the AWS calls it took."""

    count: int
    cap: int
    statuses: dict[str, int]
    rings: Counter[str]
    per_second: Counter[int]
    calls_span_s: float
    drained_s: float
    aws_calls: Counter[str]

    @property
    def aws_calls_per_reminder(self) -> float:
        return sum(self.aws_calls.values()) / self.count

    def summary(self) -> dict[str, Any]:
        return {
            "reminders": self.count,
            "cap": self.cap,
            "statuses": self.statuses,
            "callees_rung_once": sum(rings == 1 for rings in self.rings.values()),
            "most_calls_in_a_second": max(self.per_second.values(), default=0),
            "calls_span_s": round(self.calls_span_s, 1),
            "drained_s": round(self.drained_s, 1),
            "aws_calls_per_reminder": round(self.aws_calls_per_reminder, 2),
            "aws_calls_by_operation": {name: round(n / self.count, 2) for name, n in sorted(self.aws_calls.items())},
        }


def run_burst(work_dir: Path, count: int, cap: int, *, timeout: float = 600) -> Burst:
    """``count`` reminders due at once on a fresh local stack with ``CallsPerSecond`` ``cap``, drained."""
    overrides, calls_dir = _counting_environment(work_dir)
    parameters = {"CallWindow": "00:00-23:59", "CallsPerSecond": str(cap), "AnswerTimeoutSeconds": "5"}
    with LocalStack(
        work_dir=work_dir / "stack", parameter_overrides=parameters, environment_overrides=overrides
    ) as stack:
        # The minimum notice (60 minutes) leaves ten minutes: a call the backlog delays past them expires.
        appointment = (utc_now() + timedelta(minutes=70)).isoformat()
        began = time.monotonic()
        sent = _send(stack, _burst(count, appointment))
        repository = ReminderRepository(
            stack.info.environment["TABLE_NAME"], client=stack.client("dynamodb"), number_keys=stack.number_keys
        )
        statuses = _wait_until_closed(stack, repository, count, timeout)
        drained = time.monotonic() - began
        arrivals = sorted(request.at for request in stack.sipgate.received)
        rings, per_second = stack.sipgate.rings_per_callee(), stack.sipgate.calls_per_second()
    calls = Counter(line for log in calls_dir.glob("*.log") for line in log.read_text().split())
    calls["sqs.SendMessageBatch"] += sent
    return Burst(
        count=count,
        cap=cap,
        statuses=statuses,
        rings=rings,
        per_second=per_second,
        calls_span_s=arrivals[-1] - arrivals[0] if arrivals else 0.0,
        drained_s=drained,
        aws_calls=calls,
    )
