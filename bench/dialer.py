"""The dialer: one SQS batch of reminder calls, concurrently and one after another, and the calls-per-second cap.

    .venv/bin/python -m bench.dialer [--runs 5] [--sequential-runs 3] [--latency 0.2]

Everything runs on this machine: DynamoDB Local (the moto server when java is missing), a moto server for
SQS, Scheduler and SSM, and the SDK's fake sipgate (``aiflow.testing.sipgate``)
that answers each ``POST /v3/ai-flows/{id}/call`` with 201 after ``latency`` seconds and records when each
arrived. The batch figure is ``functions.dialer.app.lambda_handler`` on an SQS event of 10 records, against
the ideal (one round trip to sipgate, when the cap allows all of them in one second) and against the same
dialer handling the 10 messages one after another. The cap's figure is the largest number of calls that
reached sipgate in one wall-clock second while more were waiting, at several caps.
(Folded in from the former ``bench/dialer_batch.py``.)
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType
from typing import Any

from aiflow.testing.sipgate import FakeSipgate, Reply
from bench.common import ACCOUNT, REGION, CallCounter, NullStream, ratio

BATCH = 10
TOKEN_PARAMETER = "/bench/sipgate-token"  # noqa: S105 - a parameter name
TOKEN = "bench-token"  # noqa: S105 - the fake sipgate's
FLOW_ID = "bench-flow"


class _Context:
    function_name = "DialerFunction"
    memory_limit_in_mb = 512
    invoked_function_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:DialerFunction"
    aws_request_id = "bench"


def _time_zone() -> str:
    """A fixed-offset zone where it is about noon now, so that every call is inside the calling window."""
    offset = 12 - time.gmtime().tm_hour  # Etc/GMT-N is UTC+N
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


def _message(reminder_id: str, number: int) -> str:
    """A call-now message; each reminder has its own number (a number on a live call is not rung again)."""
    return json.dumps(
        {
            "kind": "dial",
            "reminder": {
                "reminder_id": reminder_id,
                "to_phone_number": f"+4915793{number:06d}",
                "appointment_at": "2040-01-01T12:00:00+00:00",
                "time_zone": _time_zone(),
                "name": "Ada Lovelace",
            },
        }
    )


def _record(body: str, queue_arn: str) -> dict[str, Any]:
    return {
        "messageId": str(uuid.uuid4()),
        "receiptHandle": "bench",
        "body": body,
        "attributes": {},
        "messageAttributes": {},
        "md5OfBody": "-",
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": REGION,
    }


class DialerBench:
    """The dialer module on fresh resources on loopback, its AWS calls counted."""

    def __init__(self, sipgate: FakeSipgate) -> None:
        import boto3

        from local.template import create_table

        self.sipgate = sipgate
        table = f"dialer-{uuid.uuid4().hex[:8]}"
        create_table(boto3.client("dynamodb"), table)
        sqs = boto3.client("sqs")
        self.queue_url = sqs.create_queue(QueueName=f"calls-{uuid.uuid4().hex[:8]}")["QueueUrl"]
        self.queue_arn = sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        group = f"reminders-{uuid.uuid4().hex[:8]}"
        boto3.client("scheduler").create_schedule_group(Name=group)
        boto3.client("ssm").put_parameter(Name=TOKEN_PARAMETER, Value=TOKEN, Type="SecureString", Overwrite=True)
        os.environ.update(
            {
                "TABLE_NAME": table,
                "SIPGATE_TOKEN_PARAMETER": TOKEN_PARAMETER,
                "SIPGATE_BASE_URL": sipgate.url,
                "AI_FLOW_ID": FLOW_ID,
                "BILLING_DEVICE": "e2",
                "CALL_QUEUE_URL": self.queue_url,
                "CALL_QUEUE_ARN": self.queue_arn,
                "SCHEDULER_GROUP": group,
                "SCHEDULER_ROLE_ARN": f"arn:aws:iam::{ACCOUNT}:role/bench",
                "POWERTOOLS_METRICS_NAMESPACE": "AiFlowRemindersBench",
            }
        )
        self.counter = CallCounter()
        self.counter.attach(boto3._get_default_session())  # before the dialer makes its clients
        self._numbers = iter(range(1_000_000))

    def app(self, calls_per_second: int) -> Any:
        """The dialer module configured for ``calls_per_second``, its clients and connections warm."""
        app: Any = importlib.import_module("functions.dialer.app")

        os.environ["CALLS_PER_SECOND"] = str(calls_per_second)
        app._config.cache_clear()
        app._dialer.cache_clear()
        app.logger.registered_handler.setStream(NullStream())
        app.lambda_handler({"kind": "dial", "reminder_id": "warm-up"}, _Context())
        self.sipgate.take_received()
        return app

    def messages(self, prefix: str, count: int) -> list[str]:
        return [_message(f"{prefix}-{uuid.uuid4().hex[:8]}", next(self._numbers)) for _ in range(count)]

    def batch(self, app: ModuleType, messages: list[str]) -> tuple[float, float]:
        """The batch's wall time, and the spread of its POSTs' arrivals at sipgate (first to last)."""
        records = [_record(body, self.queue_arn) for body in messages]
        self.sipgate.take_received()
        started = time.perf_counter()
        response = app.lambda_handler({"Records": records}, _Context())
        elapsed = time.perf_counter() - started
        if response != {"batchItemFailures": []}:
            raise RuntimeError(f"the batch did not go through: {response}")
        arrivals = [request.at for request in self.sipgate.take_received()]
        return elapsed, max(arrivals) - min(arrivals)

    def one_after_another(self, app: ModuleType, messages: list[str]) -> float:
        dialer = app._dialer(app._secrets().get(TOKEN_PARAMETER))
        started = time.perf_counter()
        for body in messages:
            disposition = dialer.handle(body)
            if disposition.value != "dialled":
                raise RuntimeError(f"a call was not dialled: {disposition}")
        return time.perf_counter() - started


def batch_figures(
    bench: DialerBench, runs: int, sequential_runs: int, latency: float, calls_per_second: int
) -> dict[str, Any]:
    app = bench.app(calls_per_second)
    concurrent, spreads, sequential, instant = [], [], [], []
    mark = bench.counter.mark()
    for run in range(runs):
        elapsed, spread = bench.batch(app, bench.messages(f"c{run}", BATCH))
        concurrent.append(elapsed)
        spreads.append(spread)
        if run < sequential_runs:
            sequential.append(bench.one_after_another(app, bench.messages(f"s{run}", BATCH)))
    calls = bench.counter.counts(mark)
    dials = (runs + sequential_runs) * BATCH
    # The same batch with sipgate answering at once: what the batch's AWS calls alone take on this machine.
    bench.sipgate.script(Reply())
    for run in range(runs):
        instant.append(bench.batch(app, bench.messages(f"i{run}", BATCH))[0])
    bench.sipgate.script(Reply(delay=latency))
    median_concurrent = statistics.median(concurrent)
    median_sequential = statistics.median(sequential)
    return {
        "batch": BATCH,
        "runs": runs,
        "sequential_runs": sequential_runs,
        "sipgate_latency_s": latency,
        "calls_per_second_cap": calls_per_second,
        "concurrent_s": concurrent,
        "sequential_s": sequential,
        "concurrent_median_s": median_concurrent,
        "sequential_median_s": median_sequential,
        "post_spread_median_s": statistics.median(spreads),
        "instant_sipgate_median_s": statistics.median(instant),
        "ideal_s": latency,
        "ratio_to_ideal": ratio(median_concurrent, latency),
        "sequential_over_concurrent": ratio(median_sequential, median_concurrent),
        "aws_calls_per_dial": {name: count / dials for name, count in sorted(calls.items())},
    }


def backend_concurrency(rounds: int = 10) -> dict[str, Any]:
    """What the batch's DynamoDB requests cost on this backend: one ``PutItem`` alone, and ``BATCH`` at once.

    Ten requests that take as long as ten one after another mean the backend (here: its share of the
    machine's cores) serves them one at a time, whatever the dialer overlaps.
    """
    import boto3

    from local.template import create_table

    table = f"concurrency-{uuid.uuid4().hex[:8]}"
    create_table(boto3.client("dynamodb"), table)
    clients = [boto3.client("dynamodb") for _ in range(BATCH)]

    def put(index: int) -> None:
        item = {"pk": {"S": f"PROBE#{uuid.uuid4().hex}"}, "payload": {"S": "x" * 500}}
        clients[index].put_item(TableName=table, Item=item, ConditionExpression="attribute_not_exists(pk)")

    alone, together = [], []
    with ThreadPoolExecutor(max_workers=BATCH) as pool:
        list(pool.map(put, range(BATCH)))  # connections warm
        for _ in range(rounds):
            started = time.perf_counter()
            put(0)
            alone.append(time.perf_counter() - started)
            started = time.perf_counter()
            list(pool.map(put, range(BATCH)))
            together.append(time.perf_counter() - started)
    one, ten = statistics.median(alone), statistics.median(together)
    return {"at_once": BATCH, "put_alone_s": one, "puts_at_once_s": ten, "at_once_over_alone": ratio(ten, one)}


def cap_figures(bench: DialerBench, calls_per_second: int, calls: int, workers: int) -> dict[str, Any]:
    """``calls`` dials from ``workers`` threads at once (two Lambda instances hold 20); calls per second seen."""
    app = bench.app(calls_per_second)
    dialer = app._dialer(app._secrets().get(TOKEN_PARAMETER))
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        dispositions = list(pool.map(dialer.handle, bench.messages(f"cap{calls_per_second}", calls)))
    elapsed = time.perf_counter() - started
    arrivals = [request.at for request in bench.sipgate.take_received()]
    if len(arrivals) != calls or any(d.value != "dialled" for d in dispositions):
        raise RuntimeError(f"cap {calls_per_second}: {len(arrivals)} of {calls} calls arrived: {Counter(dispositions)}")
    per_second = Counter(int(arrival) for arrival in arrivals)
    seconds = range(min(per_second), max(per_second) + 1)
    return {
        "cap": calls_per_second,
        "calls": calls,
        "workers": workers,
        "seconds": elapsed,
        "max_in_one_second": max(per_second.values()),
        "per_second": [per_second.get(second, 0) for second in seconds],
        "within_cap": max(per_second.values()) <= calls_per_second,
        "ideal_s": (calls - 1) // calls_per_second + 0.0,
    }


def run(
    endpoint: str,
    dynamodb_endpoint: str | None,
    runs: int = 5,
    sequential_runs: int = 3,
    latency: float = 0.2,
    caps: tuple[int, ...] = (1, 5, 20),
    cap_seconds: int = 3,
) -> dict[str, Any]:
    from bench.common import use_aws_environment

    use_aws_environment(endpoint, dynamodb_endpoint)
    with FakeSipgate(token=TOKEN, ai_flow_id=FLOW_ID) as sipgate:
        sipgate.script(Reply(delay=latency))
        bench = DialerBench(sipgate)
        # The batch with the cap out of the way (the template allows up to 100), then at the cap of 20.
        result: dict[str, Any] = {"batch": batch_figures(bench, runs, sequential_runs, latency, 100)}
        result["batch"]["dynamodb"] = "DynamoDB Local" if dynamodb_endpoint else "moto server"
        result["backend"] = backend_concurrency()
        result["cap"] = [
            cap_figures(bench, cap, calls=max(6, cap * cap_seconds), workers=min(2 * BATCH, max(6, cap * cap_seconds)))
            for cap in caps
        ]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sequential-runs", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.2, help="sipgate's answer time in seconds")
    args = parser.parse_args()
    from bench.common import dynamodb_local, moto_server

    with moto_server() as endpoint, dynamodb_local() as dynamodb_endpoint:
        result = run(endpoint, dynamodb_endpoint, args.runs, args.sequential_runs, args.latency)
    batch = result["batch"]
    print(f"batch of {BATCH}, sipgate answering in {args.latency * 1000:.0f} ms:")
    print(f"  concurrent (the Lambda's batch): median {batch['concurrent_median_s']:.2f} s")
    print(f"  one after another:               median {batch['sequential_median_s']:.2f} s")
    for cap in result["cap"]:
        print(f"  cap {cap['cap']}/s: {cap['calls']} calls, per second {cap['per_second']}")


if __name__ == "__main__":
    main()
