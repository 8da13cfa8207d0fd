"""What the reader's tables share (tests/unit/test_intents_*.py): the corpus's appointment, a table of answers
and the intent each must read as, and the reading itself."""

from __future__ import annotations

import pytest

from reminders.conversation.intents import Intent, Understood, read_answer
from tests.conformance.understanding.runner import APPOINTMENT

__all__ = [
    "APPOINTMENT",
    "CANCEL",
    "CONFIRM",
    "OPT_OUT",
    "PERSON",
    "QUESTION",
    "REPEAT",
    "RESCHEDULE",
    "THIRD",
    "UNCLEAR",
    "WRONG",
    "read",
    "reads",
    "table",
]

CONFIRM, CANCEL, RESCHEDULE, OPT_OUT, REPEAT = (
    Intent.CONFIRM,
    Intent.CANCEL,
    Intent.RESCHEDULE,
    Intent.OPT_OUT,
    Intent.REPEAT,
)
PERSON, QUESTION, WRONG, THIRD, UNCLEAR = (
    Intent.PERSON,
    Intent.QUESTION,
    Intent.WRONG_NUMBER,
    Intent.THIRD_PARTY,
    Intent.UNCLEAR,
)


def table(rows: list[tuple[str, Intent]]) -> pytest.MarkDecorator:
    """One test per answer, named by what is said."""
    return pytest.mark.parametrize(("said", "intent"), rows, ids=[said for said, _ in rows])


def read(said: str) -> Understood:
    """The reading of ``said`` as a first answer about the corpus's appointment (Tuesday 3 March, 10:00)."""
    return read_answer(said, appointment=APPOINTMENT)


def reads(said: str, intent: Intent) -> None:
    assert read(said).intent is intent
