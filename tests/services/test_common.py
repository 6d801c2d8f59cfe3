"""The small shared services: working days, named counters, the local date."""

from datetime import UTC, date, datetime, timedelta, timezone

from server.services import common

# 2026-03-06 is a Friday; 2026-09-30 a Wednesday before the National Day holidays.
FRIDAY = date(2026, 3, 6)
NATIONAL_DAY = frozenset(date(2026, 10, day) for day in range(1, 8))


def test_one_working_day_after_a_friday_is_the_monday():
    assert common.add_working_days(FRIDAY, 1) == date(2026, 3, 9)


def test_one_working_day_after_a_saturday_is_the_monday():
    assert common.add_working_days(date(2026, 3, 7), 1) == date(2026, 3, 9)


def test_five_working_days_are_one_calendar_week():
    assert common.add_working_days(date(2026, 3, 2), 5) == date(2026, 3, 9)


def test_fifteen_working_days_skip_three_weekends():
    assert common.add_working_days(date(2026, 3, 2), 15) == date(2026, 3, 23)


def test_working_days_skip_the_holidays_in_the_list():
    assert common.add_working_days(date(2026, 9, 30), 1, holidays=NATIONAL_DAY) == date(2026, 10, 8)
    # 1 October would be the next working day without the list.
    assert common.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 1)


def test_working_days_across_a_holiday_and_a_weekend_count_neither():
    # 29, 30 Sept, then 8, 9 Oct (1–7 Oct holidays; 10, 11 Oct a weekend), then 12 Oct.
    assert common.add_working_days(date(2026, 9, 28), 5, holidays=NATIONAL_DAY) == date(
        2026, 10, 12
    )


def test_a_holiday_on_a_weekend_costs_nothing_extra():
    saturday = frozenset({date(2026, 3, 7)})
    assert common.add_working_days(FRIDAY, 1, holidays=saturday) == date(2026, 3, 9)


def test_zero_working_days_is_the_same_date():
    assert common.add_working_days(date(2026, 3, 4), 0) == date(2026, 3, 4)
    assert common.add_working_days(FRIDAY, 0, holidays=NATIONAL_DAY) == FRIDAY


def test_a_new_counter_starts_at_one_and_then_increments(session):
    name = "test:common:fresh"
    assert [common.next_counter(session, name=name) for _ in range(4)] == [1, 2, 3, 4]


def test_counters_with_different_names_are_independent(session):
    assert common.next_counter(session, name="test:common:a") == 1
    assert common.next_counter(session, name="test:common:a") == 2
    assert common.next_counter(session, name="test:common:b") == 1
    assert common.next_counter(session, name="test:common:a") == 3
    assert common.next_counter(session, name="test:common:b") == 2


def test_at_half_past_eleven_utc_it_is_already_the_next_day_in_shanghai():
    assert common.local_today(datetime(2026, 3, 1, 23, 30, tzinfo=UTC)) == date(2026, 3, 2)


def test_the_local_date_changes_at_sixteen_hours_utc():
    assert common.local_today(datetime(2026, 3, 1, 15, 59, tzinfo=UTC)) == date(2026, 3, 1)
    assert common.local_today(datetime(2026, 3, 1, 16, 0, tzinfo=UTC)) == date(2026, 3, 2)


def test_the_local_date_does_not_depend_on_the_zone_now_is_given_in():
    new_york = timezone(timedelta(hours=-5))
    instant = datetime(2026, 12, 31, 11, 30, tzinfo=new_york)  # 16:30 UTC, 00:30 in Shanghai
    assert common.local_today(instant) == date(2027, 1, 1)
