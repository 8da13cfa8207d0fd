"""Run a SAM function's handler locally in worker processes, each with the function's own environment.

Like Lambda, every worker is a separate process (module-level state and ``os.environ`` are its own),
handles one invocation at a time, and is reused between invocations (warm starts). Functions are
described by ``local.template.functions()``, read from ``template.yaml``.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

_REPO = Path(__file__).resolve().parents[1]


class InvocationError(RuntimeError):
    """The handler raised, or its worker died: what Lambda reports as a function error."""


@dataclass(frozen=True)
class FunctionSpec:
    """A function as the template describes it, with its environment resolved to local values."""

    logical_id: str
    code_dir: str
    handler: str
    timeout_seconds: float
    memory_mb: int
    environment: dict[str, str] = field(default_factory=dict)


class _Worker:
    def __init__(self, spec: FunctionSpec, environment: dict[str, str], log: IO[str]) -> None:
        read_fd, write_fd = os.pipe()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "local.lambda_worker", spec.code_dir, spec.handler, str(write_fd)],
            cwd=_REPO,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=log,
            stderr=log,
            text=True,
            pass_fds=(write_fd,),
        )
        os.close(write_fd)
        self.responses = os.fdopen(read_fd, encoding="utf-8")
        # Init happens now, as for a provisioned environment; a function that cannot start says why at once.
        ready = json.loads(self.responses.readline() or '{"init_error": "the worker exited during init"}')
        if "init_error" in ready:
            self.stop()
            raise InvocationError(f"{spec.logical_id} failed its init: {ready['init_error']} (see {log.name})")

    def invoke(self, event: Any, timeout_seconds: float) -> Any:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps({"event": event, "timeout_seconds": timeout_seconds}) + "\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            raise InvocationError(f"worker exited with status {self.process.wait()}") from None
        line = self.responses.readline()
        if not line:
            raise InvocationError(f"worker exited with status {self.process.wait()}")
        response = json.loads(line)
        if "error" in response:
            raise InvocationError(f"{response['error']['type']}: {response['error']['message']}")
        return response["result"]

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.responses.close()


class LocalFunction:
    """A function with ``concurrency`` warm workers; ``invoke`` waits for a free one."""

    def __init__(self, spec: FunctionSpec, *, base_environment: dict[str, str], log_path: Path, concurrency: int = 1):
        self.spec = spec
        self._log = log_path.open("a", encoding="utf-8")
        environment = {
            **base_environment,
            **spec.environment,
            "AWS_LAMBDA_FUNCTION_NAME": spec.logical_id,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
            "PYTHONUNBUFFERED": "1",
        }
        self._workers = [_Worker(spec, environment, self._log) for _ in range(concurrency)]
        self._idle: queue.Queue[_Worker] = queue.Queue()
        for worker in self._workers:
            self._idle.put(worker)

    def invoke(self, event: Any) -> Any:
        worker = self._idle.get()
        try:
            return worker.invoke(event, self.spec.timeout_seconds)
        finally:
            self._idle.put(worker)

    def stop(self) -> None:
        for worker in self._workers:
            worker.stop()
        self._log.close()
