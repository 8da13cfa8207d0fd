"""The calling window on the callee's clock: inside or not, and when it opens next (daylight saving included)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminders.model.calling_window import CallingWindow

BERLIN = ZoneInfo("Europe/Berlin")
DAY = CallingWindow.parse("08:00-20:00")


@pytest.mark.parametrize(
    ("text", "opens", "closes"),
    [
        ("08:00-20:00", time(8), time(20)),
        (" 00:00-23:59 ", time(0), time(23, 59)),
        ("09:30-09:31", time(9, 30), time(9, 31)),
    ],
)
def test_parse(text: str, opens: time, closes: time) -> None:
    window = CallingWindow.parse(text)
    assert (window.opens, window.closes) == (opens, closes)
    assert str(window) == text.strip()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("8:00-20:00", "must look like 08:00-20:00"),
        ("08:00-24:00", "must look like 08:00-20:00"),
        ("08:00", "must look like 08:00-20:00"),
        ("20:00-08:00", "cannot span midnight"),
        ("08:00-08:00", "must open before it closes"),
    ],
)
def test_parse_refuses(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        CallingWindow.parse(text)


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("moment", "inside"),
    [
        (berlin(2030, 3, 1, 7, 59, 59), False),
        (berlin(2030, 3, 1, 8, 0), True),
        (berlin(2030, 3, 1, 19, 59, 59), True),
        (berlin(2030, 3, 1, 20, 0), False),
        (datetime(2030, 3, 1, 7, 30, tzinfo=UTC), True),  # 08:30 in Berlin: the callee's clock counts
        (datetime(2030, 3, 1, 19, 30, tzinfo=UTC), False),  # 20:30 in Berlin
    ],
)
def test_contains_on_the_callees_clock(moment: datetime, inside: bool) -> None:
    assert DAY.contains(moment, BERLIN) is inside


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (berlin(2030, 3, 1, 6, 15), berlin(2030, 3, 1, 8, 0)),
        (berlin(2030, 3, 1, 12, 0, 1), berlin(2030, 3, 1, 12, 0, 1)),
        (berlin(2030, 3, 1, 20, 0), berlin(2030, 3, 2, 8, 0)),
        (berlin(2030, 12, 31, 23, 59), berlin(2031, 1, 1, 8, 0)),
    ],
)
def test_earliest_from(moment: datetime, expected: datetime) -> None:
    assert DAY.earliest_from(moment, BERLIN) == expected


def test_the_opening_after_a_clock_change_is_at_local_time() -> None:
    # Summer time starts on 2030-03-31 at 02:00: the window opens at 08:00 CEST, not 08:00 CET.
    opening = DAY.earliest_from(berlin(2030, 3, 30, 21, 0), BERLIN)

    assert opening == datetime(2030, 3, 31, 6, 0, tzinfo=UTC)
    assert opening.utcoffset() == timedelta(hours=2)


def test_an_opening_inside_the_spring_forward_gap_moves_past_it() -> None:
    night = CallingWindow.parse("02:30-05:00")

    # 02:00-03:00 does not exist that night: the clock jumps from 01:59:59 CET to 03:00 CEST (01:00 UTC).
    assert night.earliest_from(berlin(2030, 3, 31, 1, 0), BERLIN) == datetime(2030, 3, 31, 1, 0, tzinfo=UTC)


def test_a_window_swallowed_by_the_gap_opens_the_next_day() -> None:
    gap = CallingWindow.parse("02:10-02:50")  # 02:00-03:00 does not exist on 2030-03-31 in Berlin

    assert gap.earliest_from(berlin(2030, 3, 31, 1, 0), BERLIN) == berlin(2030, 4, 1, 2, 10)


def test_a_skipped_day_is_skipped() -> None:
    apia = ZoneInfo("Pacific/Apia")  # 2011-12-30 did not exist in Samoa

    opening = DAY.earliest_from(datetime(2011, 12, 29, 21, 0, tzinfo=apia), apia)

    assert opening == datetime(2011, 12, 31, 8, 0, tzinfo=apia)


ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Apia", "UTC"]


@st.composite
def windows(draw: st.DrawFn) -> CallingWindow:
    start = draw(st.integers(min_value=0, max_value=24 * 60 - 2))
    end = draw(st.integers(min_value=start + 1, max_value=24 * 60 - 1))
    return CallingWindow(time(start // 60, start % 60), time(end // 60, end % 60))


@given(
    window=windows(),
    zone=st.sampled_from(ZONES),
    moment=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)),
)
def test_the_earliest_calling_time_is_inside_the_window_and_never_before_the_moment(
    window: CallingWindow, zone: str, moment: datetime
) -> None:
    tz = ZoneInfo(zone)

    earliest = window.earliest_from(moment, tz)

    assert earliest >= moment
    assert window.contains(earliest, tz)
    assert earliest - moment <= timedelta(days=3)
    if window.contains(moment, tz):
        assert earliest == moment
    elif earliest - timedelta(minutes=1) >= moment:
        # Nothing in between is callable: the minute before the opening is outside the window.
        assert not window.contains(earliest - timedelta(minutes=1), tz)
