"""What the functions print for CloudWatch: Powertools' embedded metric format (EMF), one JSON line each."""

from __future__ import annotations

import json
from typing import Any


def emitted_metrics(output: str) -> list[dict[str, Any]]:
    """The EMF blobs Powertools printed: each a metric with its dimensions."""
    blobs = [json.loads(line) for line in output.splitlines() if line.startswith('{"_aws"')]
    return [
        {**{name: blob[name] for names in definition["Dimensions"] for name in names}, "metric": metric["Name"]}
        for blob in blobs
        for definition in blob["_aws"]["CloudWatchMetrics"]
        for metric in definition["Metrics"]
    ]
