"""The two distributions' metadata agree with the code: names, versions, the extras the errors name."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import aiflow
from aiflow._extras import DISTRIBUTION

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"


def _project(name: str) -> dict[str, Any]:
    with (PACKAGING / name / "pyproject.toml").open("rb") as stream:
        project: dict[str, Any] = tomllib.load(stream)["project"]
    return project


def test_the_sdk_distribution_is_the_one_the_errors_name_with_the_extras_they_name() -> None:
    sdk = _project("aiflow-kit")

    assert sdk["name"] == DISTRIBUTION
    assert sdk["dependencies"] == ["pydantic>=2.10,<3"], "pydantic only"
    assert set(sdk["optional-dependencies"]) == {"outbound", "aws"}


def test_the_product_requires_this_very_sdk_version() -> None:
    product = _project("aiflow-reminders")

    assert f"{DISTRIBUTION}[outbound,aws]=={aiflow.__version__}" in product["dependencies"]
    assert product["scripts"] == {"reminders": "reminders.operations.cli:run"}
