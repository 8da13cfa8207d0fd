"""A burst on the local stack (tests/harness/burst.py): reminders due at once, drained at the cap, every callee
rung exactly once, none lost, none late (a call the backlog delayed past the minimum notice would expire).

``make test`` runs 100 reminders at 10 calls/s, so that the cap, not this machine, sets the pace within the
suite's budget; ``make bench`` (bench/burst.py) drains 2,000 at 20 calls/s with the same harness.
``BURST_REMINDERS`` and ``BURST_CAP`` run other sizes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reminders.model.reminder import ReminderStatus
from tests.harness.burst import run_burst

pytestmark = pytest.mark.timeout(600)

BURST = int(os.environ.get("BURST_REMINDERS", "100"))
CAP = int(os.environ.get("BURST_CAP", "10"))


def test_a_burst_due_at_once_is_drained_at_the_cap_and_every_callee_rings_once(tmp_path: Path) -> None:
    burst = run_burst(tmp_path, BURST, CAP, timeout=540)

    assert burst.statuses == {ReminderStatus.NO_ANSWER.value: BURST}, "none lost, none expired (late)"
    assert len(burst.rings) == BURST
    assert set(burst.rings.values()) == {1}, "every callee rang exactly once"
    assert max(burst.per_second.values()) <= CAP, f"calls per wall-clock second: {sorted(burst.per_second.items())}"
    assert burst.calls_span_s >= BURST / CAP - 2, "the cap, not the stack, set the pace"
    print(f"\nburst: {burst.summary()}")
    # The dial's four, the answer check's read and update, the outcome's event, the queue's share: about 8.
    assert burst.aws_calls_per_reminder <= 10, burst.summary()["aws_calls_by_operation"]
