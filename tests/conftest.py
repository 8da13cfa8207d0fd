"""Shared fixtures: AWS on loopback (a moto server, and DynamoDB Local wherever Java can run it).

DynamoDB Local is Amazon's own engine: it rejects what DynamoDB rejects and makes conditional writes
atomic, which moto does not. ``AIFLOW_TEST_DYNAMODB=moto`` runs the suite on moto's DynamoDB instead.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator

import pytest


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """A moto server in a thread of this process, listening on loopback only; yields its endpoint URL."""
    from moto.server import ThreadedMotoServer  # deferred: only the tests that need AWS pay for moto

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="session")
def dynamodb_endpoint(moto_server: str) -> Iterator[str]:
    """DynamoDB Local's endpoint when it can run here, else the moto server's."""
    from local import dynamodb_local

    if os.environ.get("AIFLOW_TEST_DYNAMODB") == "moto" or not dynamodb_local.available():
        yield moto_server
        return
    engine = dynamodb_local.DynamoDBLocal()
    engine.start()
    try:
        yield engine.endpoint_url
    finally:
        engine.stop()


@pytest.fixture
def aws_env(moto_server: str, dynamodb_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point every boto3 client at loopback with fake credentials; never at a real account."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", dynamodb_endpoint)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return moto_server


@pytest.fixture
def dynamodb_table(aws_env: str) -> Iterator[str]:
    """A fresh table created from ``template.yaml``'s ``Table`` (keys, index, billing, TTL)."""
    import boto3

    from local.template import create_table

    client = boto3.client("dynamodb")
    name = f"aiflow-{uuid.uuid4().hex[:12]}"
    create_table(client, name)
    yield name
    client.delete_table(TableName=name)
