"""Benchmarks of the webhook, the dialer, the CSV import and the packages: ``make bench`` (``python -m bench``).

Every figure is measured next to its floor in the same run and reported as a ratio; everything runs on
this machine, on loopback only (a moto server, DynamoDB Local when installed, a fake sipgate). Results go
to ``bench/results/``; ``bench/README.md`` says what each figure means and how it is measured.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYER_SOURCE = ROOT / "layers" / "aiflow"
RESULTS = ROOT / "bench" / "results"
SCRATCH = ROOT / "bench" / ".scratch"  # git-ignored: copies of the code for the cold-start runs

for _path in (ROOT, LAYER_SOURCE):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))
