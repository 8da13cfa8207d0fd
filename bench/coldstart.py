"""Cold start: importing and initialising each Lambda's module in fresh processes, as Lambda's init does.

Lambda runs the function from ``/var/task`` (the function's code), ``/opt/python`` (the layer) and the
runtime's own ``boto3``. ``sam build`` ships no bytecode and both directories are read-only, so every
cold start compiles the layer's and the function's modules from source. The same trees are built here
from this machine's pinned packages (hard links, no ``__pycache__``), and each process runs
``python -S`` with only those trees on ``PYTHONPATH``, ``PYTHONDONTWRITEBYTECODE=1`` and the standard
library's own bytecode (Lambda's runtime has it). Conditions:

- ``no .pyc``: nothing outside the standard library has bytecode: the issue's "honest proxy";
- ``runtime .pyc``: the runtime's boto3 has bytecode, the layer and the function have none: Lambda today
  if its runtime ships compiled boto3;
- ``all .pyc``: the layer and the function ship bytecode as well: the lever.

The floor is ``import boto3; boto3.client("dynamodb")``, in the same conditions, in the same loop.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement

from bench import LAYER_SOURCE, ROOT, SCRATCH
from bench.common import ACCOUNT, aws_environment, dialled_reminder, ratio, use_aws_environment
from reminders.settings import NumberKeySettings
from reminders.store.number_keys import NumberKeys

# The numbers' hash key, in the SecureString the webhook reads by default (NumberKeySettings).
NUMBER_KEY = "bench-number-key"
NUMBER_KEYS = NumberKeys.of(NUMBER_KEY)
PROBE = Path(__file__).with_name("_probe.py")
SITE_PACKAGES = Path(str(metadata.distribution("boto3").locate_file("")))
FUNCTIONS = {"webhook": ROOT / "functions" / "webhook", "dialer": ROOT / "functions" / "dialer"}
TOKEN = "bench-webhook-token"  # noqa: S105 - made up, on a local moto server
COMPILED = "timestamp"  # compileall's default invalidation mode, and what pip writes
LEVER_MODE = "unchecked-hash"  # the mode the layer's build should use (see bench/README.md)


# The trees.


def _requirements(path: Path) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("-")]


def _closure(requirements: Iterable[str]) -> list[metadata.Distribution]:
    """The installed distributions that ``requirements`` pull in, with their dependencies (no extras)."""
    seen: dict[str, metadata.Distribution] = {}
    pending = [Requirement(text) for text in requirements]
    while pending:
        requirement = pending.pop()
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        key = requirement.name.lower().replace("_", "-")
        if key in seen:
            continue
        distribution = metadata.distribution(requirement.name)
        seen[key] = distribution
        pending.extend(Requirement(text) for text in distribution.requires or [])
    return list(seen.values())


def _top_level(distribution: metadata.Distribution) -> set[str]:
    names = set()
    for file in distribution.files or []:
        first = file.parts[0]
        if first in ("..", "bin", "__pycache__") or first.endswith((".dist-info", ".data", ".pth")):
            continue
        names.add(first)
    return names


def _copy(source: Path, destination: Path) -> None:
    """Hard links without bytecode: as fast as a copy can be, and the sources keep their modification times."""
    if source.is_dir():
        shutil.copytree(
            source, destination, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"), copy_function=os.link
        )
    else:
        destination.parent.mkdir(parents=True, exist_ok=True)
        os.link(source, destination)


def _compile(trees: list[Path], mode: str) -> None:
    """``compileall`` with this interpreter, the runtime's Python: what the layer's build would run."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "-f", "-j", "0", "--invalidation-mode", mode, *map(str, trees)],
        check=True,
        stdout=subprocess.DEVNULL,
    )


@dataclass(frozen=True)
class Trees:
    """The code as Lambda lays it out, once without bytecode and once compiled (per invalidation mode)."""

    root: Path
    layer_packages: list[str]
    runtime_packages: list[str]

    def layer(self, compiled: str | None) -> Path:
        return self.root / (compiled or "source") / "opt-python"

    def runtime(self, compiled: str | None) -> Path:
        return self.root / (compiled or "source") / "runtime"

    def task(self, function: str, compiled: str | None) -> Path:
        return self.root / (compiled or "source") / f"task-{function}"


