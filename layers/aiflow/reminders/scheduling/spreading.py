"""When a reminder is called: the one rule, spreading the calls that the lead time would bunch.

A reminder that says ``call_at`` is called then, moved into the calling window if it falls outside; it is
kept as it is otherwise. For the others, the **base time** is the appointment less ``LeadTimeHours``, not
before now, moved into the callee's calling window (:meth:`CallingWindow.earliest_from`). Appointments
bunch at :00 and :30, so base times do too: a group's 10:00 appointments would put thousands of calls into
one second. So each call goes to its own second of a **range**: the :data:`SPREAD` of calling time (time
inside the callee's window) that ends at the base time, the second picked by a hash of the reminder id.
A call never comes later than its base time, so it has at least the notice the lead time alone gave it,
and never in a second the window does not allow. A range that would start before now (an import late for the lead
time) starts now instead and runs the spread's length, but never past ``MinNoticeMinutes`` before the
appointment. A reminder with no calling time left by then is refused (the dialer would close it expired).

Why deterministic: a repeat import of the same file, a ``schedule`` message sent twice, and the dialer
storing a reminder from its dial message must all find the time that was planned before, or the second
plan would move a waiting call (``receive`` compares the planned reminder with the stored one) and leave
a second schedule. The time depends on the reminder's id, appointment and time zone and on the settings
only; a range cut short by now also depends on when it is planned, which is why a stored reminder's call
time, not a new plan, is what a repeat import delivers.

How the cap holds without coordination between importers: no plan looks at another reminder, so two
importers, or a thousand single messages, plan a bunch exactly as one import of all of it would. The
hash spreads a bunch evenly over its range: ``n`` reminders whose base times fall within one spread plan
``n / SPREAD`` calls per second on average, in every second of it, and a second planned above that by the
hash's chance gives its surplus to the seconds after it. The cap itself is held where the calls are
placed: every dialer takes a slot of ``CallsPerSecond`` from one DynamoDB counter per second
(:mod:`reminders.dialing.placing`) before it POSTs, so a second never places more, whoever planned it.

When the window is full, more reminders fall into one spread than ``CallsPerSecond`` times its seconds: the
plan cannot see that (nothing coordinates), so the seconds are planned above the cap, and the dialers
drain them at the cap, later than planned, in the order their messages come. A call that the backlog
pushes past ``MinNoticeMinutes`` before its appointment is closed ``expired`` by the dialer, never rung
late. ``make bench`` (``bench/day.py``) plans a group's day and counts those; docs/operations.md ("Sizing
for a group") says how to size the cap so that there are none.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from reminders.messages.call_queue import InvalidReminder, Problem
from reminders.model.calling_window import CallingWindow
from reminders.model.reminder import Reminder

__all__ = ["SPREAD", "CallPlan"]

# The calling time over which the calls of one base time are spread: wide enough for a group's bunch of
# appointments at one time (the :00 and :30 bunches each have an hour), short enough that a call comes at
# most an hour earlier than the lead time says.
SPREAD = timedelta(minutes=60)


@dataclass(frozen=True)
class CallPlan:
    """The call time of a reminder: ``call_at`` as given, or spread before the lead time (see the module)."""

    window: CallingWindow
    lead_time: timedelta
    min_notice: timedelta
    spread: timedelta = SPREAD

    def call_time(self, reminder: Reminder, now: datetime) -> datetime:
        """When ``reminder`` is called, in its time zone; :class:`InvalidReminder` if it cannot be."""
        if reminder.appointment_at <= now:
            raise InvalidReminder([Problem("appointment_at", "the appointment is in the past")])
        if reminder.call_at is not None:
            kept = self.window.earliest_from(max(reminder.call_at, now), reminder.zone)
            self._refuse_after_notice(reminder, kept)
            return kept
        base = self.base_time(reminder, now)
        self._refuse_after_notice(reminder, base)
        return self._spread(reminder, base, now)

    def base_time(self, reminder: Reminder, now: datetime) -> datetime:
        """The latest a reminder without ``call_at`` is called: the lead time before, moved into the window."""
        return self.window.earliest_from(max(reminder.appointment_at - self.lead_time, now), reminder.zone)

    def _refuse_after_notice(self, reminder: Reminder, call_at: datetime) -> None:
        if call_at <= reminder.latest_call(self.min_notice):
            return
        field = "call_at" if reminder.call_at is not None else "appointment_at"
        notice = int(self.min_notice.total_seconds() // 60)
        reason = (
            f"no calling time before the appointment: the calling window is {self.window} "
            f"({reminder.time_zone}) and the earliest call would be {call_at:%Y-%m-%d %H:%M}, "
            f"less than {notice} minutes before it"
        )
        raise InvalidReminder([Problem(field, reason)])

    def range_of(self, reminder: Reminder, base: datetime, now: datetime) -> tuple[datetime, timedelta, bool]:
        """The range a call is picked from: its start (UTC), its calling time, and whether now cut it short."""
        zone = reminder.zone
        start = self._calling_time_before(base.astimezone(UTC), self.spread, zone)
        if start >= now:
            return start, self.spread, False
        # Late for the lead time: from now on, as far as the spread and the notice allow.
        start = self.window.earliest_from(_next_whole_second(now), zone).astimezone(UTC)
        latest = reminder.latest_call(self.min_notice).astimezone(UTC)
        return start, min(self.spread, self._calling_time_between(start, latest, zone)), True

    def _spread(self, reminder: Reminder, base: datetime, now: datetime) -> datetime:
        """The reminder's own second of its range (``base`` is inside the window and within the notice)."""
        start, length, _ = self.range_of(reminder, base, now)
        seconds = int(length.total_seconds())
        if seconds < 1:
            return base
        offset = timedelta(seconds=_slot(reminder.reminder_id, seconds))
        return self._calling_time_after(start, offset, reminder.zone).astimezone(reminder.zone)

    def _calling_time_before(self, end: datetime, amount: timedelta, zone: ZoneInfo) -> datetime:
        """The moment ``amount`` of calling time before ``end`` (UTC)."""
        for opening, closing in self._spans(end, zone, step=-1):
            closing = min(closing, end)
            if closing - opening >= amount:
                return closing - amount
            amount -= max(closing - opening, timedelta(0))
        raise AssertionError("unreachable: the spans go on")  # pragma: no cover

    def _calling_time_after(self, start: datetime, amount: timedelta, zone: ZoneInfo) -> datetime:
        """The moment ``amount`` of calling time after ``start`` (UTC), inside the window."""
        for opening, closing in self._spans(start, zone, step=1):
            opening = max(opening, start)
            if closing - opening > amount:
                return opening + amount
            amount -= max(closing - opening, timedelta(0))
        raise AssertionError("unreachable: the spans go on")  # pragma: no cover

    def _calling_time_between(self, start: datetime, end: datetime, zone: ZoneInfo) -> timedelta:
        total = timedelta(0)
        for opening, closing in self._spans(start, zone, step=1):
            if opening >= end:
                return total
            total += max(min(closing, end) - max(opening, start), timedelta(0))
        raise AssertionError("unreachable: the spans go on")  # pragma: no cover

    def _spans(self, moment: datetime, zone: ZoneInfo, *, step: int) -> Iterator[tuple[datetime, datetime]]:
        """The window's spans (UTC) day by day from ``moment``'s local day, forwards or backwards."""
        day = moment.astimezone(zone).date()
        for days in itertools.count():
            span = self.window.span_on(day + timedelta(days=step * days), zone)
            if span is not None:
                yield span


def _slot(reminder_id: str, seconds: int) -> int:
    """The reminder's second of a range of ``seconds``: its id's hash, apart from the status shard's."""
    digest = hashlib.sha256(f"call time of {reminder_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % seconds


def _next_whole_second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0) + timedelta(seconds=1) if moment.microsecond else moment
