"""A group's day: 100,000 reminders planned (``reminders.scheduling.CallPlan``), drained at the cap, imported.

The appointments fall on one weekday, at :00 and :30 from 08:00 to 17:30 on the callee's clock, two in
three of them in the morning's four hours, in four time zones (Berlin, London, Helsinki, New York); each
is planned with the stack's defaults (window 08:00-20:00, lead time 24 h, minimum notice 60 min) two days
ahead, as an import the evening before the call day would. Reported, for the spread plan and, beside
it, for the base times alone (the lead time moved into the window, as the plan was before spreading):

- the most calls planned in any second and in any minute, against the cap;
- how early each call comes before its appointment (min, median);
- drained at each cap of :data:`CAPS` (every planned second's calls take the cap's slots in order, the
  surplus the next free seconds, as the dialers' shared counter gives them out): the latest a call comes
  after its planned time, how many come over a minute late, and how many would come later than the
  minimum notice (closed ``expired``);
- the writes the import puts on each partition of the status index (``by-status-shard``: the status and
  one of ``STATUS_SHARDS`` shards by the reminder id, :mod:`reminders.store.items`) at the import rate
  :data:`IMPORT_RATE`, against DynamoDB's 1,000 writes/s per partition. The table's own partitions are
  keyed on the reminder id and the ``by-callee`` index on the number's hash: neither has a hot key.

No AWS: the plan is a function of the reminder and the settings; the drain is the cap's arithmetic.
"""

from __future__ import annotations

import heapq
import statistics
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from reminders.model.calling_window import CallingWindow
from reminders.model.reminder import Reminder, ReminderStatus
from reminders.scheduling import CallPlan
from reminders.store.items import STATUS_SHARDS, status_shard

ZONES = ("Europe/Berlin", "Europe/London", "Europe/Helsinki", "America/New_York")
DAY = date(2030, 3, 5)  # a Tuesday, away from any daylight-saving change
# The appointment times of a day and their weights: :00 and :30 from 08:00 to 17:30, the morning busiest.
SLOTS = [(hour, minute) for hour in range(8, 18) for minute in (0, 30)]
WEIGHTS = [4 if hour < 12 else 1 for hour, _ in SLOTS]
CAPS = (1, 5, 10, 20)
IMPORT_RATE = 4000  # rows/s: what a new on-demand table takes at first (4,000 writes/s)
PARTITION_WRITES = 1000  # writes/s one DynamoDB partition takes
WINDOW = "08:00-20:00"
LEAD_TIME = timedelta(hours=24)
MIN_NOTICE = timedelta(minutes=60)


