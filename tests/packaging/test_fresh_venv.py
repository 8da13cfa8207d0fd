"""The built SDK wheel in a fresh virtual environment, as a user installs it: pydantic only, no boto3.

`make dist` builds the wheels (`make pytest` runs it first). The test installs the SDK's wheel with the
project's constraints, then, in that environment alone, plays the example assistant through the call
simulator and checks that each missing extra names itself when used.
"""

from __future__ import annotations

import json
import subprocess
import textwrap
import venv
import zipfile
from pathlib import Path

import pytest

import aiflow

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
SOURCES = ROOT / "layers" / "aiflow"

# Runs inside the fresh environment, with examples/appointment_assistant.py beside it.
CHECK = textwrap.dedent(
    """
    import importlib.metadata
    import importlib.util

    import aiflow
    from aiflow.testing import CallSimulator
    from appointment_assistant import create_assistant

    assert importlib.util.find_spec("boto3") is None, "boto3 came with the SDK"
    assert importlib.util.find_spec("requests") is None, "requests came without [outbound]"
    print("installed", importlib.metadata.version("aiflow-kit"), aiflow.__file__)

    call = CallSimulator(create_assistant(webhook_token="t"), "t").start_call(direction="outbound")
    call.say("Yes, I'll be there.")
    call.assert_said("confirmed")
    call.assert_hung_up()
    print(call.transcript_text())

    import aiflow.llm

    def bedrock_client():
        return aiflow.llm.BedrockConverse("eu.amazon.nova-micro-v1:0").client

    for use in (lambda: aiflow.OutboundClient, lambda: aiflow.DynamoDBSessionStore("table"), bedrock_client):
        try:
            use()
        except ImportError as error:
            print("missing extra:", error)
        else:
            raise AssertionError("a feature of a missing extra worked")
    """
)


def _built(distribution: str) -> Path:
    """The wheel of ``distribution`` in dist/, checked to hold exactly today's sources."""
    wheel = DIST / f"{distribution}-{aiflow.__version__}-py3-none-any.whl"
    if not wheel.exists():
        pytest.fail(f"{wheel.relative_to(ROOT)} is not built: run `make dist` (make pytest does)")
    with zipfile.ZipFile(wheel) as archive:
        shipped = {name: archive.read(name) for name in archive.namelist() if name.endswith((".py", ".typed"))}
    package = next(iter(shipped)).split("/")[0]
    sources = {
        str(path.relative_to(SOURCES)): path.read_bytes()
        for path in (SOURCES / package).rglob("*")
        if path.suffix in (".py", ".typed") and "__pycache__" not in path.parts
    }
    if shipped != sources:
        pytest.fail(f"{wheel.relative_to(ROOT)} is older than the sources: run `make dist` (make pytest does)")
    return wheel


def test_the_sdk_wheel_installs_without_boto3_and_plays_a_call(tmp_path: Path) -> None:
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    install = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile"]
    subprocess.run(  # noqa: S603 - our own wheel and constraints
        [*install, "-c", str(ROOT / "constraints.txt"), str(_built("aiflow_kit"))], check=True, timeout=120
    )
    (tmp_path / "appointment_assistant.py").write_bytes((ROOT / "examples" / "appointment_assistant.py").read_bytes())
    (tmp_path / "check.py").write_text(CHECK, encoding="utf-8")

    checked = subprocess.run(  # noqa: S603
        [str(python), "check.py"], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )

    assert checked.returncode == 0, checked.stderr
    assert f"installed {aiflow.__version__} {environment}" in checked.stdout, "the wheel's aiflow, not the repo's"
    assert "assistant: Thank you" in checked.stdout or "confirmed" in checked.stdout
    assert "missing extra: placing outbound calls (aiflow.outbound) needs the package 'requests'" in checked.stdout
    assert "pip install 'aiflow-kit[outbound]'" in checked.stdout
    assert "missing extra: DynamoDBSessionStore needs the package 'boto3', which is not installed: " in checked.stdout
    assert "pip install 'aiflow-kit[aws]'" in checked.stdout
    assert "missing extra: BedrockConverse needs the package 'boto3'" in checked.stdout
    assert "pip install 'aiflow-kit[bedrock]'" in checked.stdout
    frozen = subprocess.run(  # noqa: S603
        [str(python), "-m", "pip", "list", "--format=json", "--exclude", "pip"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    installed = sorted(package["name"].lower().replace("_", "-") for package in json.loads(frozen))
    assert installed == [
        "aiflow-kit",
        "annotated-types",
        "pydantic",
        "pydantic-core",
        "typing-extensions",
        "typing-inspection",
    ]


def test_the_reminders_wheel_installs_the_console_script(tmp_path: Path) -> None:
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    wheels = [str(_built("aiflow_kit")), str(_built("aiflow_reminders"))]
    subprocess.run(  # noqa: S603
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-compile",  # byte code is no part of what is checked, and botocore's takes seconds
            "-c",
            str(ROOT / "constraints.txt"),
            *wheels,
        ],
        check=True,
        timeout=180,
    )

    helped = subprocess.run(  # noqa: S603
        [str(environment / "bin" / "reminders"), "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    unconfigured = subprocess.run(  # noqa: S603
        [str(environment / "bin" / "reminders"), "list"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin", "AWS_DEFAULT_REGION": "eu-central-1"},
    )

    assert helped.returncode == 0, helped.stderr
    assert all(command in helped.stdout for command in ("schedule", "import", "call-now", "cancel", "status", "list"))
    assert unconfigured.returncode == 2
    assert unconfigured.stderr.startswith("error: ")
    assert "TABLE_NAME" in unconfigured.stderr
