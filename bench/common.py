"""What the benchmarks share: loopback servers, a safe AWS environment, call counters and percentiles."""

from __future__ import annotations

import io
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bench import ROOT

if TYPE_CHECKING:
    from reminders.store.repository import ReminderRepository

REGION = "eu-central-1"
ACCOUNT = "123456789012"  # moto's default account


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server meant for port {port} exited with status {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listened on 127.0.0.1:{port} within {timeout:.0f} s")


@contextmanager
def moto_server() -> Iterator[str]:
    """A moto server in its own process (as AWS is: in this one it would compete for the GIL); its URL.

    ``bench.moto_server`` makes moto's DynamoDB writes atomic, as DynamoDB's are (see there).
    """
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.moto_server", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def dynamodb_local() -> Iterator[str | None]:
    """DynamoDB Local (the real engine) on loopback, or ``None`` when java or the package is missing."""
    from local import dynamodb_local as ddb_local

    if not ddb_local.available():
        yield None
        return
    server = ddb_local.DynamoDBLocal()
    server.start()
    try:
        yield server.endpoint_url
    finally:
        server.stop()


def aws_environment(endpoint: str, dynamodb_endpoint: str | None = None) -> dict[str, str]:
    """Variables that point every boto3 client at local endpoints with made-up credentials, never at AWS."""
    environment = {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    if dynamodb_endpoint is not None:
        environment["AWS_ENDPOINT_URL_DYNAMODB"] = dynamodb_endpoint
    return environment


def use_aws_environment(endpoint: str, dynamodb_endpoint: str | None = None) -> None:
    """Set :func:`aws_environment` in this process and start boto3's default session afresh."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_DYNAMODB"):
        os.environ.pop(name, None)
    os.environ.update(aws_environment(endpoint, dynamodb_endpoint))
    import boto3

    boto3.DEFAULT_SESSION = None


class MachineLoad:
    """How busy the machine's cores were between :meth:`start` and :meth:`stop` (``/proc/stat``, every process).

    Work that keeps every core busy is bound by this machine's CPU, not by waiting: its rate here is
    ``cores / cpu_seconds_per_item`` at most, however it is spread over threads.
    """

    def __init__(self) -> None:
        self._begin = self._end = self._read()
        self.cores = os.cpu_count() or 1

    @staticmethod
    def _read() -> tuple[float, float]:
        """Busy and total CPU seconds since boot, summed over the cores."""
        with open("/proc/stat", encoding="ascii") as stream:
            fields = [int(value) for value in stream.readline().split()[1:]]
        idle = fields[3] + fields[4]  # idle and iowait
        ticks = os.sysconf("SC_CLK_TCK")
        return (sum(fields) - idle) / ticks, sum(fields) / ticks

    def start(self) -> MachineLoad:
        self._begin = self._read()
        return self

    def stop(self) -> MachineLoad:
        self._end = self._read()
        return self

    @property
    def busy_cpu_seconds(self) -> float:
        return self._end[0] - self._begin[0]

    @property
    def busy_share(self) -> float:
        """The share of all cores' time that was busy: 1.0 means every core worked throughout."""
        total = self._end[1] - self._begin[1]
        return self.busy_cpu_seconds / total if total > 0 else 0.0


class CallCounter:
    """Counts AWS API calls by ``service.Operation`` through botocore's ``before-call`` events.

    ``attach`` it to a client, or to boto3's default session before the clients are created (a client
    copies its session's event handlers when it is made). Thread-safe: the dialer calls from many threads.
    """

    def __init__(self) -> None:
        self.calls: list[str] = []
        self._lock = threading.Lock()

    def attach(self, client_or_session: Any) -> CallCounter:
        events = client_or_session.meta.events if hasattr(client_or_session, "meta") else client_or_session.events
        events.register("before-call", self._count)
        return self

    def _count(self, event_name: str, **kwargs: Any) -> None:
        _, service, operation = event_name.split(".", 2)
        with self._lock:
            self.calls.append(f"{service}.{operation}")

    def mark(self) -> int:
        with self._lock:
            return len(self.calls)

    def since(self, mark: int) -> list[str]:
        with self._lock:
            return self.calls[mark:]

    def counts(self, since: int = 0) -> Counter[str]:
        return Counter(self.since(since))


class NullStream(io.TextIOBase):
    """A text stream that drops what is written: for log lines that are formatted, as on Lambda, not shown."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        return len(text)


class CallTimer:
    """The time a client spends in its API calls, as the code that calls it sees them (serialising included)."""

    def __init__(self, client: Any) -> None:
        self.seconds = 0.0
        call = client._make_api_call

        def timed(operation_name: str, api_params: dict[str, Any]) -> Any:
            started = time.perf_counter()
            try:
                return call(operation_name, api_params)
            finally:
                self.seconds += time.perf_counter() - started

        client._make_api_call = timed


def percentiles(values: Sequence[float]) -> dict[str, float]:
    """p50, p95, p99 (linear interpolation between order statistics), mean, min and max."""
    ordered = sorted(values)
    if len(ordered) == 1:
        only = ordered[0]
        return {"p50": only, "p95": only, "p99": only, "mean": only, "min": only, "max": only, "n": 1}
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "p50": cuts[49],
        "p95": cuts[94],
        "p99": cuts[98],
        "mean": statistics.fmean(ordered),
        "min": ordered[0],
        "max": ordered[-1],
        "n": len(ordered),
    }


def ratio(value: float, floor: float) -> float:
    return value / floor if floor > 0 else float("nan")


def dialled_reminder(repository: ReminderRepository, reminder_id: str, number: str) -> None:
    """A reminder whose first attempt the dialer has placed: stored, attempt claimed, the callee's line claimed.

    What an outbound ``session_start`` finds when the callee answers.
    """
    from reminders.model.reminder import Reminder  # deferred like the callers': after the AWS environment is set

    reminder = Reminder(
        reminder_id=reminder_id,
        to_phone_number=number,
        appointment_at="2040-03-01T10:30:00",
        time_zone="Europe/Berlin",
        name="Erika Mustermann",
    )
    record, _ = repository.create_or_read(reminder)
    repository.claim_attempt(record, 1, claim_line_for=timedelta(minutes=10), keep_line_for=timedelta(days=1))
