"""``python -m local`` (``make local``): keep the local stack running for manual use until Ctrl-C.

Prints the webhook URL and token (to try the webhook with curl, or point a simulator at it), the URL of
the SDK's example practice assistant (``local/example.py``), and the environment that points
``python -m reminders ...`` at this stack.
"""

from __future__ import annotations

import argparse
import contextlib
import shlex
import signal
import threading
from pathlib import Path

from local.stack import LocalStack


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local", description=__doc__.splitlines()[0])
    parser.add_argument("--dynamodb", choices=("auto", "local", "moto"), default="auto")
    parser.add_argument("--work-dir", type=Path, default=Path(".local-stack"), help="logs of the functions")
    parser.add_argument(
        "--parameter", action="append", default=[], metavar="NAME=VALUE", help="template parameter override"
    )
    parser.add_argument(
        "--example-model",
        metavar="MODEL_ID",
        help="a Bedrock model for the example assistant, reached with this shell's AWS credentials "
        "(default: the stack's fake Bedrock, unless AWS_ENDPOINT_URL_BEDROCK_RUNTIME is set)",
    )
    args = parser.parse_args(argv)
    overrides = dict(item.split("=", 1) for item in args.parameter)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    with LocalStack(
        work_dir=args.work_dir,
        dynamodb=args.dynamodb,
        parameter_overrides=overrides,
        example_model_id=args.example_model,
    ) as stack:
        info = stack.info
        model = "fake Bedrock, scripted" if stack.example.bedrock else "Bedrock"
        print(f"DynamoDB:      {info.dynamodb}")
        print(f"webhook URL:   {info.webhook_url}")
        print(f"webhook token: {info.webhook_token}   (send it as X-API-TOKEN)")
        print(f"example:       {info.example_url}   (the SDK's practice assistant, same token; {model})")
        play = f"--url {info.example_url} --token {shlex.quote(info.webhook_token)}"
        print(f"  play a call: python -m examples.practice_assistant {play}")
        print(f"fake sipgate:  {info.sipgate_url}")
        print(f"function logs: {args.work_dir}/")
        print("\nPoint `python -m reminders ...` at this stack (in another shell):")
        for name, value in sorted(info.environment.items()):
            print(f"export {name}={shlex.quote(value)}")
        print("\nRunning. Ctrl-C stops everything.")
        with contextlib.suppress(KeyboardInterrupt):
            stopped.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
