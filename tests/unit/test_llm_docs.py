"""The twenty-line phone agent (the README, the SDK's guides) answers a call behind the fake Bedrock, with its tool."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from aiflow.testing import CallSimulator
from aiflow.testing.bedrock import FakeBedrock, text, tool_use

ROOT = Path(__file__).resolve().parents[2]
GUIDES = [ROOT / "README.md", ROOT / "docs" / "sdk.md", ROOT / "packaging" / "aiflow-kit" / "README.md"]


def _agent_block(guide: Path) -> str:
    blocks = re.findall(r"```python\n(.*?)```", guide.read_text(encoding="utf-8"), flags=re.DOTALL)
    (agent,) = [block for block in blocks if "from aiflow.llm import" in block]
    return str(agent)


@pytest.mark.parametrize("guide", GUIDES, ids=lambda guide: str(guide.relative_to(ROOT)))
def test_the_twenty_line_agent_answers_with_its_tool(guide: Path) -> None:
    block = _agent_block(guide)
    namespace: dict[str, Any] = {"__name__": "docs"}
    exec(compile(block, str(guide), "exec"), namespace)  # noqa: S102 - our own docs, on purpose
    lines = [line for line in block.splitlines() if line.strip()]

    with FakeBedrock() as bedrock, bedrock.applied():
        bedrock.script(tool_use("opening_hours", {"day": "friday"}), text("On Fridays we are open from 8 to 1."))
        call = CallSimulator(namespace["assistant"], "the secret set in the AI Flow settings").start_call()
        call.assert_said("How can I help?")
        call.say("When are you open on Friday?")

    assert len(lines) <= 22, "twenty lines, give or take the imports"
    call.assert_said("On Fridays we are open from 8 to 1.")
    assert bedrock.received[1].messages[-1]["content"][0]["toolResult"]["content"] == [{"text": "8-13"}]