def build_trees(modes: Iterable[str]) -> Trees:
    """The trees without bytecode, and for each invalidation mode in ``modes`` the layer and tasks compiled.

    The runtime's boto3 is compiled once, in the default (timestamp) mode, whatever the layer's mode.
    """
    root = SCRATCH / "coldstart"
    shutil.rmtree(root, ignore_errors=True)
    layer = sorted(
        {name for dist in _closure(_requirements(LAYER_SOURCE / "requirements.txt")) for name in _top_level(dist)}
    )
    runtime = sorted({name for dist in _closure(["boto3"]) for name in _top_level(dist)})
    trees = Trees(root, layer, runtime)
    for variant in (None, *modes):
        for name in layer:
            _copy(SITE_PACKAGES / name, trees.layer(variant) / name)
        for package in ("aiflow", "reminders"):
            _copy(LAYER_SOURCE / package, trees.layer(variant) / package)
        for function, source in FUNCTIONS.items():
            _copy(source, trees.task(function, variant))
        if variant is not None:
            _compile([trees.layer(variant), *(trees.task(function, variant) for function in FUNCTIONS)], variant)
    for variant in (None, COMPILED):
        for name in runtime:
            _copy(SITE_PACKAGES / name, trees.runtime(variant) / name)
    _compile([trees.runtime(COMPILED)], COMPILED)
    shutil.copy(PROBE, root / PROBE.name)
    return trees


# The runs.


@dataclass(frozen=True)
class Series:
    """One line of the table: a target in one condition."""

    target: str  # floor, aiflow, webhook, dialer
    condition: str  # no .pyc, runtime .pyc, all .pyc, or a lever's name
    task: str | None  # compiled variant of the task root, None for source
    layer: str | None
    runtime: str | None
    defer_all: bool = False

    @property
    def key(self) -> str:
        return f"{self.target} / {self.condition}"


def main_series() -> list[Series]:
    c = COMPILED
    series = [Series("floor", "no .pyc", None, None, None), Series("floor", "all .pyc", None, None, c)]
    for target in ("aiflow", "webhook", "dialer"):
        series += [Series(target, "no .pyc", None, None, None), Series(target, "all .pyc", c, c, c)]
    return series


def lever_series() -> list[Series]:
    """Experiments on the webhook: where the bytecode is, its invalidation mode, every pydantic model deferred."""
    c, h = COMPILED, LEVER_MODE
    return [
        Series("webhook", "runtime .pyc only", None, None, c),
        Series("webhook", f"all .pyc, {h}", h, h, c),
        Series("webhook", "all .pyc, every model deferred", c, c, c, defer_all=True),
    ]


@dataclass
class Setup:
    """What the processes share: the trees, the environment, and a reminder on the line for each webhook run."""

    trees: Trees
    environment: dict[str, str]
    turns: list[Path]  # one file of API Gateway events per webhook run, used once each


def _function_environment(endpoint: str, table: str, token_parameter: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "TZ": "UTC",
        **aws_environment(endpoint),
        # Both functions' variables (template.yaml): each module reads its own.
        "POWERTOOLS_LOG_LEVEL": "INFO",
        "POWERTOOLS_METRICS_NAMESPACE": "AiFlowRemindersBench",
        "TABLE_NAME": table,
        "WEBHOOK_TOKEN_PARAMETER": token_parameter,
        "DEFAULT_LANGUAGE": "de-DE",
        "CALLER_NAME": "Praxis Dr. Weber",
        "SIPGATE_TOKEN_PARAMETER": "/bench/sipgate-token",
        "SIPGATE_BASE_URL": "http://127.0.0.1:9",
        "AI_FLOW_ID": "bench-flow",
        "BILLING_DEVICE": "e2",
        "CALLS_PER_SECOND": "5",
        "CALL_QUEUE_URL": f"{endpoint}/{ACCOUNT}/calls",
        "CALL_QUEUE_ARN": f"arn:aws:sqs:eu-central-1:{ACCOUNT}:calls",
        "SCHEDULER_GROUP": "reminders",
        "SCHEDULER_ROLE_ARN": f"arn:aws:iam::{ACCOUNT}:role/scheduler",
    }


