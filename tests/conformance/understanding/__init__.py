"""The understanding corpus: first answers to a reminder call, as real callees say them, and what a careful
receptionist would record of each (issue 18, "How it is measured").

``de.yaml`` and ``en.yaml`` hold the answers, written by hand, grouped by category (plain and regional
yes and no, speech-recogniser output, other times with a concrete wish, questions, hedges, past actions,
sarcasm, wrong numbers, third parties, mailboxes, ...); ``labels.yaml`` says what each record means and
which readings of it would harm. ``runner`` plays every answer through the call's reading of a first
answer, after the question or said into it (barge-in), and counts: recorded as a receptionist would,
harmful, asked again, mailboxes recognised and persons taken for one.

``make understanding UNDERSTANDING_ARGS="[--held-out] [--barge-in] [--misses]"`` prints the figures per
language and category; ``tests/conformance/test_understanding.py`` holds them to issue 18's targets. Add answers when a
rule shows a weakness, with their siblings, and never tune a rule to one sentence.
"""

from __future__ import annotations

from .corpus import LANGUAGES, Answer, PreferredTime, Record, load_answers, load_labels
from .runner import (
    TARGET_ACCURACY,
    TARGET_HARMFUL,
    TARGET_MAILBOX_RECOGNITION,
    Figures,
    Played,
    Tally,
    measure,
    reading_of,
)

__all__ = [
    "LANGUAGES",
    "TARGET_ACCURACY",
    "TARGET_HARMFUL",
    "TARGET_MAILBOX_RECOGNITION",
    "Answer",
    "Figures",
    "Played",
    "PreferredTime",
    "Record",
    "Tally",
    "load_answers",
    "load_labels",
    "measure",
    "reading_of",
]
