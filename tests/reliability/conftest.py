"""What the reliability suite shares: the integration tests' fixtures, and the count of fuzzed requests.

The suite drives the same harnesses as the integration tests (the webhook started cold, the fake sipgate,
the queue poller, the moto server): they are imported from ``tests/integration`` as pytest itself imports
that folder's modules (by their file name, the folder on ``sys.path``), so there is one copy of each.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

_TESTS = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(_TESTS / "integration"), str(_TESTS / "unit")]

# Fixtures reused as they are: the webhook module cold-started on a fresh table with its token in SSM, and
# the dialer's handler configured as template.yaml does, on a queue with a redrive policy (three receives).
from test_dialer import handler, resources  # noqa: E402
from test_dialer_harness import FakeSipgate, serve_sipgate  # noqa: E402
from test_webhook import call_queue, start_webhook, token_parameter, webhook  # noqa: E402

__all__ = ["call_queue", "handler", "resources", "start_webhook", "token_parameter", "webhook"]


@pytest.fixture
def sipgate() -> Iterator[FakeSipgate]:
    """sipgate's outbound-call endpoint on loopback (for ``handler`` too): scripted answers, dropped connections."""
    yield from serve_sipgate()


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


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    tally = config.stash.get(_TALLY, None)
    if tally is None or not tally.total:
        return
    by_status = ", ".join(f"{status}: {count:,}" for status, count in sorted(tally.statuses.items()))
    terminalreporter.write_sep("-", "webhook fuzz")
    terminalreporter.write_line(f"{tally.total:,} generated requests through lambda_handler ({by_status})")
