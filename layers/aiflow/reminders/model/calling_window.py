"""The hours of the day a callee may be rung, in the callee's own time zone.

``CALL_WINDOW`` is ``HH:MM-HH:MM`` (``08:00-20:00``): the window opens at the first time and closes at the
second, the same every day, and never spans midnight. A call may start at the opening minute but not at
the closing one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Self
from zoneinfo import ZoneInfo

__all__ = ["CallingWindow"]

_UTC = ZoneInfo("UTC")
_FORMAT = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class CallingWindow:
    opens: time
    closes: time

    @classmethod
    def parse(cls, text: str) -> Self:
        """``"08:00-20:00"``; :class:`ValueError` names what is wrong."""
        match = _FORMAT.fullmatch(text.strip())
        if match is None:
            raise ValueError(f"calling window {text!r} must look like 08:00-20:00")
        opens = time(int(match.group(1)), int(match.group(2)))
        closes = time(int(match.group(3)), int(match.group(4)))
        if opens >= closes:
            raise ValueError(f"calling window {text!r} must open before it closes (it cannot span midnight)")
        return cls(opens, closes)

    def __str__(self) -> str:
        return f"{self.opens:%H:%M}-{self.closes:%H:%M}"

    def contains(self, moment: datetime, zone: ZoneInfo) -> bool:
        """Whether ``moment`` (timezone-aware) falls inside the window on the callee's clock."""
        local = moment.astimezone(zone).time().replace(tzinfo=None)
        return self.opens <= local < self.closes

    def earliest_from(self, moment: datetime, zone: ZoneInfo) -> datetime:
        """``moment`` itself when inside the window, else the window's next opening; in the callee's zone."""
        local = moment.astimezone(zone)
        if self.contains(local, zone):
            return local
        day = local.date() if local.time().replace(tzinfo=None) < self.opens else local.date() + timedelta(days=1)
        # A daylight-saving gap can swallow an opening (and a whole window, or even a day: Samoa skipped
        # 2011-12-30); the next day's opening then is the next one. Two skipped days in a row never happened.
        for candidate in (day, day + timedelta(days=1), day + timedelta(days=2)):
            opening = self._opening(candidate, zone)
            if self.contains(opening, zone):
                return opening
        raise ValueError(f"the calling window {self} never opens in {zone.key} around {day}")

    def span_on(self, day: date, zone: ZoneInfo) -> tuple[datetime, datetime] | None:
        """The window of the callee's ``day`` as (opening, closing) in UTC, or ``None`` if the clock skips it.

        A call may start at the opening and before the closing. On a night the clock turns back inside the
        window, the span ends at the closing's first occurrence (a window over 02:00 is not a calling one).
        """
        opening = self._first_moment_at(day, self.opens, zone).astimezone(_UTC)
        closing = self._first_moment_at(day, self.closes, zone).astimezone(_UTC)
        return (opening, closing) if opening < closing else None

    def _opening(self, day: date, zone: ZoneInfo) -> datetime:
        return self._first_moment_at(day, self.opens, zone)

    @staticmethod
    def _first_moment_at(day: date, clock: time, zone: ZoneInfo) -> datetime:
        """The first moment of ``day`` whose local time is ``clock`` or later."""
        wanted = datetime.combine(day, clock)
        moment = wanted.replace(tzinfo=zone)
        if _wall_clock(moment.astimezone(_UTC), zone) == wanted:
            return moment
        # The time falls into a daylight-saving gap (02:30 on the spring-forward night does not exist): the
        # first moment after it is when the clock jumps. fold=1 reads the time with the offset after the jump,
        # which is an instant before it; transitions fall on whole minutes.
        instant = moment.replace(fold=1).astimezone(_UTC)
        while _wall_clock(instant, zone) < wanted:
            instant += timedelta(minutes=1)
        return instant.astimezone(zone)


def _wall_clock(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone).replace(tzinfo=None)
