"""The two distributions' metadata agree with the code: names, versions, the extras the errors name, and each
wheel's long description is its own README (`make dist` builds the wheels; `make pytest` runs it first)."""

from __future__ import annotations

import tarfile
import tomllib
import zipfile
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest

import aiflow
from aiflow._extras import DISTRIBUTION

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
DIST = ROOT / "dist"


def _project(name: str) -> dict[str, Any]:
    with (PACKAGING / name / "pyproject.toml").open("rb") as stream:
        project: dict[str, Any] = tomllib.load(stream)["project"]
    return project


def test_the_sdk_distribution_is_the_one_the_errors_name_with_the_extras_they_name() -> None:
    sdk = _project("aiflow-kit")

    assert sdk["name"] == DISTRIBUTION
    assert sdk["dependencies"] == ["pydantic>=2.10,<3"], "pydantic only"
    assert set(sdk["optional-dependencies"]) == {"outbound", "aws", "bedrock"}


def test_the_product_requires_this_very_sdk_version() -> None:
    product = _project("aiflow-reminders")

    assert f"{DISTRIBUTION}[outbound,aws]=={aiflow.__version__}" in product["dependencies"]
    assert product["scripts"] == {"reminders": "reminders.operations.cli:run"}


def _wheel_metadata(distribution: str) -> Message:
    wheel = DIST / f"{distribution.replace('-', '_')}-{aiflow.__version__}-py3-none-any.whl"
    if not wheel.exists():
        pytest.fail(f"{wheel.relative_to(ROOT)} is not built: run `make dist` (make pytest does)")
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = [name for name in archive.namelist() if name.endswith(".dist-info/METADATA")]
        return message_from_bytes(archive.read(metadata))


def _readme(distribution: str) -> str:
    return (PACKAGING / distribution / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("distribution", ["aiflow-kit", "aiflow-reminders"])
def test_each_wheels_long_description_is_its_own_readme(distribution: str) -> None:
    metadata = _wheel_metadata(distribution)

    assert metadata["Description-Content-Type"] == "text/markdown"
    assert metadata.get_payload().strip() == _readme(distribution).strip()


@pytest.mark.parametrize("distribution", ["aiflow-kit", "aiflow-reminders"])
def test_each_sdist_ships_its_own_readme(distribution: str) -> None:
    sdist = DIST / f"{distribution.replace('-', '_')}-{aiflow.__version__}.tar.gz"
    if not sdist.exists():
        pytest.fail(f"{sdist.relative_to(ROOT)} is not built: run `make dist` (make pytest does)")
    with tarfile.open(sdist) as archive:
        (member,) = [member for member in archive.getmembers() if member.name.endswith("/README.md")]
        shipped = archive.extractfile(member)
        assert shipped is not None
        assert shipped.read().decode("utf-8") == _readme(distribution)


def test_the_sdks_description_says_nothing_of_the_reminder_product() -> None:
    metadata = _wheel_metadata("aiflow-kit")
    text = f"{metadata['Summary']}\n{metadata['Keywords']}\n{metadata.get_payload()}".lower()

    assert "remind" not in text
    assert "aiflow-reminders" not in text
