"""The README's code is real: each Python block runs, and the SDK tour answers a whole call."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from aiflow.testing import CallSimulator, LambdaTarget

README = Path(__file__).parents[2] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)


def _run(block: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "readme"}
    exec(compile(block, str(README), "exec"), namespace)  # noqa: S102 - our own README, on purpose
    return namespace


def test_readme_has_python_examples() -> None:
    assert len(BLOCKS) >= 2


def test_sdk_tour_plays_a_call_through_its_lambda_handler(dynamodb_table: str) -> None:
    tour = BLOCKS[0].replace('DynamoDBSessionStore("my-table")', f'DynamoDBSessionStore("{dynamodb_table}")')
    namespace = _run(tour)
    simulator = CallSimulator(LambdaTarget(namespace["lambda_handler"]), "the secret set in the AI Flow settings")

    call = simulator.start_call()
    call.assert_said("say yes")
    call.say("Yes, I will be there")

    call.assert_said("see you then")
    call.assert_hung_up()


@pytest.mark.parametrize("block", BLOCKS[1:], ids=lambda block: block.splitlines()[0])
def test_other_examples_run(block: str) -> None:
    _run(block)
