"""``python -m bench [--quick] [--only PART ...]``: run the benchmarks, write ``bench/results/``.

Parts, in order: coldstart, turns, dialer, scale, day, burst, package, understanding, llm, second_reader.
``--only`` runs some of them and keeps the other parts' figures from the last full results. ``--quick`` cuts
every count to a smoke test (its results are written to ``bench/.scratch/quick/`` so that the committed ones
stay whole).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from typing import Any

from bench import (
    RESULTS,
    SCRATCH,
    burst,
    coldstart,
    day,
    dialer,
    llm,
    package,
    report,
    scale,
    second_reader,
    turns,
    understanding,
)
from bench.common import dynamodb_local, moto_server

PARTS = ("coldstart", "turns", "dialer", "scale", "day", "burst", "package", "understanding", "llm", "second_reader")


def _machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as stream:
            cpu = next(line.split(":", 1)[1].strip() for line in stream if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
    }


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", choices=PARTS, help="run only these parts")
    parser.add_argument("--quick", action="store_true", help="tiny counts, results in bench/.scratch/quick/")
    args = parser.parse_args()
    parts = args.only or list(PARTS)
    quick = args.quick
    output = SCRATCH / "quick" if quick else RESULTS
    output.mkdir(parents=True, exist_ok=True)

    previous: dict[str, Any] = {}
    if args.only and (output / "results.json").exists():
        previous = json.loads((output / "results.json").read_text(encoding="utf-8"))
    results: dict[str, Any] = {
        "command": "make bench" if not args.only and not quick else "python -m bench " + " ".join(sys.argv[1:]),
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
    }
    started = time.perf_counter()
    durations: dict[str, float] = {}
    load: dict[str, list[float]] = {}  # the machine's load average before and after each part: other work skews
    with moto_server() as endpoint:
        for part in parts:
            _say(f"bench: {part} ...")
            before = os.getloadavg()[0]
            began = time.perf_counter()
            if part == "coldstart":
                results[part] = coldstart.run(endpoint, *((2, 2, 1) if quick else (20, 10, 2)))
            elif part == "turns":
                with dynamodb_local() as local_endpoint:
                    results[part] = turns.run(endpoint, local_endpoint, *((20, 20, 3) if quick else (250, 150, 20)))
                    results["deadline"] = turns.run_deadline(endpoint, local_endpoint, calls=2 if quick else 10)
            elif part == "dialer":
                with dynamodb_local() as local_endpoint:
                    results[part] = dialer.run(
                        endpoint, local_endpoint, *((1, 1, 0.2, (1, 5, 20), 2) if quick else (5, 3, 0.2, (1, 5, 20), 3))
                    )
            elif part == "scale":
                with dynamodb_local() as local_endpoint:
                    results[part] = scale.run(
                        endpoint, local_endpoint, *(((100,), 200, 100) if quick else ((1000, 5000), 10_000, 1000))
                    )
            elif part == "understanding":
                results[part] = understanding.run(rounds=3 if quick else 50)
                _say(f"bench: understanding, µs per first answer: {results[part]}")
            elif part == "llm":
                results[part] = llm.run(calls=2 if quick else 10)
            elif part == "second_reader":
                with dynamodb_local() as local_endpoint:
                    results[part] = second_reader.run(endpoint, local_endpoint, *((2, 2) if quick else (20, 10)))
                _say(f"bench: second_reader: {json.dumps(results[part], indent=1)}")
            elif part == "day":
                results[part] = day.run(2000 if quick else 100_000)
            elif part == "burst":
                results[part] = burst.run(*((100, 20) if quick else (2000, 20)))
            else:
                results[part] = package.run()
            durations[part] = time.perf_counter() - began
            load[part] = [round(before, 2), round(os.getloadavg()[0], 2)]
            _say(f"bench: {part} took {durations[part]:.0f} s")
    finished = datetime.now(UTC).isoformat(timespec="seconds")
    if previous:
        # Some parts again: the rest, and the run's own record, stay as the last full run left them.
        rerun = {"parts": parts, "finished_at": finished, "durations_s": durations, "load_average_1min": load}
        rerun_parts = [*parts, "deadline"] if "turns" in parts else parts
        results = {**previous, **{part: results[part] for part in rerun_parts}}
        results["reruns"] = [*previous.get("reruns", []), rerun]
    else:
        results["duration_s"] = time.perf_counter() - started
        results["durations_s"] = durations
        results["load_average_1min"] = load
        results["finished_at"] = finished

    (output / "results.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    if "turns" in results:
        report.plot(results["turns"], output / "turn_latency.png")
    print(report.write(results, output, fill_docs=not quick))  # a quick run's smoke figures stay in scratch


if __name__ == "__main__":
    main()
