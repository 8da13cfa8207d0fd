"""``aiflow.deadline`` against a DynamoDB endpoint on loopback that throttles: how long a retry inside a turn waits.

botocore's backoff for a throttled request draws up to a second; an 800 ms turn that waits that long has
no time left for the retried request and the rest of the turn, and the caller hears the apology.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import pytest
from botocore.config import Config

from aiflow import Deadline, bind_to_deadline
from aiflow.deadline import deadline_scope

TURNS = 12


class ThrottlingDynamoDB(ThreadingHTTPServer):
    """Answers every other request with DynamoDB's ThrottlingException, the others with an empty item; notes
    when each request arrived."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.arrivals: list[float] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: ThrottlingDynamoDB
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.arrivals.append(time.monotonic())
        throttled = len(self.server.arrivals) % 2 == 1
        body = (
            {"__type": "com.amazon.coral.availability#ThrottlingException", "message": "Rate exceeded"}
            if throttled
            else {}
        )
        payload = json.dumps(body).encode()
        self.send_response(400 if throttled else 200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def dynamodb() -> Iterator[ThrottlingDynamoDB]:
    server = ThrottlingDynamoDB()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_throttled_request_in_a_turn_is_retried_leaving_most_of_the_turn(dynamodb: ThrottlingDynamoDB) -> None:
    client = bind_to_deadline(
        boto3.client(
            "dynamodb",
            endpoint_url=dynamodb.url,
            region_name="eu-central-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            # As the webhook configures its DynamoDB client (functions/webhook/app.py).
            config=Config(connect_timeout=0.2, read_timeout=0.5, retries={"mode": "standard", "total_max_attempts": 2}),
        )
    )
    left_after_retry = []
    for _ in range(TURNS):
        deadline = Deadline.after(0.8)
        with deadline_scope(deadline):
            client.get_item(TableName="t", Key={"pk": {"S": "LINE#4915790000687"}})
        left_after_retry.append(deadline.remaining())

    assert len(dynamodb.arrivals) == 2 * TURNS, "each turn's read was throttled once and tried again"
    # Botocore's jitter draws up to a second for a throttled retry; within a turn the wait must leave the
    # retried read and the rest of the turn (its writes) at least half of the 700 ms there are.
    assert min(left_after_retry) > 0.35, [round(left, 3) for left in left_after_retry]
