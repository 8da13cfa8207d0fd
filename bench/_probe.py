"""One cold start, run by ``bench.coldstart`` in a fresh ``python -S`` process: ``_probe.py TARGET RESULT [TURNS]``.

Only the standard library is imported before the clock starts. TARGET is what Lambda's init would run:

- ``floor``: ``import boto3; boto3.client("dynamodb")``
- ``aiflow``: ``import aiflow``
- ``webhook``: ``import app`` (functions/webhook/app.py as Lambda's task root holds it); then, if TURNS
  names a JSON file of API Gateway events, each is handed to ``app.lambda_handler`` in turn and timed
- ``dialer``: ``import app`` (functions/dialer/app.py); then its first invocation's setup, ``app._dialer()``
  (its configuration and three boto3 clients), timed apart

Socket connections are recorded through the audit hook: module init must not touch the network. The time
pydantic spends building validators is measured by wrapping its two builders as they are imported, and
the garbage collector's pauses in each turn through ``gc.callbacks``.
``BENCH_DEFER_ALL=1`` makes every model defer its validator to first use (the lever, as an experiment).
The result, JSON, goes to the file RESULT.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from importlib.machinery import PathFinder
from typing import Any

_connects: list[str] = []
_schema = {"seconds": 0.0, "builds": 0, "depth": 0}
_collections = {"seconds": 0.0, "count": 0, "started": 0.0}  # the garbage collector's pauses


def _on_collection(phase: str, info: dict[str, Any]) -> None:
    if phase == "start":
        _collections["started"] = time.perf_counter()
    else:
        _collections["seconds"] += time.perf_counter() - _collections["started"]
        _collections["count"] += 1


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event == "socket.connect":
        _connects.append(repr(args[1]))


def _timed(build: Any) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if _schema["depth"]:
            return build(*args, **kwargs)
        _schema["depth"] = 1
        started = time.perf_counter()
        try:
            return build(*args, **kwargs)
        finally:
            _schema["seconds"] += time.perf_counter() - started
            _schema["builds"] += 1
            _schema["depth"] = 0

    return wrapper


def _patch_model_construction(module: Any) -> None:
    module.complete_model_class = _timed(module.complete_model_class)


def _patch_type_adapter(module: Any) -> None:
    adapter = module.TypeAdapter
    original = adapter._init_core_attrs

    def init_core_attrs(self: Any, ns_resolver: Any, force: bool, raise_errors: bool = False) -> bool:
        if not force and self._defer_build:
            return bool(original(self, ns_resolver, force, raise_errors))  # mocks only: not a build
        return bool(_timed(original)(self, ns_resolver, force, raise_errors))

    adapter._init_core_attrs = init_core_attrs


def _patch_config(module: Any) -> None:
    module.config_defaults["defer_build"] = True


_PATCHES = {
    "pydantic._internal._model_construction": _patch_model_construction,
    "pydantic.type_adapter": _patch_type_adapter,
}
if os.environ.get("BENCH_DEFER_ALL") == "1":
    _PATCHES["pydantic._internal._config"] = _patch_config


class _PatchOnImport:
    """A meta path finder that lets the real finder find a module, then patches it right after it runs."""

    @staticmethod
    def find_spec(name: str, path: Any, target: Any = None) -> Any:
        patch = _PATCHES.get(name)
        if patch is None:
            return None
        spec = PathFinder.find_spec(name, path, target)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        execute = loader.exec_module

        def exec_module(module: Any) -> None:
            execute(module)
            patch(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


class _Context:
    """The Lambda context attributes that Powertools reads."""

    function_name = "bench"
    function_version = "$LATEST"
    memory_limit_in_mb = 1769
    invoked_function_arn = "arn:aws:lambda:eu-central-1:123456789012:function:bench"
    aws_request_id = "00000000-0000-0000-0000-000000000000"
    log_group_name = "/aws/lambda/bench"
    log_stream_name = "bench"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 3000


def main() -> None:
    target, result_path = sys.argv[1], sys.argv[2]
    sys.addaudithook(_audit)
    sys.meta_path.insert(0, _PatchOnImport())
    gc.callbacks.append(_on_collection)
    result: dict[str, Any] = {"target": target}

    started = time.perf_counter()
    if target == "floor":
        import boto3

        boto3.client("dynamodb")
    elif target == "aiflow":
        import aiflow  # noqa: F401
    elif target in ("webhook", "dialer"):
        import app  # type: ignore[import-not-found]
    else:
        raise SystemExit(f"unknown target {target}")
    result["init_s"] = time.perf_counter() - started
    result["init_connects"] = list(_connects)
    result["init_schema_s"] = _schema["seconds"]
    result["init_schema_builds"] = _schema["builds"]
    result["modules"] = len(sys.modules)

    if target == "dialer":
        _schema.update(seconds=0.0, builds=0)
        started = time.perf_counter()
        app._dialer("bench-token")
        result["setup_s"] = time.perf_counter() - started
        result["setup_connects"] = _connects[len(result["init_connects"]) :]
        result["setup_schema_s"] = _schema["seconds"]
    if target == "webhook" and len(sys.argv) > 3:
        with open(sys.argv[3], encoding="utf-8") as stream:
            events = json.load(stream)
        turns = []
        for event in events:
            _schema.update(seconds=0.0, builds=0)
            _collections.update(seconds=0.0, count=0)
            started = time.perf_counter()
            response = app.lambda_handler(event, _Context())
            turns.append(
                {
                    "seconds": time.perf_counter() - started,
                    "status": response["statusCode"],
                    "schema_s": _schema["seconds"],
                    "schema_builds": _schema["builds"],
                    "gc_s": _collections["seconds"],
                    "gc_collections": _collections["count"],
                }
            )
        result["turns"] = turns

    with open(result_path, "w", encoding="utf-8") as stream:
        json.dump(result, stream)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # as a frozen Lambda environment: no interpreter teardown, which only costs the parent's time


if __name__ == "__main__":
    main()
