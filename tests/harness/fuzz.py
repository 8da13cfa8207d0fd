"""The count of requests the fuzz tests sent (``fuzz_tally``), printed at the end of the run.

Under pytest-xdist each worker counts its own; the controller adds up what the workers report as they end.
A plugin of the whole suite (tests/conftest.py), so that the controller, which collects no tests, has it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest

_WORKER_OUTPUT_KEY = "fuzzed_statuses"


@dataclass
class RequestTally:
    """Every request the fuzz tests sent through ``lambda_handler``, by the status it got."""

    statuses: Counter[int] = field(default_factory=Counter)

    def count(self, status: int) -> None:
        self.statuses[status] += 1

    @property
    def total(self) -> int:
        return sum(self.statuses.values())


_TALLY = pytest.StashKey[RequestTally]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_TALLY] = RequestTally()


@pytest.fixture(scope="session")
def fuzz_tally(request: pytest.FixtureRequest) -> RequestTally:
    return request.config.stash[_TALLY]


def pytest_sessionfinish(session: pytest.Session) -> None:
    output: dict[str, Any] | None = getattr(session.config, "workeroutput", None)  # set in an xdist worker only
    if output is not None:
        output[_WORKER_OUTPUT_KEY] = dict(session.config.stash[_TALLY].statuses)


@pytest.hookimpl(optionalhook=True)  # an xdist hook: without xdist it is never called
def pytest_testnodedown(node: Any, error: object) -> None:
    """An xdist worker ended (the controller's hook): add its count to the controller's."""
    statuses = getattr(node, "workeroutput", {}).get(_WORKER_OUTPUT_KEY, {})
    node.config.stash[_TALLY].statuses.update({int(status): count for status, count in statuses.items()})


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    tally = config.stash.get(_TALLY, None)
    if tally is None or not tally.total:
        return
    by_status = ", ".join(f"{status}: {count:,}" for status, count in sorted(tally.statuses.items()))
    terminalreporter.write_sep("-", "webhook fuzz")
    terminalreporter.write_line(f"{tally.total:,} generated requests through lambda_handler ({by_status})")
