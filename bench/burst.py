"""Burst: 2,000 reminders due at once on the local stack, drained at 20 calls/s (``tests/harness/burst.py``).

The same harness as ``tests/reliability/test_burst.py``, which runs a smaller burst within ``make test``'s
budget: a fresh local stack, the dial messages on the call queue at once, each reminder with one attempt
and ten minutes before its minimum notice, the callees letting it ring out. Reported: the statuses the
reminders ended in, how many callees rang exactly once, the most calls sipgate saw in one second, how long
the calls and the whole drain (to the last answer check) took, and the AWS calls per reminder end to end,
counted in the functions' own processes, by operation.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from tests.harness.burst import run_burst


def run(count: int = 2000, cap: int = 20) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-burst-") as work_dir:
        return run_burst(Path(work_dir), count, cap, timeout=1800).summary()
