"""AWS on loopback: a moto server, DynamoDB Local wherever Java can run it, and the table the tests share.

DynamoDB Local is Amazon's own engine: it rejects what DynamoDB rejects and makes conditional writes
atomic, which moto does not. ``AIFLOW_TEST_DYNAMODB=moto`` runs the suite on moto's DynamoDB instead.

One moto server and one DynamoDB Local per test process (with pytest-xdist: per worker; some 200-350 MB of
memory each). The moto server listens on the port the kernel gives its own socket, so parallel workers
cannot meet on one; DynamoDB Local is told a free port before Java binds it, so a port taken in between
is met by trying another.

The table is made once per process from template.yaml's ``Table`` and emptied before each test: a scan
and a batch delete, milliseconds, where making a table took DynamoDB Local 0.1-0.3 s. The tests write
fixed keys (reminder ``r-1``, the callee's number), so they are isolated in time, not by key: each starts
on an empty table. A test that reads the table's change stream takes ``fresh_dynamodb_table`` instead:
the shared table's stream still holds every earlier test's writes.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from reminders.store.number_keys import NumberKeys
from tests.harness.template import resources, template

if TYPE_CHECKING:
    from local.dynamodb_local import DynamoDBLocal

REGION = "eu-central-1"
ACCOUNT = "123456789012"  # moto's default account
# The numbers' hash key of every test (the Lambdas under test read it from an SSM SecureString of this value).
NUMBER_KEY = "test-number-key-6f1d0c"
NUMBER_KEYS = NumberKeys.of(NUMBER_KEY)
_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
_DYNAMODB_LOCAL_STARTS = 3
# The JVM's quick compiler only, and its serial collector, for every DynamoDB Local the tests start (the local
# stack's too): a test session is too short for the optimising compiler to pay back the CPU it takes, and
# on two cores its threads take it from the tests. The same 4,650 requests cost the JVM 12 s of CPU so,
# 24 s without. What DynamoDB Local answers does not change.
JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


def pytest_configure(config: pytest.Config) -> None:
    """Before any JVM starts (and before pytest-xdist's workers, which inherit the environment)."""
    os.environ.setdefault("JDK_JAVA_OPTIONS", JVM_OPTIONS)


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """A moto server in a thread of this process, listening on loopback only; yields its endpoint URL."""
    from moto.server import ThreadedMotoServer  # deferred: only the tests that need AWS pay for moto

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="session")
def dynamodb_endpoint(moto_server: str) -> Iterator[str]:
    """DynamoDB Local's endpoint when it can run here, else the moto server's."""
    from local import dynamodb_local

    if os.environ.get("AIFLOW_TEST_DYNAMODB") == "moto" or not dynamodb_local.available():
        yield moto_server
        return
    engine = _start_dynamodb_local()
    try:
        yield engine.endpoint_url
    finally:
        engine.stop()


def _start_dynamodb_local() -> DynamoDBLocal:
    """DynamoDB Local on a free port; Java exits if another process took the port first, so try another."""
    from local.dynamodb_local import DynamoDBLocal

    failure = RuntimeError("DynamoDB Local was not started")
    for _ in range(_DYNAMODB_LOCAL_STARTS):
        engine = DynamoDBLocal()
        try:
            engine.start()
        except RuntimeError as error:
            engine.stop()
            failure = error
            continue
        return engine
    raise failure


@pytest.fixture
def aws_env(moto_server: str, dynamodb_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point every boto3 client at loopback with fake credentials; never at a real account."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", dynamodb_endpoint)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", _CREDENTIALS["aws_access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", _CREDENTIALS["aws_secret_access_key"])
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return moto_server


@dataclass(frozen=True)
class ReusedTable:
    """A table made from template.yaml's ``Table`` that test after test empties and uses again."""

    client: Any
    name: str

    def empty(self) -> None:
        """Delete every item (the by-status index follows its items)."""
        key_names = [key["AttributeName"] for key in resources()["Table"]["Properties"]["KeySchema"]]
        projection = {f"#key{index}": name for index, name in enumerate(key_names)}
        pages = self.client.get_paginator("scan").paginate(
            TableName=self.name,
            ConsistentRead=True,
            ProjectionExpression=", ".join(projection),
            ExpressionAttributeNames=projection,
        )
        keys = [item for page in pages for item in page["Items"]]
        for chunk in itertools.batched(keys, 25, strict=False):  # BatchWriteItem's limit
            requests: list[dict[str, Any]] = [{"DeleteRequest": {"Key": key}} for key in chunk]
            while requests:
                answer = self.client.batch_write_item(RequestItems={self.name: requests})
                requests = answer.get("UnprocessedItems", {}).get(self.name, [])


def _new_table(client: Any) -> str:
    from local.template import create_table

    name = f"aiflow-{uuid.uuid4().hex[:12]}"
    create_table(client, name, template=template())
    return name


@pytest.fixture(scope="session")
def _process_table(dynamodb_endpoint: str) -> Iterator[ReusedTable]:
    import boto3

    client = boto3.client("dynamodb", endpoint_url=dynamodb_endpoint, region_name=REGION, **_CREDENTIALS)
    table = ReusedTable(client, _new_table(client))
    yield table
    client.delete_table(TableName=table.name)


@pytest.fixture
def dynamodb_table(aws_env: str, _process_table: ReusedTable) -> str:
    """The name of an empty table as template.yaml's ``Table`` makes it (keys, index, billing, stream, TTL)."""
    _process_table.empty()
    return _process_table.name


@pytest.fixture
def fresh_dynamodb_table(aws_env: str) -> Iterator[str]:
    """A table of its own, made for this test: for a test that reads the table's stream from its start."""
    import boto3

    client = boto3.client("dynamodb")
    name = _new_table(client)
    yield name
    client.delete_table(TableName=name)