def prepare(endpoint: str, webhook_runs: int, modes: Iterable[str]) -> Setup:
    """Build the trees, a table and the token on the moto server, and a dialled reminder per webhook run."""
    import boto3

    from aiflow.testing import http_api_event
    from local.template import create_table
    from reminders.store.repository import ReminderRepository

    trees = build_trees(modes)
    table = f"coldstart-{uuid.uuid4().hex[:8]}"
    create_table(boto3.client("dynamodb"), table)
    token_parameter = f"/bench/{uuid.uuid4().hex[:8]}/webhook-token"
    boto3.client("ssm").put_parameter(Name=token_parameter, Value=TOKEN, Type="SecureString")
    boto3.client("ssm").put_parameter(
        Name=NumberKeySettings().number_key_parameter, Value=NUMBER_KEY, Type="SecureString", Overwrite=True
    )
    repository = ReminderRepository(table, number_keys=NUMBER_KEYS)
    headers = {"Content-Type": "application/json", "X-API-TOKEN": TOKEN}
    turns_dir = trees.root / "turns"
    turns_dir.mkdir()
    turns = []
    for index in range(webhook_runs):
        number = f"+4915791{index:06d}"
        dialled_reminder(repository, f"cold-{index}", number)
        session = {"id": str(uuid.uuid4()), "account_id": "bench", "phone_number": number}
        start = {
            "type": "session_start",
            "session": {
                **session,
                "direction": "outbound",
                "from_phone_number": "+4921155660",
                "to_phone_number": number,
            },
        }
        speak = {"type": "user_speak", "text": "Wie bitte?", "session": session}
        path = turns_dir / f"{index}.json"
        path.write_text(json.dumps([http_api_event(json.dumps(body), headers) for body in (start, speak)]))
        turns.append(path)
    return Setup(trees, _function_environment(endpoint, table, token_parameter), turns)


def _run(setup: Setup, series: Series, result_path: Path, extra: list[str] | None = None) -> dict[str, Any]:
    trees = setup.trees
    path = [trees.layer(series.layer), trees.runtime(series.runtime)]
    if series.target == "floor":
        path = [trees.runtime(series.runtime)]  # boto3 and its own dependencies: no layer
    elif series.target in FUNCTIONS:
        path.insert(0, trees.task(series.target, series.task))
    environment = {**setup.environment, "PYTHONPATH": os.pathsep.join(str(p) for p in path)}
    if series.defer_all:
        environment["BENCH_DEFER_ALL"] = "1"
    command = [sys.executable, "-S", *(extra or []), str(trees.root / PROBE.name), series.target, str(result_path)]
    if series.target == "webhook":
        command.append(str(setup.turns.pop()))
    started = time.perf_counter()
    completed = subprocess.run(
        command,
        cwd=path[0],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
        timeout=120,
    )
    wall = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(f"{series.key}: the probe failed:\n{completed.stderr.decode()[-3000:]}")
    result: dict[str, Any] = json.loads(result_path.read_text())
    result["process_s"] = wall
    result["stderr"] = completed.stderr.decode()
    return result


def measure(setup: Setup, series: list[Series], runs: int) -> dict[str, list[dict[str, Any]]]:
    """``runs`` rounds; each round runs every series once, so that machine noise falls on all of them alike."""
    results: dict[str, list[dict[str, Any]]] = defaultdict(list)
    result_path = setup.trees.root / "result.json"
    for _ in range(runs):
        for one in series:
            result = _run(setup, one, result_path)
            result.pop("stderr")
            results[one.key].append(result)
    return dict(results)


_IMPORTTIME = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")


def import_breakdown(setup: Setup, series: Series, runs: int) -> dict[str, float]:
    """Where the init's import time goes (``-X importtime``, self time summed per package), median ms."""
    totals: dict[str, list[float]] = defaultdict(list)
    result_path = setup.trees.root / "importtime.json"
    for _ in range(runs):
        stderr = _run(setup, series, result_path, ["-X", "importtime"])["stderr"]
        sums: dict[str, float] = defaultdict(float)
        for match in _IMPORTTIME.finditer(stderr):
            module = match.group(4)
            parts = module.split(".")
            group = ".".join(parts[:2]) if parts[0] == "aws_lambda_powertools" and len(parts) > 1 else parts[0]
            if group not in _PACKAGES_OF_INTEREST and not group.startswith("aws_lambda_powertools"):
                group = "standard library and others"
            sums[group] += int(match.group(1)) / 1000
        for group, value in sums.items():
            totals[group].append(value)
    return dict(sorted(((g, statistics.median(v)) for g, v in totals.items()), key=lambda item: -item[1]))


