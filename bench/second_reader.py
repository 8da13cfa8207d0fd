"""The second reader in the webhook (``UnderstandingModelId``): its cold start with and without the model, and the
turn of an answer the rules leave unclear with the fake Bedrock answering in 0.3 s and 1.2 s.

- ``coldstart_ms``: ``import functions.webhook.app`` (its configuration read, its clients made) in fresh
  processes, the model unset and set in turn, with this machine's packages and their bytecode. ``coldstart``
  measures the webhook as Lambda lays it out; this is the difference the model makes (with it, the Bedrock
  client is made at init; without it, nothing of ``aiflow.llm`` is imported).
- ``turns``: ``lambda_handler`` in this process at the default 800 ms deadline, DynamoDB (Local if there,
  else the moto server) and SSM on loopback. Each sample is a call: ``session_start`` (not timed), then the
  unclear answer, timed from its event's stamp. Per condition (the model off; answering a sure reading in
  0.3 s and in 1.2 s): the turn's ms, the share the model's reading decided, the share asked again, and
  whether every turn answered within the deadline.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from typing import Any

from bench import LAYER_SOURCE, ROOT
from bench.common import NullStream, aws_environment, dialled_reminder, percentiles

MODEL = "eu.amazon.nova-micro-v1:0"
LATENCIES = (0.3, 1.2)  # published: Nova Micro ~0.3-0.5 s, Claude Haiku ~1.1-1.4 s for a short answer
UNCLEAR = "Hm, also, das kriegen wir schon irgendwie hin, vielleicht"  # a hedge: the rules ask again
ASKED_AGAIN = "Entschuldigung, das habe ich nicht verstanden."
CONFIRMED = "ist bestätigt"
_NUMBERS = itertools.count()  # one callee per call: a number's line stays claimed after its call
_INIT_PROBE = (
    "import sys, time\n"
    "started = time.perf_counter()\n"
    "import functions.webhook.app\n"
    "print(time.perf_counter() - started, 'aiflow.llm' in sys.modules)\n"
)


def _webhook_environment(endpoint: str, table: str, token_parameter: str) -> dict[str, str]:
    return {
        **aws_environment(endpoint),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": f"{LAYER_SOURCE}{os.pathsep}{ROOT}",
        "TABLE_NAME": table,
        "WEBHOOK_TOKEN_PARAMETER": token_parameter,
        "CALLER_NAME": "Praxis Dr. Weber",
        "INBOUND_CALLBACKS": "off",
        "POWERTOOLS_METRICS_NAMESPACE": "AiFlowRemindersBench",
    }


def measure_coldstart(endpoint: str, runs: int) -> dict[str, Any]:
    """The webhook's init in fresh processes, without and with the model, interleaved (the machine's load is shared)."""
    base = _webhook_environment(endpoint, "bench-init", "/bench/init/webhook-token")
    conditions = {"model off": base, "model on": {**base, "UNDERSTANDING_MODEL_ID": MODEL}}
    times: dict[str, list[float]] = {name: [] for name in conditions}
    imported: dict[str, bool] = {}
    for _ in range(runs):
        for name, environment in conditions.items():
            probe = subprocess.run(
                [sys.executable, "-c", _INIT_PROBE], env=environment, capture_output=True, text=True, check=True
            )
            seconds, llm = probe.stdout.split()
            times[name].append(float(seconds) * 1000)
            imported[name] = llm == "True"
    result: dict[str, Any] = {
        name: {"median_ms": statistics.median(values), "min_ms": min(values), "runs": len(values)}
        for name, values in times.items()
    }
    for name in conditions:
        result[name]["imports_aiflow_llm"] = imported[name]
    result["model_costs_ms"] = result["model on"]["median_ms"] - result["model off"]["median_ms"]
    return result


def _turns(app: Any, repository: Any, fake: Any, latency: float | None, calls: int) -> dict[str, Any]:
    """``calls`` calls, each the unclear answer after ``session_start``; the fake answers after ``latency``."""
    from aiflow.testing import FakeLambdaContext, http_api_event
    from aiflow.testing.bedrock import tool_use
    from bench.turns import HEADERS, _body

    times, decided, asked_again = [], 0, 0
    sink = NullStream()
    for _ in range(calls):
        number = f"+4915794{next(_NUMBERS):06d}"
        reminder_id = f"second-reader-{uuid.uuid4().hex[:8]}"
        dialled_reminder(repository, reminder_id, number)
        session_id = str(uuid.uuid4())
        with contextlib.redirect_stdout(sink):
            app.lambda_handler(http_api_event(_body("session_start", session_id, number), HEADERS), FakeLambdaContext())
        if latency is not None:
            fake.script(tool_use("record_reading", {"intent": "confirm", "confidence": 0.95}, delay=latency))
        session = {"id": session_id, "account_id": "bench", "phone_number": number}
        body = json.dumps({"type": "user_speak", "text": UNCLEAR, "session": session})
        started = time.monotonic()
        event = http_api_event(body, HEADERS)
        with contextlib.redirect_stdout(sink):
            answer = str(app.lambda_handler(event, FakeLambdaContext()).get("body"))
        times.append(time.monotonic() - started)
        decided += CONFIRMED in answer
        asked_again += ASKED_AGAIN in answer
    deadline_ms = app.config.turn_deadline_ms
    return {
        "ms": {name: value * 1000 if name != "n" else value for name, value in percentiles(times).items()},
        "decided_by_the_model_share": decided / calls,
        "asked_again_share": asked_again / calls,
        "deadline_ms": deadline_ms,
        "all_within_deadline": max(times) * 1000 < deadline_ms,
    }


def measure_turns(endpoint: str, dynamodb_endpoint: str, calls: int, token_parameter: str) -> dict[str, Any]:
    import boto3

    from aiflow.testing.bedrock import FakeBedrock
    from bench.turns import APP_MODULE, NUMBER_KEY, NUMBER_KEYS, _webhook
    from local.template import create_table
    from reminders.settings import NumberKeySettings
    from reminders.store.repository import ReminderRepository

    table = f"second-reader-{uuid.uuid4().hex[:8]}"
    create_table(boto3.client("dynamodb", endpoint_url=dynamodb_endpoint), table)
    # The numbers' hash key, as the webhook reads it from SSM and the dialer's side holds it.
    boto3.client("ssm").put_parameter(
        Name=NumberKeySettings().number_key_parameter, Value=NUMBER_KEY, Type="SecureString", Overwrite=True
    )
    repository = ReminderRepository(
        table, client=boto3.client("dynamodb", endpoint_url=dynamodb_endpoint), number_keys=NUMBER_KEYS
    )
    results: dict[str, Any] = {"calls": calls, "answer": UNCLEAR, "conditions": {}}
    os.environ.pop("TURN_DEADLINE_MS", None)  # the default deadline
    with FakeBedrock() as fake:
        os.environ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] = fake.url
        for latency in (None, *LATENCIES):
            if latency is None:
                os.environ.pop("UNDERSTANDING_MODEL_ID", None)
            else:
                os.environ["UNDERSTANDING_MODEL_ID"] = MODEL
            app = _webhook(table, token_parameter)
            name = "model off" if latency is None else f"model answers in {latency:g} s"
            results["conditions"][name] = _turns(app, repository, fake, latency, calls)
        os.environ.pop("AWS_ENDPOINT_URL_BEDROCK_RUNTIME")
        os.environ.pop("UNDERSTANDING_MODEL_ID", None)
    sys.modules.pop(APP_MODULE, None)
    return results


def run(endpoint: str, dynamodb_local: str | None, calls: int = 20, coldstart_runs: int = 10) -> dict[str, Any]:
    """Both parts; DynamoDB Local when it is there, else the moto server; SSM on moto either way."""
    import boto3

    from bench.common import use_aws_environment
    from bench.turns import TOKEN

    use_aws_environment(endpoint)
    token_parameter = f"/bench/{uuid.uuid4().hex[:8]}/webhook-token"
    boto3.client("ssm").put_parameter(Name=token_parameter, Value=TOKEN, Type="SecureString")
    coldstart = measure_coldstart(endpoint, coldstart_runs)
    backend, dynamodb_endpoint = ("DynamoDB Local", dynamodb_local) if dynamodb_local else ("moto server", endpoint)
    use_aws_environment(endpoint, dynamodb_local)
    turns = {"backend": backend, **measure_turns(endpoint, dynamodb_endpoint, calls, token_parameter)}
    use_aws_environment(endpoint)
    return {"coldstart_ms": coldstart, "turns": turns}
