"""How long one SQS batch of 10 reminder calls takes, concurrently (as the Lambda runs it) and one after another.

    .venv/bin/python bench/dialer_batch.py [--runs 5] [--latency 0.2] [--calls-per-second 100]

Everything runs on this machine: a moto server for DynamoDB, SQS, Scheduler and SSM, and a fake sipgate
that answers each ``POST /v3/ai-flows/{id}/call`` with 201 after ``--latency`` seconds. The concurrent
figure is ``functions.dialer.app.lambda_handler`` on a batch of 10 records; the sequential one is the same
dialer handling the 10 messages in a loop. Each run uses fresh reminders; the median of the runs is shown.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "layers" / "aiflow"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

BATCH = 10


class _SlowSipgate(BaseHTTPRequestHandler):
    latency = 0.2

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        time.sleep(self.latency)
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _wait_for(port: int) -> None:
    for _ in range(100):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"moto did not start on port {port}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _message(reminder_id: str, number: int) -> str:
    """A call-now message; every reminder has its own number (a number on a live call is not rung again)."""
    return json.dumps(
        {
            "kind": "dial",
            "reminder": {
                "reminder_id": reminder_id,
                "to_phone_number": f"+4915790{number:06d}",
                "appointment_at": "2040-01-01T12:00:00+00:00",
                "time_zone": "Etc/GMT" if time.gmtime().tm_hour in range(8, 20) else "Pacific/Kiritimati",
                "name": "Ada Lovelace",
            },
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--latency", type=float, default=0.2, help="sipgate's answer time in seconds")
    parser.add_argument("--calls-per-second", type=int, default=100, help="the cap (default: out of the way)")
    args = parser.parse_args()

    # moto in its own process, as AWS is: in this one its request handling would compete for the GIL.
    moto_port = _free_port()
    moto = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(moto_port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_for(moto_port)
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{moto_port}",
            "AWS_DEFAULT_REGION": "eu-central-1",
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
        }
    )
    _SlowSipgate.latency = args.latency
    sipgate = ThreadingHTTPServer(("127.0.0.1", 0), _SlowSipgate)
    sipgate.daemon_threads = True
    threading.Thread(target=sipgate.serve_forever, daemon=True).start()
    try:
        concurrent, sequential = _measure(args, f"http://127.0.0.1:{sipgate.server_address[1]}")
    finally:
        sipgate.shutdown()
        moto.terminate()
        moto.wait(timeout=10)
    print(f"batch of {BATCH}, sipgate answering in {args.latency * 1000:.0f} ms, cap {args.calls_per_second}/s:")
    print(f"  concurrent (the Lambda's batch):  median {statistics.median(concurrent):.2f} s  runs {_list(concurrent)}")
    print(f"  one after another:                median {statistics.median(sequential):.2f} s  runs {_list(sequential)}")


def _measure(args: argparse.Namespace, sipgate_url: str) -> tuple[list[float], list[float]]:
    import boto3

    from functions.dialer import app
    from local.template import create_table

    table = f"bench-{uuid.uuid4().hex[:8]}"
    create_table(boto3.client("dynamodb"), table)
    sqs = boto3.client("sqs")
    queue_url = sqs.create_queue(QueueName=f"calls-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    group = f"reminders-{uuid.uuid4().hex[:8]}"
    boto3.client("scheduler").create_schedule_group(Name=group)
    boto3.client("ssm").put_parameter(Name="/bench/sipgate-token", Value="bench-token", Type="SecureString")
    os.environ.update(
        {
            "TABLE_NAME": table,
            "SIPGATE_TOKEN_PARAMETER": "/bench/sipgate-token",
            "SIPGATE_BASE_URL": sipgate_url,
            "AI_FLOW_ID": "bench-flow",
            "BILLING_DEVICE": "e2",
            "CALLS_PER_SECOND": str(args.calls_per_second),
            "CALL_QUEUE_URL": queue_url,
            "CALL_QUEUE_ARN": queue_arn,
            "SCHEDULER_GROUP": group,
            "SCHEDULER_ROLE_ARN": "arn:aws:iam::123456789012:role/bench",
        }
    )

    class Context:
        function_name = "DialerFunction"
        memory_limit_in_mb = 512
        invoked_function_arn = "arn:aws:lambda:eu-central-1:123456789012:function:DialerFunction"
        aws_request_id = "bench"

    dialer = app._dialer(app.read_secure_parameter("/bench/sipgate-token"))
    app.lambda_handler({"kind": "dial", "reminder_id": "warm-up"}, Context())  # imports, clients, connections

    concurrent, sequential = [], []
    for run in range(args.runs):
        records = [
            {
                "messageId": str(uuid.uuid4()),
                "receiptHandle": "bench",
                "body": _message(f"c{run}-{index}", 2 * BATCH * run + index),
                "attributes": {},
                "messageAttributes": {},
                "md5OfBody": "-",
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": "eu-central-1",
            }
            for index in range(BATCH)
        ]
        started = time.perf_counter()
        response = app.lambda_handler({"Records": records}, Context())
        concurrent.append(time.perf_counter() - started)
        assert response == {"batchItemFailures": []}, response

        started = time.perf_counter()
        for index in range(BATCH):
            disposition = dialer.handle(_message(f"s{run}-{index}", 2 * BATCH * run + BATCH + index))
            assert disposition.value == "dialled", disposition
        sequential.append(time.perf_counter() - started)
    return concurrent, sequential


def _list(values: list[float]) -> str:
    return " ".join(f"{value:.2f}" for value in values)


if __name__ == "__main__":
    main()