def appointments(count: int) -> list[Reminder]:
    """``count`` reminders bunched at :00 and :30 on :data:`DAY`, spread over :data:`ZONES` and the weights."""
    cycle = [slot for slot, weight in zip(SLOTS, WEIGHTS, strict=True) for _ in range(weight)]
    reminders = []
    for index in range(count):
        hour, minute = cycle[(index // len(ZONES)) % len(cycle)]
        zone = ZONES[index % len(ZONES)]
        at = datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=ZoneInfo(zone))
        reminders.append(
            Reminder(
                reminder_id=f"day-{index:06d}",
                to_phone_number=f"+49157{index:08d}",
                appointment_at=at,
                time_zone=zone,
                name="Patient",
            )
        )
    return reminders


class _Windows:
    """The calling window's spans per zone around :data:`DAY`, in epoch seconds: when a callee may be rung."""

    def __init__(self, window: CallingWindow) -> None:
        days = [DAY + timedelta(days=offset) for offset in range(-4, 2)]
        self._spans = {
            zone: [(int(o.timestamp()), int(c.timestamp())) for o, c in filter(None, spans)]
            for zone in ZONES
            for spans in [[window.span_on(day, ZoneInfo(zone)) for day in days]]
        }

    def next_calling_second(self, zone: str, second: int) -> int:
        """``second`` if the window is open then, else its next opening."""
        for opening, closing in self._spans[zone]:
            if second < closing:
                return max(second, opening)
        raise ValueError(f"no calling window after {second} in {zone}")


def drained(reminders: list[Reminder], seconds: list[int], cap: int, windows: _Windows) -> list[int | None]:
    """Each call's dial second when every second gives ``cap`` slots, oldest planned first, as the dialers'
    shared counter does; a call whose window closed waits for its next opening; ``None``: past the notice
    (the dialer closes it expired, taking no slot)."""
    latest = [int(reminder.latest_call(MIN_NOTICE).timestamp()) for reminder in reminders]
    ready = [(second, second, index) for index, second in enumerate(seconds)]  # (ready, planned, index)
    heapq.heapify(ready)
    dialled: list[int | None] = [None] * len(reminders)
    second = ready[0][0] if ready else 0
    while ready:
        second = max(second, ready[0][0])  # the calls not dialled yet stay ready, oldest first
        slots = cap
        while ready and ready[0][0] <= second and slots:
            _, planned, index = heapq.heappop(ready)
            if second > latest[index]:
                continue  # expired
            opening = windows.next_calling_second(reminders[index].time_zone, second)
            if opening > second:
                heapq.heappush(ready, (opening, planned, index))
                continue
            dialled[index] = second
            slots -= 1
        second += 1
    return dialled


def _figures(reminders: list[Reminder], calls: list[datetime]) -> dict[str, Any]:
    seconds = [int(call.timestamp()) for call in calls]
    per_second = Counter(seconds)
    per_minute = Counter(second // 60 for second in seconds)
    notice = [
        (reminder.appointment_at - call).total_seconds() / 3600 for reminder, call in zip(reminders, calls, strict=True)
    ]
    windows = _Windows(CallingWindow.parse(WINDOW))
    at_caps = {}
    for cap in CAPS:
        dialled = drained(reminders, seconds, cap, windows)
        delays = sorted(dial - plan for dial, plan in zip(dialled, seconds, strict=True) if dial is not None)
        at_caps[str(cap)] = {
            "max_delay_s": delays[-1] if delays else None,
            "p99_delay_s": delays[int(0.99 * (len(delays) - 1))] if delays else None,
            "late_over_60s": sum(delay > 60 for delay in delays),
            "past_notice": dialled.count(None),
        }
    return {
        "most_per_second": max(per_second.values()),
        "most_per_minute": max(per_minute.values()),
        "busiest_hour": max(Counter(second // 3600 for second in seconds).values()),
        "notice_min_h": min(notice),
        "notice_median_h": statistics.median(notice),
        "at_caps": at_caps,
    }


def _index_writes(reminders: list[Reminder]) -> dict[str, Any]:
    """The import's writes per status-index partition at :data:`IMPORT_RATE` rows/s."""
    shards = Counter(status_shard(reminder.reminder_id, ReminderStatus.SCHEDULED) for reminder in reminders)
    seconds = len(reminders) / IMPORT_RATE
    return {
        "shards": STATUS_SHARDS,
        "import_rate": IMPORT_RATE,
        "most_per_shard_per_s": max(shards.values()) / seconds,
        "least_per_shard_per_s": min(shards.values()) / seconds,
        "unsharded_per_s": float(IMPORT_RATE),
        "partition_limit": PARTITION_WRITES,
        "per_shard": dict(sorted(shards.items())),
    }


def run(count: int = 100_000) -> dict[str, Any]:
    reminders = appointments(count)
    now = datetime.combine(DAY - timedelta(days=2), datetime.min.time(), UTC) + timedelta(hours=18)
    window = CallingWindow.parse(WINDOW)
    spread = CallPlan(window, LEAD_TIME, MIN_NOTICE)
    unspread = CallPlan(window, LEAD_TIME, MIN_NOTICE, spread=timedelta(0))
    began = time.perf_counter()
    calls = [spread.call_time(reminder, now) for reminder in reminders]
    planning_s = time.perf_counter() - began
    return {
        "reminders": count,
        "zones": list(ZONES),
        "window": WINDOW,
        "lead_time_h": LEAD_TIME.total_seconds() / 3600,
        "min_notice_min": MIN_NOTICE.total_seconds() / 60,
        "spread_min": spread.spread.total_seconds() / 60,
        "plan_us_per_reminder": 1e6 * planning_s / count,
        "spread": _figures(reminders, calls),
        "base_times": _figures(reminders, [unspread.call_time(reminder, now) for reminder in reminders]),
        "index": _index_writes(reminders),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=1))
