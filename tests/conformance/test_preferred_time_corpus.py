"""The understanding corpus's preferred times: every request for another time that states one (``when``) is
read with each part its label gives, against the corpus's appointment (Tuesday 2026-03-03 10:00,
Europe/Berlin) and a call on the day before.

The labels name a weekday without its date ("Donnerstag wäre mir lieber" is ``weekday: thursday``); the
reading resolves the date too, so only the parts a label gives are compared.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from reminders.conversation.preferred_time import read_preferred_time
from tests.conformance.understanding import Answer, load_answers

APPOINTMENT = datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
CALLED = datetime(2026, 3, 2, 17, 30, tzinfo=ZoneInfo("Europe/Berlin"))


def _labelled() -> list[Answer]:
    return [answer for answer in load_answers() if answer.when is not None]


def _misread(answer: Answer, *, now: datetime | None) -> str | None:
    assert answer.when is not None
    wanted = answer.when.model_dump(exclude_none=True)
    read = read_preferred_time(answer.say, appointment=APPOINTMENT, now=now)
    stated = read.stated() if read is not None else {}
    if all(stated.get(part) == value for part, value in wanted.items()):
        return None
    return f"{answer.language}: {answer.say!r}: labelled {wanted}, read {stated}"


def test_every_labelled_preferred_time_is_read_with_the_parts_its_label_gives() -> None:
    labelled = _labelled()
    misses = [miss for answer in labelled if (miss := _misread(answer, now=CALLED))]
    share = 1 - len(misses) / len(labelled)
    print(f"preferred times read as labelled: {len(labelled) - len(misses)}/{len(labelled)} ({share:.1%})")
    assert not misses, "\n".join(misses)


def test_the_corpus_labels_preferred_times_in_both_languages() -> None:
    per_language = {answer.language for answer in _labelled()}
    assert per_language == {"de", "en"}
