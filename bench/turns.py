"""Webhook turns: ``functions/webhook/app.py:lambda_handler`` in this process, DynamoDB on loopback.

Each sample plays the start of a reminder call as the dialer leaves it (reminder created, attempt started,
line claimed; not timed) with three timed turns, each an API Gateway HTTP API event:

- ``session_start`` (outbound): finds the reminder by the callee's number, notes the answer, asks;
- ``user_speak`` "Wie bitte?": the common turn, the question again (the session item only);
- ``user_speak`` "Ja": the decision, written on the reminder, the line released, the goodbye.

On a bad day (``measure_deadline``): the same three turns with DynamoDB behind ``tests/harness/
tcp_proxy.py``'s proxy, healthy, answering each call 300 ms late, and hung; each turn timed from its
event's stamp (where the deadline counts from) to the answer, against ``TURN_DEADLINE_MS``.

Right after each turn its floor runs: as many raw ``GetItem`` (for each read) and ``PutItem`` (for each
write) calls as the turn made, counted through botocore's ``before-call`` events on the webhook's own
client, on the same server with a client configured like the webhook's. SSM is the moto server.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from types import ModuleType
from typing import Any

from bench.common import CallCounter, CallTimer, NullStream, dialled_reminder, percentiles, ratio
from reminders.settings import NumberKeySettings
from reminders.store.number_keys import NumberKeys

# The numbers' hash key, in the SecureString the webhook reads by default (NumberKeySettings).
NUMBER_KEY = "bench-number-key"
NUMBER_KEYS = NumberKeys.of(NUMBER_KEY)
APP_MODULE = "functions.webhook.app"
TOKEN = "bench-webhook-token"  # noqa: S105 - made up, on a local moto server
HEADERS = {"Content-Type": "application/json", "X-API-TOKEN": TOKEN}
FLOW_NUMBER = "+4921155660"
KINDS = ("session_start", "user_speak", "user_speak_decision")
LABELS = {
    "session_start": "outbound session_start",
    "user_speak": "user_speak (asks again)",
    "user_speak_decision": "user_speak (decides)",
}
READS = {"GetItem", "Query", "BatchGetItem"}


def _webhook(table: str, token_parameter: str) -> ModuleType:
    """The webhook module imported afresh (a new execution environment), its logs sent nowhere."""
    os.environ.update(
        {
            "TABLE_NAME": table,
            "WEBHOOK_TOKEN_PARAMETER": token_parameter,
            "DEFAULT_LANGUAGE": "de-DE",
            "CALLER_NAME": "Praxis Dr. Weber",
            "INBOUND_CALLBACKS": "off",  # the benchmarked turns are outbound calls: no call queue needed
            "POWERTOOLS_LOG_LEVEL": "INFO",
            "POWERTOOLS_METRICS_NAMESPACE": "AiFlowRemindersBench",
        }
    )
    os.environ.pop("TRANSFER_NUMBER", None)
    sys.modules.pop(APP_MODULE, None)
    app = importlib.import_module(APP_MODULE)
    # The JSON log lines are still formatted (Lambda pays for that too), only not printed.
    app.logger.registered_handler.setStream(NullStream())
    return app


def _body(kind: str, session_id: str, number: str) -> str:
    session = {"id": session_id, "account_id": "bench", "phone_number": number}
    if kind == "session_start":
        session |= {"direction": "outbound", "from_phone_number": FLOW_NUMBER, "to_phone_number": number}
        return json.dumps({"type": "session_start", "session": session})
    text = "Wie bitte?" if kind == "user_speak" else "Ja, ich komme."
    return json.dumps({"type": "user_speak", "text": text, "session": session})


class _Floor:
    """Raw GetItem/PutItem calls on the same table, with a client configured like the webhook's."""

    def __init__(self, app: ModuleType, table: str) -> None:
        import boto3
        from botocore.config import Config

        # Configured like the webhook's client, but patient: a stall of the server must not end the bench.
        self.client = boto3.client("dynamodb", config=app.DYNAMODB_CONFIG.merge(Config(read_timeout=10)))
        self.table = table
        self.key = {"pk": {"S": f"SESSION#floor-{uuid.uuid4()}"}}
        # An item like a session's: its state as JSON text, a version and an expiry.
        self.item = {
            **self.key,
            "state": {"S": json.dumps({"language": "de-DE", "stage": "asking", "name": "x" * 300})},
            "version": {"N": "1"},
            "expires_at": {"N": str(int(time.time()) + 3600)},
        }
        self.client.put_item(TableName=table, Item=self.item)

    def run(self, operations: list[str]) -> float:
        started = time.perf_counter()
        for operation in operations:
            if operation in READS:
                self.client.get_item(TableName=self.table, Key=self.key, ConsistentRead=True)
            else:
                self.client.put_item(TableName=self.table, Item=self.item)
        return time.perf_counter() - started


