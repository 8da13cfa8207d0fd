"""One Lambda execution environment: ``python -m local.lambda_worker CODE_DIR HANDLER RESPONSE_FD``.

Imports ``HANDLER`` (``module.function``) from ``CODE_DIR`` with the layer on ``sys.path``, the way
the Lambda runtime does, then answers invocations: one JSON request per line on stdin, one JSON
response per line on the inherited file descriptor ``RESPONSE_FD``. stdout and stderr stay free for
the function's own logs.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import traceback
import uuid
from pathlib import Path
from typing import Any

_REPO = Path(__file__).resolve().parents[1]


class LambdaContext:
    """The attributes of Lambda's context object that handlers and Powertools read."""

    def __init__(self, function_name: str, memory_mb: int, deadline: float) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = memory_mb
        self.invoked_function_arn = f"arn:aws:lambda:eu-central-1:123456789012:function:{function_name}"
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"
        self._deadline = deadline

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def main() -> None:
    code_dir, handler_path, response_fd = sys.argv[1], sys.argv[2], int(sys.argv[3])
    sys.path[:0] = [str(_REPO / code_dir), str(_REPO / "layers" / "aiflow")]
    module_name, function_name = handler_path.rsplit(".", 1)
    responses = os.fdopen(response_fd, "w", encoding="utf-8")
    try:
        handler = getattr(importlib.import_module(module_name), function_name)
    except Exception as error:  # Lambda's Init error: report it, and this environment is gone
        traceback.print_exc()
        responses.write(json.dumps({"init_error": f"{type(error).__name__}: {error}"}) + "\n")
        responses.flush()
        raise SystemExit(1) from None
    responses.write(json.dumps({"ready": True}) + "\n")
    responses.flush()
    name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "local")
    memory = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"))
    for line in sys.stdin:
        request = json.loads(line)
        context = LambdaContext(name, memory, time.monotonic() + request["timeout_seconds"])
        try:
            response: dict[str, Any] = {"result": handler(request["event"], context)}
        except Exception as error:  # a Lambda that raises: the runtime reports it, the worker lives on
            response = {"error": {"type": type(error).__name__, "message": str(error)}}
            traceback.print_exc()
        responses.write(json.dumps(response, default=str) + "\n")
        responses.flush()


if __name__ == "__main__":
    main()
