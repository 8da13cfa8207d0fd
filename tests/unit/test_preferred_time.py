"""Reading the time a callee asks for: each form in German and English, and each rule that resolves it.

The appointment is Tuesday 2026-03-03 10:00 in Berlin and the call comes on Monday 2026-03-02, unless a
test says otherwise.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from reminders.conversation.preferred_time import mentions_a_time, read_preferred_time
from reminders.model.preferred_time import PreferredTime

BERLIN = ZoneInfo("Europe/Berlin")
APPOINTMENT = datetime(2026, 3, 3, 10, 0, tzinfo=BERLIN)
CALLED = datetime(2026, 3, 2, 17, 30, tzinfo=BERLIN)


def read(text: str, *, appointment: datetime = APPOINTMENT, now: datetime = CALLED) -> dict[str, str]:
    wish = read_preferred_time(text, appointment=appointment, now=now)
    return wish.stated() if wish is not None else {}


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("am Mittwoch", {"weekday": "wednesday", "date": "2026-03-04"}),
        ("Mittwoch um 15 Uhr", {"weekday": "wednesday", "date": "2026-03-04", "time": "15:00"}),
        ("Wednesday at 4", {"weekday": "wednesday", "date": "2026-03-04", "time": "16:00"}),
        ("lieber nachmittags", {"part_of_day": "afternoon"}),
        ("erst ab vier", {"after": "16:00"}),
        ("only after six", {"after": "18:00"}),
        ("nächste Woche", {"week": "next"}),
        ("a bit later", {"shift": "later"}),
    ],
)
def test_common_forms(text: str, wanted: dict[str, str]) -> None:
    assert read(text) == wanted


def test_a_restatement_of_the_appointment_is_no_wish() -> None:
    assert read_preferred_time("Ja, Dienstag um zehn passt", appointment=APPOINTMENT, now=CALLED) is None


def test_numbers_that_are_not_times_are_no_wish() -> None:
    assert read_preferred_time("ich bin seit 10 Jahren Patient", appointment=APPOINTMENT, now=CALLED) is None
    assert not mentions_a_time("ich bin seit 10 Jahren Patient")
    assert mentions_a_time("Dienstag geht nicht")


def test_the_reading_is_frozen_and_serialises_to_its_stated_parts() -> None:
    wish = PreferredTime(weekday="friday", time="09:00")
    assert wish.model_dump_json(exclude_none=True) == '{"weekday":"friday","time":"09:00"}'
    with pytest.raises(ValidationError, match="string_pattern_mismatch"):
        PreferredTime(time="9 Uhr")