class _OtherServices:
    """Counts every AWS call made by any botocore client during the measured turns, except DynamoDB's.

    The budget allows a turn no network call but to DynamoDB (the webhook token comes from a cache).
    """

    def __init__(self) -> None:
        from botocore.client import BaseClient

        self.calls: Counter[str] = Counter()
        self._on = False
        self._class = BaseClient
        self._original = BaseClient._make_api_call
        original = self._original
        outer = self

        def counted(client: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
            service = client.meta.service_model.service_name
            if outer._on and service != "dynamodb":
                outer.calls[f"{service}.{operation_name}"] += 1
            return original(client, operation_name, api_params)

        BaseClient._make_api_call = counted

    @contextlib.contextmanager
    def watching(self, on: bool) -> Iterator[None]:
        self._on = on
        try:
            yield
        finally:
            self._on = False

    def stop(self) -> None:
        self._class._make_api_call = self._original


def measure(backend: str, samples: int, warmup: int, token_parameter: str) -> dict[str, Any]:
    """``samples`` calls of three turns each, after ``warmup`` calls that are not counted."""
    import boto3

    from aiflow.testing import FakeLambdaContext, http_api_event
    from local.template import create_table
    from reminders.store.repository import ReminderRepository

    table = f"turns-{uuid.uuid4().hex[:8]}"
    create_table(boto3.client("dynamodb"), table)
    app = _webhook(table, token_parameter)
    counter = CallCounter().attach(app.dynamodb)
    timer = CallTimer(app.dynamodb)
    others = _OtherServices()
    floor = _Floor(app, table)
    repository = ReminderRepository(table, number_keys=NUMBER_KEYS)  # the dialer's side: its own client, not counted

    times: dict[str, list[float]] = {kind: [] for kind in KINDS}
    floors: dict[str, list[float]] = {kind: [] for kind in KINDS}
    handler_work: dict[str, list[float]] = {kind: [] for kind in KINDS}
    operations: dict[str, Counter[str]] = {kind: Counter() for kind in KINDS}
    calls_per_turn: dict[str, set[int]] = {kind: set() for kind in KINDS}
    sink = NullStream()
    for index in range(warmup + samples):
        number = f"+4915792{index:06d}"
        reminder_id = f"turn-{index}"
        dialled_reminder(repository, reminder_id, number)
        session_id = str(uuid.uuid4())
        for kind in KINDS:
            event = http_api_event(_body(kind, session_id, number), HEADERS)
            context = FakeLambdaContext()
            mark = counter.mark()
            in_dynamodb = timer.seconds
            with contextlib.redirect_stdout(sink), others.watching(index >= warmup):  # EMF lines Powertools prints
                started = time.perf_counter()
                response = app.lambda_handler(event, context)
                elapsed = time.perf_counter() - started
            in_dynamodb = timer.seconds - in_dynamodb
            if response["statusCode"] != 200:
                raise RuntimeError(f"{kind} was answered {response['statusCode']}: {response.get('body')}")
            turn_operations = [call.split(".", 1)[1] for call in counter.since(mark)]
            floor_time = floor.run(turn_operations)
            if index >= warmup:
                times[kind].append(elapsed)
                floors[kind].append(floor_time)
                handler_work[kind].append(elapsed - in_dynamodb)
                operations[kind].update(turn_operations)
                calls_per_turn[kind].add(len(turn_operations))
        assert repository.get(reminder_id).outcome is not None  # type: ignore[union-attr]

    others.stop()
    result: dict[str, Any] = {
        "backend": backend,
        "samples": samples,
        "warmup": warmup,
        "other_aws_calls_in_measured_turns": dict(others.calls),
        "turns": {},
    }
    for kind in KINDS:
        turn = percentiles(times[kind])
        base = percentiles(floors[kind])
        per_turn = {name: count / samples for name, count in sorted(operations[kind].items())}
        reads = sum(count for name, count in per_turn.items() if name in READS)
        result["turns"][kind] = {
            "label": LABELS[kind],
            "ms": {name: value * 1000 if name != "n" else value for name, value in turn.items()},
            "floor_ms": {name: value * 1000 if name != "n" else value for name, value in base.items()},
            "ratio": {name: ratio(turn[name], base[name]) for name in ("p50", "p95", "p99")},
            "overhead_p50_ms": 1000 * (turn["p50"] - base["p50"]),
            # The turn less the time inside the webhook's DynamoDB client: the budget's "handler work".
            "handler_work_ms": {
                name: value * 1000 if name != "n" else value for name, value in percentiles(handler_work[kind]).items()
            },
            "dynamodb_calls_per_turn": per_turn,
            "dynamodb_reads": reads,
            "dynamodb_writes": sum(per_turn.values()) - reads,
            "calls_per_turn_seen": sorted(calls_per_turn[kind]),
        }
    result["raw_ms"] = {
        kind: {"turn": [t * 1000 for t in times[kind]], "floor": [f * 1000 for f in floors[kind]]} for kind in KINDS
    }
    return result


def run(
    endpoint: str, dynamodb_local: str | None, samples: int = 300, local_samples: int = 200, warmup: int = 20
) -> dict[str, dict[str, Any]]:
    """The turns on moto's DynamoDB, and on DynamoDB Local when it is there; SSM on moto either way."""
    import boto3

    from bench.common import use_aws_environment

    use_aws_environment(endpoint)
    token_parameter = f"/bench/{uuid.uuid4().hex[:8]}/webhook-token"
    boto3.client("ssm").put_parameter(Name=token_parameter, Value=TOKEN, Type="SecureString")
    boto3.client("ssm").put_parameter(
        Name=NumberKeySettings().number_key_parameter, Value=NUMBER_KEY, Type="SecureString", Overwrite=True
    )
    # DynamoDB Local when it is there: the moto server's transactions stall under this load (a moto limit).
    if dynamodb_local is None:
        results = {"moto": measure("moto server", samples, warmup, token_parameter)}
    else:
        use_aws_environment(endpoint, dynamodb_local)
        results = {"dynamodb_local": measure("DynamoDB Local", local_samples, warmup, token_parameter)}
        use_aws_environment(endpoint)
    sys.modules.pop(APP_MODULE, None)
    return results


# Turns on a bad day: DynamoDB slow or hung, behind a proxy that puts the fault on the wire.

CONDITIONS = {"healthy": ("forward", 0.0), "slow (300 ms per call)": ("latency", 0.3), "hung": ("hang", 0.0)}


def _faulty_proxy(port: int) -> Any:
    """``tests/harness/tcp_proxy.py``'s proxy (one definition of the faults, shared with the tests)."""
    import importlib.util

    from bench import ROOT

    spec = importlib.util.spec_from_file_location("tcp_proxy", ROOT / "tests" / "harness" / "tcp_proxy.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("tcp_proxy", module)
    spec.loader.exec_module(module)
    return module.FaultyProxy(port)


def measure_deadline(backend: str, dynamodb_endpoint: str, calls: int, token_parameter: str) -> dict[str, Any]:
    """Each condition: ``calls`` calls of three turns, timed from the event's stamp to the answer."""
    import boto3

    from aiflow.testing import FakeLambdaContext, http_api_event
    from local.template import create_table
    from reminders.store.repository import ReminderRepository

    table = f"deadline-{uuid.uuid4().hex[:8]}"
    create_table(boto3.client("dynamodb", endpoint_url=dynamodb_endpoint), table)
    repository = ReminderRepository(
        table, client=boto3.client("dynamodb", endpoint_url=dynamodb_endpoint), number_keys=NUMBER_KEYS
    )
    results: dict[str, Any] = {"backend": backend, "calls": calls, "conditions": {}}
    with _faulty_proxy(int(dynamodb_endpoint.rsplit(":", 1)[1])) as proxy:
        os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = proxy.url
        try:
            app = _webhook(table, token_parameter)
        finally:
            os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = dynamodb_endpoint
        deadline_ms = app.config.turn_deadline_ms
        sink = NullStream()
        for condition, (mode, delay) in CONDITIONS.items():
            times: list[float] = []
            fallbacks = 0
            for index in range(calls):
                number = f"+4915793{len(results['conditions'])}{index:05d}"
                dialled_reminder(repository, f"deadline-{mode}-{index}", number)
                proxy.mode, proxy.delay = mode, delay
                session_id = str(uuid.uuid4())
                for kind in KINDS:
                    started = time.monotonic()
                    event = http_api_event(_body(kind, session_id, number), HEADERS)
                    with contextlib.redirect_stdout(sink):
                        response = app.lambda_handler(event, FakeLambdaContext())
                    times.append(time.monotonic() - started)
                    fallbacks += "Entschuldigung" in str(response.get("body"))
                proxy.mode = "forward"
            spread = percentiles(times)
            results.setdefault("raw_ms", {})[condition] = [round(t * 1000, 1) for t in times]
            results["conditions"][condition] = {
                "ms": {name: value * 1000 if name != "n" else value for name, value in spread.items()},
                "fallbacks": fallbacks,
                "turns": len(times),
                "deadline_ms": deadline_ms,
                "all_within_deadline": max(times) * 1000 < deadline_ms,
            }
    sys.modules.pop(APP_MODULE, None)
    return results


def run_deadline(endpoint: str, dynamodb_local: str | None, calls: int = 10) -> dict[str, Any]:
    """Turns with DynamoDB healthy, slow and hung (DynamoDB Local when it is there, else the moto server)."""
    import boto3

    from bench.common import use_aws_environment

    use_aws_environment(endpoint)
    token_parameter = f"/bench/{uuid.uuid4().hex[:8]}/webhook-token"
    boto3.client("ssm").put_parameter(Name=token_parameter, Value=TOKEN, Type="SecureString")
    boto3.client("ssm").put_parameter(
        Name=NumberKeySettings().number_key_parameter, Value=NUMBER_KEY, Type="SecureString", Overwrite=True
    )
    backend, dynamodb_endpoint = ("DynamoDB Local", dynamodb_local) if dynamodb_local else ("moto server", endpoint)
    return measure_deadline(backend, dynamodb_endpoint, calls, token_parameter)
