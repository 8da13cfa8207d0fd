"""Spreading the call times (reminders.scheduling.spreading): inside the window, within the notice, never later
than the lead time unless planned late, the same plan every time, a given call_at kept, a bunch under the cap."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reminders.messages import InvalidReminder
from reminders.model.calling_window import CallingWindow
from reminders.model.reminder import Reminder
from reminders.scheduling import SPREAD, CallPlan

BERLIN = ZoneInfo("Europe/Berlin")
PROPERTY_SETTINGS = settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
# Daylight saving at 02:00 and 03:00, at midnight (Santiago), by half an hour (Lord Howe), a skipped day (Apia).
ZONES = (
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Santiago",
    "Asia/Tokyo",
    "Australia/Lord_Howe",
    "Pacific/Apia",
)
PLAN = CallPlan(CallingWindow.parse("08:00-20:00"), lead_time=timedelta(hours=24), min_notice=timedelta(minutes=60))


def reminder(reminder_id: str = "appt-1", **fields: Any) -> Reminder:
    return Reminder.model_validate(
        {
            "reminder_id": reminder_id,
            "to_phone_number": "+4915790000687",
            "appointment_at": "2030-03-02T10:30:00",
            "time_zone": "Europe/Berlin",
            "name": "Ada Lovelace",
            **fields,
        }
    )


@st.composite
def windows(draw: st.DrawFn) -> CallingWindow:
    opens = draw(st.integers(0, 23 * 60 - 1))
    closes = draw(st.integers(opens + 1, 23 * 60 + 59))
    return CallingWindow.parse(f"{opens // 60:02d}:{opens % 60:02d}-{closes // 60:02d}:{closes % 60:02d}")


@st.composite
def plans(draw: st.DrawFn) -> CallPlan:
    return CallPlan(
        draw(windows()),
        lead_time=timedelta(minutes=draw(st.integers(0, 72 * 60))),
        min_notice=timedelta(minutes=draw(st.integers(0, 24 * 60))),
        spread=timedelta(seconds=draw(st.integers(0, 6 * 3600))),
    )


@st.composite
def planned_reminders(draw: st.DrawFn) -> tuple[Reminder, datetime]:
    """A reminder and the moment it is planned, up to four days before its appointment."""
    appointment = draw(st.datetimes(datetime(2030, 1, 1), datetime(2031, 12, 31), timezones=st.just(UTC)))
    now = appointment - timedelta(seconds=draw(st.integers(1, 4 * 24 * 3600)))
    drawn = reminder(
        draw(st.from_regex(r"[a-z0-9][a-z0-9-]{0,19}", fullmatch=True)),
        appointment_at=appointment.isoformat(),
        time_zone=draw(st.sampled_from(ZONES)),
    )
    return drawn, now


# Found by the property: planned a second before the window closes, with nothing of it left to spread over.
_LAST_SECOND = (
    CallPlan(CallingWindow.parse("00:00-01:00"), timedelta(minutes=1), timedelta(0), spread=timedelta(seconds=1)),
    (
        reminder("0", appointment_at="2030-01-01T00:00:00.000001+00:00", time_zone="Europe/Berlin"),
        datetime(2029, 12, 31, 23, 59, 59, 1, tzinfo=UTC),
    ),
)


@PROPERTY_SETTINGS
@given(plans(), planned_reminders())
@example(*_LAST_SECOND)
def test_a_spread_call_is_inside_the_window_within_the_notice_and_never_before_now(
    plan: CallPlan, drawn: tuple[Reminder, datetime]
) -> None:
    planned, now = drawn
    try:
        call_at = plan.call_time(planned, now)
    except InvalidReminder:
        # Refused only when the call at the lead time (the plan before spreading) would be refused too.
        with pytest.raises(InvalidReminder):
            CallPlan(plan.window, plan.lead_time, plan.min_notice, spread=timedelta(0)).call_time(planned, now)
        return
    base = plan.base_time(planned, now)
    assert plan.window.contains(call_at, planned.zone)
    assert call_at <= planned.latest_call(plan.min_notice)
    assert call_at >= now
    start, length, cut_short = plan.range_of(planned, base, now)
    if length < timedelta(seconds=1):
        assert call_at == base, "no calling time left to spread over: the base time itself"
        return
    assert start <= call_at
    if not cut_short:
        assert call_at <= base, "planned in good time: never later than the lead time says"
        assert length == plan.spread


@PROPERTY_SETTINGS
@given(plans(), planned_reminders(), st.integers(0, 3600))
def test_the_plan_is_the_same_every_time_and_whenever_it_is_made_in_good_time(
    plan: CallPlan, drawn: tuple[Reminder, datetime], later: int
) -> None:
    planned, _ = drawn
    early = planned.appointment_at - plan.lead_time - plan.spread - timedelta(days=4)
    try:
        first = plan.call_time(planned, early)
    except InvalidReminder:
        return
    repeat = early + timedelta(seconds=later)
    if plan.range_of(planned, plan.base_time(planned, repeat), repeat)[2]:
        return  # a spread longer than days of a narrow window: cut short by now, planned from now on
    assert plan.call_time(planned, early) == first
    assert CallPlan(plan.window, plan.lead_time, plan.min_notice, plan.spread).call_time(planned, early) == first
    assert plan.call_time(planned, repeat) == first, "a repeat import up to an hour later"


@PROPERTY_SETTINGS
@given(plans(), planned_reminders(), st.integers(-3 * 24 * 3600, 3 * 24 * 3600))
def test_a_given_call_at_is_kept_not_spread(plan: CallPlan, drawn: tuple[Reminder, datetime], offset: int) -> None:
    planned, now = drawn
    given_time = planned.appointment_at + timedelta(seconds=offset)
    with_call_at = planned.model_copy(update={"call_at": given_time})
    unspread = CallPlan(plan.window, plan.lead_time, plan.min_notice, spread=timedelta(0))
    try:
        kept = unspread.call_time(with_call_at, now)
    except InvalidReminder:
        with pytest.raises(InvalidReminder):
            plan.call_time(with_call_at, now)
        return
    assert plan.call_time(with_call_at, now) == kept
    if plan.window.contains(given_time, planned.zone) and given_time >= now:
        assert kept == given_time


def test_a_bunch_at_one_time_gets_a_second_each_spread_over_the_hour_before_the_lead_time() -> None:
    bunch = [reminder(f"appt-{index:05d}") for index in range(1800)]  # half an hour's worth at 1 call/s
    now = datetime(2030, 2, 27, 12, tzinfo=UTC)

    planned = [PLAN.call_time(each, now) for each in bunch]

    lead_time = datetime(2030, 3, 1, 10, 30, tzinfo=BERLIN)
    assert min(planned) >= lead_time - SPREAD
    assert max(planned) < lead_time
    per_minute = Counter(moment.replace(second=0) for moment in planned)
    assert len(per_minute) == 60, "every minute of the hour has calls"
    assert max(per_minute.values()) <= 60, "no minute is planned above the cap of 1 call/s"
    per_second = Counter(planned)
    assert len(per_second) > 0.6 * len(bunch), "most reminders have a second of their own"
    assert max(per_second.values()) <= 6


def test_the_spread_crosses_the_night_in_calling_time_only() -> None:
    # The lead time's call would be at 08:20: 20 minutes of the hour before it that morning, 40 the evening before.
    bunch = [reminder(f"early-{index}", appointment_at="2030-03-02T08:20:00") for index in range(300)]
    now = datetime(2030, 2, 27, 12, tzinfo=UTC)

    planned = [PLAN.call_time(each, now).astimezone(BERLIN) for each in bunch]

    assert {moment.date().day for moment in planned} == {28, 1}
    assert min(planned) >= datetime(2030, 2, 28, 19, 20, tzinfo=BERLIN)
    assert max(planned) < datetime(2030, 3, 1, 8, 20, tzinfo=BERLIN)
    assert all(PLAN.window.contains(moment, BERLIN) for moment in planned)


def test_an_import_too_late_for_the_lead_time_spreads_from_now_up_to_the_notice() -> None:
    now = datetime(2030, 3, 2, 9, 0, 0, 250_000, tzinfo=BERLIN)  # 90 minutes before the appointment
    bunch = [reminder(f"late-{index}") for index in range(300)]

    planned = [PLAN.call_time(each, now) for each in bunch]

    assert min(planned) >= datetime(2030, 3, 2, 9, 0, 1, tzinfo=BERLIN), "from now, on whole seconds"
    assert max(planned) <= datetime(2030, 3, 2, 9, 30, tzinfo=BERLIN), "and never inside the minimum notice"
    assert max(planned) - min(planned) > timedelta(minutes=25)
