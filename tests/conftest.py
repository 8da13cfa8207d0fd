"""The suite's configuration: the harness's fixtures for every folder, and the markers of every test.

The fixtures live in ``tests/harness`` (its ``__init__`` maps them); the modules that define fixtures are
registered here as plugins, so every folder sees the same ones and no test module imports another.

Each test is marked by its folder (``unit``, ``conformance``, ``integration``, ``reliability``,
``packaging``), and the tests of the modules in ``SLOW`` also ``slow``: ``pytest -m "not slow"`` leaves
them out, ``make test`` runs them all.

Run in parallel (``make pytest``: pytest-xdist, ``--dist loadgroup``), tests go to the workers one by one
as they free up, the slow modules first so that no long test starts last. The tests of a module listed in
``ONE_WORKER`` go to a single worker, so that the module-scoped fixture they share is made once. That is
this suite's own scheduler (:func:`pytest_xdist_make_scheduler`): pytest-xdist 3.8 groups ``xdist_group``
marks by rewriting ``item._nodeid``, which pytest 9.2 no longer reads, so the marks group nothing
(pytest-dev/pytest-xdist#1386).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.register_assert_rewrite("tests.harness")

pytest_plugins = ("tests.harness.aws", "tests.harness.dialer", "tests.harness.webhook", "tests.harness.fuzz")

TESTS = Path(__file__).resolve().parent
FOLDERS = ("unit", "conformance", "integration", "reliability", "packaging")  # each marks its tests
# Modules whose tests take seconds each (real waits: queue redelivery, retries, subprocesses, fresh venvs),
# the longest first.
SLOW = (
    "integration/test_local_stack.py",  # the whole local stack, its demo and an outage: a minute
    "reliability/test_reconciler.py",  # a message dead-lettered after its receives, recovered on schedule
    "integration/test_outcome_publishing.py",  # the stream poller and the publisher as a worker process
    "reliability/test_burst.py",  # a local stack draining 100 reminders at 10 calls/s: 40 s
    "packaging/test_fresh_venv.py",  # a new virtual environment per wheel
)
ONE_WORKER = ("integration/test_local_stack.py",)  # one local stack for the module


def _module(item: pytest.Item) -> str:
    return item.path.relative_to(TESTS).as_posix()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        module = _module(item)
        folder = module.split("/", 1)[0]
        if folder in FOLDERS:
            item.add_marker(folder)
        if module in SLOW:
            item.add_marker(pytest.mark.slow)
    if hasattr(config, "workerinput"):  # an xdist worker: every worker sorts alike, the controller hands out
        items.sort(key=lambda item: SLOW.index(_module(item)) if _module(item) in SLOW else len(SLOW))


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook, called in the controller
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadgroup`` with ``ONE_WORKER``'s modules as the groups; every other test a unit of its own."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    prefix = TESTS.relative_to(config.rootpath).as_posix()
    together = {f"{prefix}/{module}" for module in ONE_WORKER}

    class Scheduling(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return module if module in together else nodeid

    return Scheduling(config, log)
