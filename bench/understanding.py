"""Understanding: how long the reader takes over a callee's first answer, in µs, over the corpus.

Every answer of the understanding corpus (``tests/conformance/understanding``, both languages) is read by
``read_answer`` with the corpus's appointment, ``rounds`` times; an answer's time is the median of its
rounds (the machine's noise out), and the figures are the median and the 99th percentile over the
answers, with the slowest answer. Issue 18 keeps a turn's reading well under a millisecond.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from reminders.conversation.intents import read_answer
from tests.conformance.understanding import load_answers
from tests.conformance.understanding.runner import APPOINTMENT

__all__ = ["run"]


def run(rounds: int) -> dict[str, Any]:
    answers = [answer.say for answer in load_answers()]
    read_answer(answers[0], appointment=APPOINTMENT)  # patterns compiled on import: not a turn's cost
    per_answer: list[float] = []
    for said in answers:
        times = []
        for _ in range(rounds):
            began = time.perf_counter()
            read_answer(said, appointment=APPOINTMENT)
            times.append(time.perf_counter() - began)
        per_answer.append(statistics.median(times) * 1e6)
    ordered = sorted(per_answer)
    return {
        "answers": len(answers),
        "rounds": rounds,
        "median_us": round(statistics.median(ordered), 1),
        "p99_us": round(ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))], 1),
        "max_us": round(ordered[-1], 1),
    }
