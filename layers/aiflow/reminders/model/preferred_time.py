"""The time a callee asks for instead of the appointment: what a receptionist would note down.

Every part is optional and each is what the callee said, resolved to the calendar where the words allow
(``reminders.conversation.preferred_time`` reads it from their words). It goes to the practice on the
``reschedule_requested`` outcome and as a field of the ``Reminder outcome`` event, so it is small, flat
and stable: plain strings, ``None`` where nothing was said, and never the callee's words.

- ``weekday``: the day of the week named ("Mittwoch", "on Wed", "freitags"), English lowercase; "am
  Wochenende" / "at the weekend" is ``saturday``, the weekend day a practice may open.
- ``date``: the calendar day (ISO ``YYYY-MM-DD``) meant, resolved against the call's day: a named date
  ("am 5. März", "the 5th"), a relative day ("morgen", "the day after") or a named weekday (the nearest
  such day after the call; a habitual "freitags" / "on Fridays" names no single day and has none).
- ``time``: a clock time (``HH:MM``, 24 h) the callee asked for: "um halb zehn" is ``09:30``; an hour said
  without am/pm or a part of the day is a practice hour (7 to 12 as said, 1 to 6 in the afternoon).
- ``part_of_day``: ``morning`` (until noon), ``midday`` (around noon, lunchtime), ``afternoon``,
  ``evening``.
- ``after`` / ``before``: the earliest / the latest acceptable, both inclusive: a clock time (``HH:MM``,
  "ab 17 Uhr", "before noon") or a date (``YYYY-MM-DD``, "erst ab dem 16.", "im April" is after the 1st and
  before the 30th).
- ``week``: ``this`` is the appointment's own week (Monday to Sunday), ``next`` the week after it.
- ``shift``: ``earlier`` or ``later`` than the appointment, set only when nothing more concrete is said
  ("a bit later"; "an hour later" is a ``time``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["PartOfDay", "PreferredTime", "Shift", "Week", "Weekday"]

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
PartOfDay = Literal["morning", "midday", "afternoon", "evening"]
Week = Literal["this", "next"]
Shift = Literal["earlier", "later"]

_DATE = r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
_CLOCK = r"(?:[01]\d|2[0-3]):[0-5]\d"

IsoDate = Annotated[str, Field(pattern=f"^{_DATE}$")]
Clock = Annotated[str, Field(pattern=f"^{_CLOCK}$")]
ClockOrDate = Annotated[str, Field(pattern=f"^(?:{_CLOCK}|{_DATE})$")]


class PreferredTime(BaseModel):
    """The time a request for another time asks for (see the module docstring for what each part means)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    weekday: Weekday | None = None
    date: IsoDate | None = None
    time: Clock | None = None
    part_of_day: PartOfDay | None = None
    after: ClockOrDate | None = None
    before: ClockOrDate | None = None
    week: Week | None = None
    shift: Shift | None = None

    def stated(self) -> dict[str, str]:
        """The parts said, as they go into the outcome event (the parts not said are left out)."""
        return self.model_dump(exclude_none=True)
