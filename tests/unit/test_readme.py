"""The README's code is real: each Python block runs, the FastAPI assistant answers a call behind uvicorn
and the Lambda tour a whole call through its handler."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from aiflow.testing import CallSimulator, HttpTarget, LambdaTarget, SimulatorError
from tests.servers import uvicorn_serving

README = Path(__file__).parents[2] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)


def _run(block: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "readme"}
    exec(compile(block, str(README), "exec"), namespace)  # noqa: S102 - our own README, on purpose
    return namespace


def test_readme_has_python_examples() -> None:
    assert len(BLOCKS) >= 3


def test_the_readme_opens_with_pip_install_and_a_ten_line_fastapi_assistant() -> None:
    text = README.read_text(encoding="utf-8")
    first_code = text.index("```")
    assert text[first_code:].startswith("```sh\npip install aiflow-kit")
    lines = [line for line in BLOCKS[0].splitlines() if line.strip() and not line.startswith(("#", "from "))]
    assert "from fastapi import FastAPI" in BLOCKS[0]
    assert len(lines) <= 10, "ten lines besides the imports"


def test_the_fastapi_assistant_answers_a_call_behind_uvicorn() -> None:
    namespace = _run(BLOCKS[0])

    with uvicorn_serving(namespace["app"]) as url:
        call = CallSimulator(HttpTarget(f"{url}/webhook"), "the secret set in the AI Flow settings").start_call()
        call.assert_said("How can I help?")
        call.say("I need a new appointment")
        call.assert_said("You said: I need a new appointment.")
        refused = CallSimulator(HttpTarget(f"{url}/webhook"), "a wrong secret")
        with pytest.raises(SimulatorError, match="HTTP 401"):
            refused.start_call()


def test_sdk_tour_plays_a_call_through_its_lambda_handler(dynamodb_table: str) -> None:
    tour = BLOCKS[1].replace('DynamoDBSessionStore("my-table")', f'DynamoDBSessionStore("{dynamodb_table}")')
    namespace = _run(tour)
    simulator = CallSimulator(LambdaTarget(namespace["lambda_handler"]), "the secret set in the AI Flow settings")

    call = simulator.start_call()
    call.assert_said("say yes")
    call.say("Yes, I will be there")

    call.assert_said("see you then")
    call.assert_hung_up()


@pytest.mark.parametrize("block", BLOCKS[2:], ids=lambda block: block.splitlines()[0])
def test_other_examples_run(block: str) -> None:
    _run(block)
