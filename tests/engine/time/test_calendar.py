"""Tests of the working-day calendar against the State Council's published schedules."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import chinese_calendar
import pytest

from engine.time.calendar import (
    PACKAGE_YEARS,
    SHANGHAI,
    Allowance,
    Due,
    WorkCalendar,
    parse_allowance,
    qingming,
    statutory_holidays,
)


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar()


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(n) for n in range((last - first).days + 1)]


# --- official years -----------------------------------------------------------------


def test_package_years_are_the_span_of_the_package_data() -> None:
    years = {d.year for d in chinese_calendar.holidays}
    assert range(min(years), max(years) + 1) == PACKAGE_YEARS
    assert 2025 in PACKAGE_YEARS and 2026 in PACKAGE_YEARS


def test_package_years_are_not_provisional(cal: WorkCalendar) -> None:
    assert not cal.is_provisional(2025)
    assert not cal.is_provisional(2026)
    assert cal.is_provisional(2030)


# 国办发明电〔2024〕12号: the 2025 schedule.
def test_2025_national_day_and_mid_autumn(cal: WorkCalendar) -> None:
    assert not any(cal.is_workday(d) for d in days(date(2025, 10, 1), date(2025, 10, 8)))
    assert cal.is_workday(date(2025, 9, 28))  # Sunday, make-up working day
    assert cal.is_workday(date(2025, 10, 11))  # Saturday, make-up working day
    assert cal.is_workday(date(2025, 10, 9))
    assert not cal.is_workday(date(2025, 10, 12))  # an ordinary Sunday


def test_2025_spring_festival_and_labour_day(cal: WorkCalendar) -> None:
    assert not any(cal.is_workday(d) for d in days(date(2025, 1, 28), date(2025, 2, 4)))
    assert cal.is_workday(date(2025, 1, 26))  # Sunday
    assert cal.is_workday(date(2025, 2, 8))  # Saturday
    assert not any(cal.is_workday(d) for d in days(date(2025, 5, 1), date(2025, 5, 5)))
    assert cal.is_workday(date(2025, 4, 27))  # Sunday


# 国办发明电〔2025〕7号: the 2026 schedule.
def test_2026_schedule(cal: WorkCalendar) -> None:
    holidays = [
        *days(date(2026, 1, 1), date(2026, 1, 3)),
        *days(date(2026, 2, 15), date(2026, 2, 23)),
        *days(date(2026, 4, 4), date(2026, 4, 6)),
        *days(date(2026, 5, 1), date(2026, 5, 5)),
        *days(date(2026, 6, 19), date(2026, 6, 21)),
        *days(date(2026, 9, 25), date(2026, 9, 27)),
        *days(date(2026, 10, 1), date(2026, 10, 7)),
    ]
    makeup = [date(2026, m, d) for m, d in ((1, 4), (2, 14), (2, 28), (5, 9), (9, 20), (10, 10))]
    assert [d for d in holidays if cal.is_workday(d)] == []
    assert [d for d in makeup if not cal.is_workday(d)] == []
    assert all(d.weekday() >= 5 for d in makeup)


def test_is_workday_matches_the_package_for_every_day_of_2025_and_2026(
    cal: WorkCalendar,
) -> None:
    for d in days(date(2025, 1, 1), date(2026, 12, 31)):
        assert cal.is_workday(d) is chinese_calendar.is_workday(d), d


# --- adding working days ------------------------------------------------------------


def test_start_day_is_not_counted(cal: WorkCalendar) -> None:
    assert cal.add_working_days(date(2025, 3, 3), 1) == Due(date(2025, 3, 4), False)
    assert cal.add_working_days(date(2025, 3, 7), 1) == Due(date(2025, 3, 10), False)
    assert cal.add_working_days(date(2025, 3, 3), 10) == Due(date(2025, 3, 17), False)


def test_working_days_skip_holidays_and_count_make_up_days(cal: WorkCalendar) -> None:
    assert cal.add_working_days(date(2025, 9, 26), 1).date == date(2025, 9, 28)
    assert cal.add_working_days(date(2025, 9, 26), 3).date == date(2025, 9, 30)
    assert cal.add_working_days(date(2025, 9, 30), 1).date == date(2025, 10, 9)
    assert cal.add_working_days(date(2025, 10, 3), 3).date == date(2025, 10, 11)


def test_working_days_cross_a_year_end(cal: WorkCalendar) -> None:
    # 2026-01-01..03 off, Sunday 2026-01-04 worked.
    assert cal.add_working_days(date(2025, 12, 30), 2) == Due(date(2026, 1, 4), False)


def test_zero_working_days_returns_start_even_on_a_holiday(cal: WorkCalendar) -> None:
    assert cal.add_working_days(date(2025, 10, 1), 0) == Due(date(2025, 10, 1), False)
    assert cal.add_working_days(date(2030, 10, 1), 0) == Due(date(2030, 10, 1), True)


def test_negative_counts_raise(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="working days to add must be >= 0, got -1"):
        cal.add_working_days(date(2025, 3, 3), -1)
    with pytest.raises(ValueError, match="months to add must be >= 0, got -2"):
        cal.add_months(date(2025, 3, 3), -2)


# --- adding months ------------------------------------------------------------------


def test_month_day_is_clamped_to_the_last_day(cal: WorkCalendar) -> None:
    assert cal.add_months(date(2025, 1, 31), 1) == Due(date(2025, 2, 28), False)
    assert cal.add_months(date(2024, 1, 31), 1) == Due(date(2024, 2, 29), False)
    assert cal.add_months(date(2025, 8, 31), 1) == Due(date(2025, 9, 30), False)


def test_clamped_day_off_moves_to_the_next_working_day(cal: WorkCalendar) -> None:
    # 2020-02-29 is a Saturday; 2021-02-28 a Sunday.
    assert cal.add_months(date(2020, 1, 31), 1).date == date(2020, 3, 2)
    assert cal.add_months(date(2021, 1, 31), 1).date == date(2021, 3, 1)
    # 2026-02-28 is a Saturday but a make-up working day: no move.
    assert cal.add_months(date(2025, 11, 30), 3) == Due(date(2026, 2, 28), False)


def test_month_landing_in_a_holiday_moves_past_it(cal: WorkCalendar) -> None:
    assert cal.add_months(date(2025, 8, 1), 2).date == date(2025, 10, 9)
    # 2025-05-31..06-02: Dragon Boat Festival.
    assert cal.add_months(date(2025, 3, 31), 2).date == date(2025, 6, 3)
    assert cal.add_months(date(2025, 10, 4), 0).date == date(2025, 10, 9)


def test_months_cross_years(cal: WorkCalendar) -> None:
    assert cal.add_months(date(2025, 11, 15), 14).date == date(2027, 1, 15)
    assert cal.add_months(date(2025, 12, 31), 2).date == date(2026, 2, 28)


# --- counting working days ----------------------------------------------------------


def test_working_days_between(cal: WorkCalendar) -> None:
    assert cal.working_days_between(date(2025, 9, 30), date(2025, 10, 9)) == 1
    assert cal.working_days_between(date(2025, 9, 26), date(2025, 9, 30)) == 3
    assert cal.working_days_between(date(2025, 9, 30), date(2025, 9, 26)) == -3
    assert cal.working_days_between(date(2025, 10, 9), date(2025, 10, 9)) == 0
    assert cal.working_days_between(date(2025, 12, 31), date(2026, 1, 5)) == 2
    # 261 weekdays - 18 weekday holidays + 5 make-up days; Jan 1 is off anyway.
    assert cal.working_days_between(date(2025, 1, 1), date(2025, 12, 31)) == 248


def test_working_days_between_undoes_add_working_days(cal: WorkCalendar) -> None:
    for start in days(date(2025, 12, 1), date(2027, 2, 28)):
        for n in (1, 5, 15, 30, 400):
            due = cal.add_working_days(start, n).date
            assert cal.working_days_between(start, due) == n, (start, n)
            assert cal.is_workday(due)


# --- provisional years --------------------------------------------------------------


def test_2030_is_provisional_with_computed_holidays(cal: WorkCalendar) -> None:
    assert statutory_holidays(2030) == {
        date(2030, 1, 1): "元旦",
        # Chinese New Year is 2030-02-03; the 12th lunar month has 30 days.
        date(2030, 2, 2): "春节",
        date(2030, 2, 3): "春节",
        date(2030, 2, 4): "春节",
        date(2030, 2, 5): "春节",
        date(2030, 4, 5): "清明节",
        date(2030, 5, 1): "劳动节",
        date(2030, 5, 2): "劳动节",
        date(2030, 6, 5): "端午节",
        date(2030, 9, 12): "中秋节",
        date(2030, 10, 1): "国庆节",
        date(2030, 10, 2): "国庆节",
        date(2030, 10, 3): "国庆节",
    }
    assert not cal.is_workday(date(2030, 2, 5))  # Tuesday
    assert cal.is_workday(date(2030, 2, 6))
    assert cal.is_workday(date(2030, 10, 4))  # Friday: no arranged bridge days
    assert not cal.is_workday(date(2030, 10, 5))  # Saturday: no make-up working days
    assert cal.add_working_days(date(2030, 2, 1), 1) == Due(date(2030, 2, 6), True)


def test_new_years_eve_on_the_29th_of_the_12th_month() -> None:
    # Chinese New Year is 2027-02-06 and the 12th lunar month has only 29 days.
    spring = sorted(d for d, name in statutory_holidays(2027).items() if name == "春节")
    assert spring == days(date(2027, 2, 5), date(2027, 2, 8))


def test_mid_autumn_on_national_day_adds_no_day() -> None:
    # Mid-Autumn 2028 is October 3.
    holidays = statutory_holidays(2028)
    assert len(holidays) == 12
    autumn = sorted(d for d in holidays if d.month >= 9)
    assert autumn == days(date(2028, 10, 1), date(2028, 10, 3))


def test_qingming_dates() -> None:
    assert qingming(2025) == date(2025, 4, 4)
    assert qingming(2027) == date(2027, 4, 5)
    assert qingming(2028) == date(2028, 4, 4)


def test_provisional_range_is_1900_to_2100() -> None:
    assert min(statutory_holidays(1900)) == date(1900, 1, 1)
    assert sorted(statutory_holidays(1900))[1] == date(1900, 1, 30)  # eve of 1900-01-31
    assert len(statutory_holidays(2100)) == 13
    for year in (1899, 2101):
        with pytest.raises(ValueError, match=f"no provisional calendar for {year}"):
            statutory_holidays(year)


def test_due_is_provisional_if_any_year_consulted_is(cal: WorkCalendar) -> None:
    assert cal.add_working_days(date(2026, 12, 30), 5) == Due(date(2027, 1, 7), True)
    assert cal.add_working_days(date(2026, 12, 1), 5) == Due(date(2026, 12, 8), False)
    # 2027-01-30 is a Saturday.
    assert cal.add_months(date(2026, 11, 30), 2) == Due(date(2027, 2, 1), True)
    assert cal.add_months(date(2026, 10, 31), 1) == Due(date(2026, 11, 30), False)


@pytest.mark.parametrize("year", [2025, 2026])
def test_computed_holidays_are_official_holidays(year: int) -> None:
    assert [d for d in statutory_holidays(year) if chinese_calendar.is_workday(d)] == []


def test_computed_lunar_and_solar_term_dates_match_2008_to_2024() -> None:
    # Before the 2025 revision New Year's Eve and May 2 were not statutory
    # holidays; every other computed day, lunar ones included, must be off.
    for year in range(2008, 2025):
        holidays = statutory_holidays(year)
        eve = min(d for d, name in holidays.items() if name == "春节")
        checked = [d for d in holidays if d not in (eve, date(year, 5, 2))]
        assert [d for d in checked if chinese_calendar.is_workday(d)] == [], year


# --- overrides and staff-entered years ----------------------------------------------


def test_overrides_beat_the_package() -> None:
    cal = WorkCalendar({date(2025, 10, 8): True, date(2025, 3, 3): False})
    assert cal.is_workday(date(2025, 10, 8))
    assert not cal.is_workday(date(2025, 3, 3))
    assert cal.add_working_days(date(2025, 9, 30), 1) == Due(date(2025, 10, 8), False)
    assert cal.add_working_days(date(2025, 2, 28), 1).date == date(2025, 3, 4)


def test_overrides_apply_to_provisional_years_too() -> None:
    cal = WorkCalendar({date(2030, 10, 4): False, date(2030, 10, 12): True})
    assert not cal.is_workday(date(2030, 10, 4))
    assert cal.is_workday(date(2030, 10, 12))
    assert cal.is_provisional(2030)


def test_year_entered_by_staff_is_official() -> None:
    entered = {
        **{d: False for d in days(date(2027, 10, 1), date(2027, 10, 7))},
        date(2027, 9, 26): True,  # Sunday
        date(2027, 10, 9): True,  # Saturday
    }
    cal = WorkCalendar(entered, official_years=[2027])
    assert not cal.is_provisional(2027)
    assert cal.is_provisional(2028)
    assert cal.is_workday(date(2027, 9, 26))
    assert not cal.is_workday(date(2027, 10, 7))
    # Staff's schedule replaces the computed one: Dragon Boat (06-09) was not entered.
    assert cal.is_workday(date(2027, 6, 9))
    assert cal.add_working_days(date(2027, 9, 30), 1) == Due(date(2027, 10, 8), False)


def test_overrides_are_copied_at_construction() -> None:
    overrides = {date(2025, 3, 3): False}
    cal = WorkCalendar(overrides)
    overrides[date(2025, 3, 3)] = True
    assert not cal.is_workday(date(2025, 3, 3))


# --- clocks -------------------------------------------------------------------------


def test_parse_clock() -> None:
    assert parse_allowance("15wd") == Allowance(15, "wd")
    assert parse_allowance(" 3m ") == Allowance(3, "m")
    assert str(parse_allowance("20wd")) == "20wd"


def test_clock_due_from(cal: WorkCalendar) -> None:
    assert parse_allowance("3wd").due_from(cal, date(2025, 9, 26)) == Due(date(2025, 9, 30), False)
    assert parse_allowance("1m").due_from(cal, date(2025, 1, 31)) == Due(date(2025, 2, 28), False)


@pytest.mark.parametrize(
    "text", ["", "15", "wd", "15 wd", "15days", "-3m", "1.5m", "15WD", "3mm", "١٥wd"]
)
def test_bad_clock_text_raises(text: str) -> None:
    with pytest.raises(ValueError, match="bad clock .*expected a whole number followed by 'wd'"):
        parse_allowance(text)


def test_zero_clock_raises() -> None:
    with pytest.raises(ValueError, match="bad clock '0wd': the amount must be at least 1"):
        parse_allowance("0wd")
    with pytest.raises(ValueError, match="at least 1, got 0"):
        Allowance(0, "m")
    with pytest.raises(ValueError, match="unit is 'wd' or 'm'"):
        Allowance(3, "d")  # type: ignore[arg-type]


# --- Due ----------------------------------------------------------------------------


def test_end_at_is_the_end_of_the_day_in_shanghai() -> None:
    end = Due(date(2025, 10, 9), False).end_at()
    assert end == datetime(2025, 10, 9, 15, 59, 59, tzinfo=UTC)
    assert end.utcoffset() == timedelta(0)
    assert end.astimezone(SHANGHAI).replace(tzinfo=None) == datetime(2025, 10, 9, 23, 59, 59)


def test_due_is_frozen() -> None:
    due = Due(date(2025, 10, 9), False)
    with pytest.raises(dataclasses.FrozenInstanceError):
        due.provisional = True  # type: ignore[misc]


# --- 2026 day by day, against the State Council notice (国办发明电〔2025〕7号) --------------

HOLIDAYS_2026 = {
    "元旦": (date(2026, 1, 1), date(2026, 1, 3)),
    "春节": (date(2026, 2, 15), date(2026, 2, 23)),
    "清明节": (date(2026, 4, 4), date(2026, 4, 6)),
    "劳动节": (date(2026, 5, 1), date(2026, 5, 5)),
    "端午节": (date(2026, 6, 19), date(2026, 6, 21)),
    "中秋节": (date(2026, 9, 25), date(2026, 9, 27)),
    "国庆节": (date(2026, 10, 1), date(2026, 10, 7)),
}
# Sunday 4 Jan, Saturdays 14 and 28 Feb (Spring Festival), Saturday 9 May, Sunday 20 Sep, Saturday 10 Oct.
MAKE_UP_2026 = [date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9), date(2026, 9, 20),
                date(2026, 10, 10)]


def notice_2026(d: date) -> bool:
    """The 2026 notice read literally: a weekday not on holiday, or an arranged make-up day."""
    off = any(first <= d <= last for first, last in HOLIDAYS_2026.values())
    return d in MAKE_UP_2026 or (d.weekday() < 5 and not off)


def reference_add(start: date, n: int, is_workday) -> date:
    """Count n working days after start one day at a time: the rule as a person applies it."""
    d = start
    while n:
        d += timedelta(days=1)
        n -= is_workday(d)
    return d


YEAR_2026 = days(date(2026, 1, 1), date(2026, 12, 31))


def test_every_day_of_2026_is_what_the_notice_says(cal: WorkCalendar) -> None:
    assert [d for d in YEAR_2026 if cal.is_workday(d) is not notice_2026(d)] == []
    assert sum(notice_2026(d) for d in YEAR_2026) == 248
    assert [d.weekday() for d in MAKE_UP_2026 if d.month == 2] == [5, 5]  # two Saturdays around Spring Festival
    assert cal.is_workday(date(2026, 9, 20)) and date(2026, 9, 20).weekday() == 6


@pytest.mark.parametrize("n", [1, 2, 3, 5, 10, 15])
def test_working_days_from_every_day_of_2026(cal: WorkCalendar, n: int) -> None:
    wrong = [(d, cal.add_working_days(d, n).date) for d in YEAR_2026[:-40]
             if cal.add_working_days(d, n).date != reference_add(d, n, notice_2026)]
    assert wrong == []


def test_months_from_every_day_of_2026(cal: WorkCalendar) -> None:
    for start in days(date(2025, 10, 1), date(2026, 9, 30)):
        for n in (1, 3):
            due = cal.add_months(start, n).date
            month = (start.month - 1 + n) % 12 + 1
            year = start.year + (start.month - 1 + n) // 12
            target = date(year, month, min(start.day, _month_length(year, month)))
            while not notice_2026(target):
                target += timedelta(days=1)
            assert due == target, (start, n)


def _month_length(year: int, month: int) -> int:
    return ((date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)).day


def test_2026_holidays_seen_through_deadlines(cal: WorkCalendar) -> None:
    # Signed Friday 13 Feb: 2 working days are Saturday 14 Feb (make-up) and Tuesday 24 Feb.
    assert cal.add_working_days(date(2026, 2, 13), 2) == Due(date(2026, 2, 24), False)
    # Mid-Autumn then National Day: from Thursday 24 Sep, 3 working days end on Wednesday 30 Sep,
    # and the next working day is Thursday 8 Oct...
    assert cal.add_working_days(date(2026, 9, 24), 3).date == date(2026, 9, 30)
    assert cal.add_working_days(date(2026, 9, 24), 4).date == date(2026, 10, 8)
    # ...and from Friday 18 Sep the first is Sunday 20 Sep.
    assert cal.add_working_days(date(2026, 9, 18), 1).date == date(2026, 9, 20)
    # 3 months from 1 July land on Thursday 1 Oct, a holiday: due Thursday 8 Oct.
    assert cal.add_months(date(2026, 7, 1), 3) == Due(date(2026, 10, 8), False)
    assert cal.working_day_before(date(2026, 2, 24), 2) == date(2026, 2, 13)
    assert cal.working_day_before(date(2026, 1, 5), 2) == date(2025, 12, 31)


# --- a year with no official schedule ---------------------------------------------------


def test_2027_has_no_official_schedule_and_uses_the_statutory_rules(cal: WorkCalendar) -> None:
    assert cal.is_provisional(2027)
    computed = statutory_holidays(2027)
    provisional = [d for d in days(date(2027, 1, 1), date(2027, 12, 31)) if not cal.is_workday(d)]
    assert provisional == sorted({*computed, *(d for d in days(date(2027, 1, 1), date(2027, 12, 31))
                                               if d.weekday() >= 5)})
    assert cal.add_working_days(date(2027, 2, 4), 1) == Due(date(2027, 2, 9), True)
    assert cal.add_months(date(2026, 12, 15), 2) == Due(date(2027, 2, 15), True)
    entered = WorkCalendar({date(2027, 2, 9): False}, official_years=[2027])
    assert entered.add_working_days(date(2027, 2, 4), 1) == Due(date(2027, 2, 5), False)