_PACKAGES_OF_INTEREST = {
    "app",
    "aiflow",
    "reminders",
    "boto3",
    "botocore",
    "s3transfer",
    "dateutil",
    "urllib3",
    "requests",
    "pydantic",
    "pydantic_core",
    "typing_extensions",
    "typing_inspection",
    "annotated_types",
    "jmespath",
    "zoneinfo",
    "tzdata",
}


def summarise(results: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Medians per series, with ratios to the floor of the same bytecode condition."""
    summary: dict[str, Any] = {}
    for key, runs in results.items():
        target, condition = key.split(" / ", 1)
        entry: dict[str, Any] = {
            "target": target,
            "condition": condition,
            "runs": len(runs),
            "init_ms": 1000 * statistics.median(r["init_s"] for r in runs),
            "init_ms_min": 1000 * min(r["init_s"] for r in runs),
            "init_ms_max": 1000 * max(r["init_s"] for r in runs),
            "process_ms": 1000 * statistics.median(r["process_s"] for r in runs),
            "init_schema_ms": 1000 * statistics.median(r.get("init_schema_s", 0.0) for r in runs),
            "init_schema_builds": statistics.median(r.get("init_schema_builds", 0) for r in runs),
            "modules": statistics.median(r["modules"] for r in runs),
            "init_connects": sorted({c for r in runs for c in r["init_connects"]}),
        }
        if target == "dialer":
            entry["setup_ms"] = 1000 * statistics.median(r["setup_s"] for r in runs)
            entry["setup_connects"] = sorted({c for r in runs for c in r["setup_connects"]})
        if target == "webhook":
            first = [r["turns"][0] for r in runs]
            second = [r["turns"][1] for r in runs]
            if any(turn["status"] != 200 for turn in first + second):
                raise RuntimeError(f"{key}: a turn was not answered 200: {[t['status'] for t in first + second]}")
            entry["first_turn_ms"] = 1000 * statistics.median(t["seconds"] for t in first)
            entry["first_turn_schema_ms"] = 1000 * statistics.median(t["schema_s"] for t in first)
            entry["first_turn_gc_ms"] = 1000 * statistics.median(t["gc_s"] for t in first)
            entry["second_turn_ms"] = 1000 * statistics.median(t["seconds"] for t in second)
            entry["init_and_first_turn_ms"] = 1000 * statistics.median(
                r["init_s"] + r["turns"][0]["seconds"] for r in runs
            )
        summary[key] = entry
    for entry in summary.values():
        floor_condition = "no .pyc" if entry["condition"].startswith("no .pyc") else "all .pyc"
        floor = summary.get(f"floor / {floor_condition}")
        if floor is not None:
            entry["floor"] = f"floor / {floor_condition}"
            entry["ratio_to_floor"] = ratio(entry["init_ms"], floor["init_ms"])
    return summary


def run(endpoint: str, runs: int = 20, lever_runs: int = 10, breakdown_runs: int = 3) -> dict[str, Any]:
    use_aws_environment(endpoint)
    main = main_series()
    levers = lever_series()
    webhook_runs = sum(s.target == "webhook" for s in main) * runs + len(levers) * lever_runs + 2 * breakdown_runs
    started = time.perf_counter()
    setup = prepare(endpoint, webhook_runs, (COMPILED, LEVER_MODE))
    prepared = time.perf_counter() - started
    results = measure(setup, main, runs)
    results |= measure(setup, levers, lever_runs)
    breakdown = {
        condition: import_breakdown(setup, Series("webhook", condition, c, c, c), breakdown_runs)
        for condition, c in (("no .pyc", None), ("all .pyc", COMPILED))
    }
    shutil.rmtree(setup.trees.root, ignore_errors=True)
    return {
        "runs": runs,
        "lever_runs": lever_runs,
        "prepare_s": prepared,
        "layer_packages": setup.trees.layer_packages,
        "runtime_packages": setup.trees.runtime_packages,
        "series": summarise(results),
        "webhook_import_breakdown_ms": breakdown,
        "raw": {key: [{k: v for k, v in r.items() if k != "modules"} for r in rs] for key, rs in results.items()},
    }
