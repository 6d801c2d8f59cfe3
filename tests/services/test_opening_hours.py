"""Opening hours by weekday (server/services/opening_hours.py): validation, past-midnight
ranges, the Sunday→Monday wrap, 24:00, "always open", and the Asia/Shanghai clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.services import opening_hours as oh

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 2024-01-01 is a Monday.
MONDAY = datetime(2024, 1, 1, tzinfo=SHANGHAI)


def at(day: int, hh: int, mm: int = 0) -> datetime:
    """Shanghai time on weekday `day` (0 = Monday) of the week of 2024-01-01."""
    return MONDAY + timedelta(days=day, hours=hh, minutes=mm)


def is_open(hours: dict, when: datetime, *, always_open: bool = False) -> bool:
    return oh.is_open_at(hours, always_open=always_open, at=when)


# --- validation ---------------------------------------------------------------------------------


def test_good_hours_have_no_problems():
    hours = {
        "mon": ["08:00-11:30", "13:30-17:00"],
        "tue": ["20:00-06:00"],
        "wed": ["00:00-23:59"],
        "thu": ["18:00-24:00"],
        "fri": [],
        "sun": ["22:00-00:00"],
    }
    assert oh.validate(hours) == []
    assert oh.validate({}) == []


def test_parse_range_in_minutes():
    assert oh.parse_range("08:00-17:30") == (480, 1050)
    assert oh.parse_range("20:00-06:00") == (1200, 360)
    assert oh.parse_range("18:00-24:00") == (1080, 1440)
    assert oh.parse_range("00:00-00:30") == (0, 30)


def test_an_unknown_weekday_is_named():
    problems = oh.validate({"monday": ["08:00-17:00"], "tue": ["08:00-17:00"]})
    assert len(problems) == 1
    assert "“monday”不是星期几" in problems[0]
    assert "mon, tue, wed, thu, fri, sat, sun" in problems[0]


@pytest.mark.parametrize("ranges", ["08:00-17:00", None, {"a": 1}, ["08:00-09:00"] * 7])
def test_a_day_must_be_a_list_of_at_most_six_ranges(ranges):
    assert oh.validate({"wed": ranges}) == ["星期三的营业时间应为最多 6 段的列表。"]


def test_six_ranges_are_allowed():
    ranges = [f"{h:02d}:00-{h:02d}:30" for h in range(8, 14)]
    assert oh.validate({"sat": ranges}) == []


@pytest.mark.parametrize(
    "text",
    ["8:00-17:00", "08:00-17:60", "24:00-06:00", "08:00–17:00", "08:00", "25:00-26:00", "", 800],
)
def test_a_malformed_range_is_explained(text):
    assert oh.validate({"fri": [text]}) == ["星期五：营业时间应写成 08:00-17:30 这样的格式。"]
    if isinstance(text, str):
        with pytest.raises(ValueError, match="08:00-17:30"):
            oh.parse_range(text)


@pytest.mark.parametrize("text", ["08:00-08:00", "00:00-24:00", "00:00-00:00"])
def test_an_empty_or_whole_day_range_points_to_always_open(text):
    problems = oh.validate({"sun": [text]})
    assert len(problems) == 1
    assert problems[0].startswith("星期日：")
    assert "开始和结束不能相同" in problems[0]
    assert "全天开放" in problems[0]


def test_every_problem_is_listed():
    problems = oh.validate({"mon": ["bad"], "tue": ["also bad", "09:00-10:00"], "xyz": []})
    assert len(problems) == 3
    assert problems[0].startswith("星期一：")
    assert problems[1].startswith("星期二：")
    assert "xyz" in problems[2]


# --- is_open_at ---------------------------------------------------------------------------------


def test_plain_hours():
    hours = {"mon": ["08:00-11:30", "13:30-17:00"]}
    assert not is_open(hours, at(0, 7, 59))
    assert is_open(hours, at(0, 8, 0))
    assert is_open(hours, at(0, 11, 29))
    assert not is_open(hours, at(0, 11, 30))  # the end is exclusive
    assert not is_open(hours, at(0, 12, 0))
    assert is_open(hours, at(0, 16, 59))
    assert not is_open(hours, at(0, 17, 0))
    # another weekday, same time: closed (only Monday has hours)
    assert not is_open(hours, at(1, 9, 0))
    assert not is_open(hours, at(6, 9, 0))


def test_across_midnight():
    hours = {"mon": ["20:00-06:00"]}
    assert not is_open(hours, at(0, 19, 59))
    assert is_open(hours, at(0, 20, 0))
    assert is_open(hours, at(0, 23, 59))
    assert is_open(hours, at(1, 0, 0))  # Tuesday 00:00
    assert is_open(hours, at(1, 3, 0))  # Tuesday 03:00
    assert is_open(hours, at(1, 5, 59))
    assert not is_open(hours, at(1, 6, 0))
    assert not is_open(hours, at(1, 7, 0))  # Tuesday 07:00
    assert not is_open(hours, at(1, 20, 0))  # Tuesday evening: Tuesday has no hours
    # Monday early morning belongs to Sunday's night, which is closed
    assert not is_open(hours, at(0, 3, 0))


def test_sunday_night_runs_into_monday():
    hours = {"sun": ["22:00-02:00"]}
    assert is_open(hours, at(6, 23, 0))
    assert is_open(hours, at(7, 1, 0))  # Monday 2024-01-08 01:00
    assert is_open(hours, at(0, 1, 59))  # Monday 2024-01-01 01:59 (the Sunday before)
    assert not is_open(hours, at(0, 2, 0))
    assert not is_open(hours, at(6, 21, 59))


def test_a_range_ending_at_24_00():
    hours = {"thu": ["18:00-24:00"]}
    assert is_open(hours, at(3, 23, 59))
    assert not is_open(hours, at(4, 0, 0))  # Friday 00:00
    assert not is_open(hours, at(3, 17, 59))


def test_a_range_ending_at_midnight_written_00_00():
    hours = {"thu": ["18:00-00:00"]}
    assert is_open(hours, at(3, 23, 59))
    assert not is_open(hours, at(4, 0, 0))


def test_consecutive_days_cover_the_night():
    hours = {"mon": ["18:00-24:00"], "tue": ["00:00-08:00"]}
    assert is_open(hours, at(0, 23, 59))
    assert is_open(hours, at(1, 0, 0))
    assert not is_open(hours, at(1, 8, 0))


def test_always_open_ignores_the_hours():
    assert is_open({}, at(2, 3, 0), always_open=True)
    assert is_open({"mon": []}, at(0, 12, 0), always_open=True)
    assert not is_open({}, at(2, 3, 0), always_open=False)


def test_missing_or_empty_days_are_closed():
    assert not is_open({"mon": []}, at(0, 12, 0))
    assert not is_open({"mon": None}, at(0, 12, 0))
    assert not is_open({}, at(0, 12, 0))


def test_the_instant_is_read_in_shanghai_time():
    hours = {"tue": ["00:00-01:00"], "mon": ["08:00-09:00"]}
    # 2024-01-01 16:30 UTC is Tuesday 2024-01-02 00:30 in Shanghai
    utc = datetime(2024, 1, 1, 16, 30, tzinfo=UTC)
    assert is_open(hours, utc)
    # 2024-01-01 00:30 UTC is Monday 08:30 in Shanghai
    assert is_open(hours, datetime(2024, 1, 1, 0, 30, tzinfo=UTC))
    # read in UTC it would be Monday 16:30 / 00:30: both closed
    assert not is_open(hours, datetime(2024, 1, 1, 1, 30, tzinfo=UTC))  # Shanghai 09:30
    # another offset, the same instant
    new_york = ZoneInfo("America/New_York")
    assert is_open(hours, utc.astimezone(new_york))


# --- property: against a minute-by-minute reference ---------------------------------------------

WEEK = 7 * 1440


def reference_open_minutes(hours: dict) -> set[int]:
    """Every minute of the week (0 = Monday 00:00) the hours cover, listed one by one."""
    minutes: set[int] = set()
    for day_index, day in enumerate(oh.WEEKDAYS):
        for text in hours.get(day) or []:
            start_text, end_text = text.split("-")
            start = int(start_text[:2]) * 60 + int(start_text[3:])
            end = int(end_text[:2]) * 60 + int(end_text[3:])
            if end <= start:
                end += 1440  # past midnight, into the next day
            minute = day_index * 1440 + start
            while minute < day_index * 1440 + end:
                minutes.add(minute % WEEK)
                minute += 1
    return minutes


def _range(start: int, end: int) -> str:
    def hhmm(m: int) -> str:
        return f"{m // 60:02d}:{m % 60:02d}"

    return f"{hhmm(start)}-{hhmm(end)}"


# Minutes on a 15-minute grid, so that edges are hit often.
times = st.integers(0, 96).map(lambda q: q * 15)
ranges = st.tuples(times.filter(lambda m: m < 1440), times).filter(
    lambda r: r[0] != r[1] and not (r[0] == 0 and r[1] == 1440)
)
hours_strategy = st.dictionaries(
    st.sampled_from(oh.WEEKDAYS),
    st.lists(ranges.map(lambda r: _range(*r)), max_size=3),
    max_size=7,
)


@given(
    hours=hours_strategy,
    minute_of_week=st.integers(0, WEEK - 1),
    offset_hours=st.sampled_from([0, 8, -5, 5.5]),
)
@settings(max_examples=400, deadline=None)
def test_is_open_at_agrees_with_a_minute_by_minute_reference(hours, minute_of_week, offset_hours):
    assert oh.validate(hours) == []
    # minute_of_week in Shanghai time, expressed in some other offset
    local = MONDAY + timedelta(minutes=minute_of_week, seconds=30)
    instant = local.astimezone(timezone(timedelta(hours=offset_hours)))
    expected = minute_of_week in reference_open_minutes(hours)
    assert is_open(hours, instant) is expected
