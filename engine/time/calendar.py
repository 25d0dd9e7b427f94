"""Chinese working-day calendar behind every task deadline.

The deadline engine calls it when a task's clock starts and when it sweeps all
open tasks to recompute their deadlines (a ``15wd`` or ``3m`` clock from
``docs/processes.md``); the web UI calls it to show the time left in working
days. It is pure Python and reads no database: the caller loads the
staff-entered days (``models.calendar.CalendarDay``) and the years whose
official schedule staff have entered, and passes them to ``WorkCalendar``.

Where a day's status comes from, strongest first:

1. a staff override, ``{date: is_workday}`` (holidays and 调休 make-up days);
2. the official State Council schedule: the ``chinesecalendar`` package for the
   years it ships (``PACKAGE_YEARS``), or, for a year listed in
   ``official_years``, the staff-entered days over plain weekends;
3. any other year gets a PROVISIONAL schedule: weekends plus the statutory
   holidays of the 全国年节及纪念日放假办法 (2025 revision), with lunar dates
   and the Qingming solar term computed by ``lunar_python``, and no make-up
   working days. A deadline that consults such a year is flagged provisional,
   so the UI can say it may move once the official schedule is published.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

import chinese_calendar
from lunar_python import Lunar

# The package rejects any year outside the span of its holiday table (its own
# range check uses the same min and max), so that span is the years it knows.
PACKAGE_YEARS = range(
    min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1
)
# The span the provisional rules are promised for; beyond it nobody has
# checked the lunar arithmetic, and no deadline should reach that far.
PROVISIONAL_YEARS = range(1900, 2101)

SHANGHAI = ZoneInfo("Asia/Shanghai")
_END_OF_DAY = dt.time(23, 59, 59)
_ONE_DAY = dt.timedelta(days=1)
_CLOCK_RE = re.compile(r"([0-9]+)(wd|m)")


@dataclass(frozen=True)
class Due:
    """A deadline day, and whether a provisional year was used to find it."""

    date: dt.date
    provisional: bool

    def end_at(self) -> dt.datetime:
        """Return the end of the due day in Shanghai, as an aware UTC datetime."""
        local = dt.datetime.combine(self.date, _END_OF_DAY, tzinfo=SHANGHAI)
        return local.astimezone(dt.UTC)


@dataclass(frozen=True, slots=True)
class _Year:
    """One year's working days, as sorted ordinals and as a set for lookups."""

    provisional: bool
    ordinals: tuple[int, ...]
    lookup: frozenset[int]


def _lunar_to_solar(year: int, month: int, day: int) -> dt.date:
    """Convert a lunar date (non-leap month) of lunar year ``year`` to a date."""
    solar = Lunar.fromYmd(year, month, day).getSolar()
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def qingming(year: int) -> dt.date:
    """Return the date (Beijing time) of the Qingming solar term in ``year``."""
    # The lunar year that starts in ``year`` always contains its April, hence
    # this year's Qingming.
    term = Lunar.fromYmd(year, 3, 1).getJieQiTable()["清明"]
    return dt.date(term.getYear(), term.getMonth(), term.getDay())


def statutory_holidays(year: int) -> dict[dt.date, str]:
    """Return the statutory public holidays of ``year`` under the 2025 rules."""
    if year not in PROVISIONAL_YEARS:
        raise ValueError(
            f"no provisional calendar for {year}: only years "
            f"{PROVISIONAL_YEARS.start}-{PROVISIONAL_YEARS.stop - 1} are computed"
        )
    # Chinese New Year always falls in late January or February, so its eve
    # (the last day of lunar month 12, whether the 29th or the 30th) is the
    # day before and lies in the same Gregorian year.
    eve = _lunar_to_solar(year, 1, 1) - _ONE_DAY
    days = {dt.date(year, 1, 1): "元旦"}
    days.update({eve + i * _ONE_DAY: "春节" for i in range(4)})
    days[qingming(year)] = "清明节"
    days.update({dt.date(year, 5, d): "劳动节" for d in (1, 2)})
    days[_lunar_to_solar(year, 5, 5)] = "端午节"
    days[_lunar_to_solar(year, 8, 15)] = "中秋节"
    # National Day wins where Mid-Autumn falls on Oct 1-3: it is one day off.
    days.update({dt.date(year, 10, d): "国庆节" for d in (1, 2, 3)})
    return days


def _package_is_workday(d: dt.date) -> bool:
    """Tell whether the packaged official schedule has ``d`` as a working day."""
    return bool(chinese_calendar.is_workday(d))


def _is_weekday(d: dt.date) -> bool:
    """Tell whether ``d`` falls Monday to Friday."""
    return d.weekday() < 5


class WorkCalendar:
    """Answer working-day questions from overrides, official data and rules."""

    def __init__(
        self,
        overrides: Mapping[dt.date, bool] | None = None,
        official_years: Iterable[int] = (),
    ) -> None:
        """Keep the staff overrides and the years staff entered officially."""
        self._overrides: dict[int, dict[int, bool]] = {}
        for day, is_workday in (overrides or {}).items():
            self._overrides.setdefault(day.year, {})[day.toordinal()] = bool(is_workday)
        self._official_years = frozenset(official_years)
        self._years: dict[int, _Year] = {}

    def is_provisional(self, year: int) -> bool:
        """Tell whether ``year`` lacks an official schedule, packaged or staff-entered."""
        return year not in PACKAGE_YEARS and year not in self._official_years

    def is_workday(self, d: dt.date) -> bool:
        """Tell whether ``d`` is a working day."""
        return d.toordinal() in self._year(d.year).lookup

    def add_working_days(self, start: dt.date, n: int) -> Due:
        """Return the n-th working day after ``start`` (``start`` is not counted).

        ``n == 0`` returns ``start`` itself, working day or not: a zero
        allowance means "due the day it starts", and rolling it forward would
        invent time nobody granted. A negative ``n`` raises ValueError.
        """
        if n < 0:
            raise ValueError(f"working days to add must be >= 0, got {n}")
        if n == 0:
            return Due(start, self.is_provisional(start.year))
        ordinal, year = start.toordinal(), start.year
        while True:
            days = self._year(year).ordinals
            after = bisect_right(days, ordinal)  # index of the first day after start
            if after + n <= len(days):
                return self._due(start + _ONE_DAY, dt.date.fromordinal(days[after + n - 1]))
            n -= len(days) - after
            year += 1

    def add_months(self, start: dt.date, n: int) -> Due:
        """Return the same day ``n`` months later, clamped, rolled to a working day.

        The day of month is clamped to the target month's last day (Jan 31 +
        1 month is Feb 28 or 29); a non-working result moves to the next
        working day. ``n == 0`` applies the roll to ``start`` itself.
        """
        if n < 0:
            raise ValueError(f"months to add must be >= 0, got {n}")
        years, month_index = divmod(start.month - 1 + n, 12)
        year, month = start.year + years, month_index + 1
        target = dt.date(year, month, min(start.day, _days_in_month(year, month)))
        return self._due(target, self._next_workday_from(target))

    def on_or_after(self, d: dt.date) -> Due:
        """Return ``d`` if it is a working day, else the next one (an extension's granted date)."""
        return self._due(d, self._next_workday_from(d))

    def working_day_before(self, d: dt.date, n: int) -> dt.date:
        """Return the n-th working day before ``d`` (``d`` is not counted); ``n == 0`` returns ``d``.

        A warning window of 3 working days before a due day starts on the 3rd working day
        before it; a task is overdue by n working days on day D once its due day falls before
        ``working_day_before(D + 1 day, n)``.
        """
        if n < 0:
            raise ValueError(f"working days to go back must be >= 0, got {n}")
        if n == 0:
            return d
        ordinal, year = d.toordinal(), d.year
        while True:
            days = self._year(year).ordinals
            before = bisect_left(days, ordinal)  # working days of this year before d
            if before >= n:
                return dt.date.fromordinal(days[before - n])
            n -= before
            year -= 1
            ordinal = dt.date(year, 12, 31).toordinal() + 1

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Count working days after ``a`` up to and including ``b`` (negative if b < a)."""
        if b < a:
            return -self.working_days_between(b, a)
        whole_years = sum(len(self._year(y).ordinals) for y in range(a.year, b.year))
        return whole_years + self._count_through(b) - self._count_through(a)

    def _year(self, year: int) -> _Year:
        """Return the cached table of ``year``, building it on first use."""
        table = self._years.get(year)
        if table is None:
            table = self._years[year] = self._build_year(year)
        return table

    def _build_year(self, year: int) -> _Year:
        """Apply the overrides of ``year`` over its official or provisional base."""
        base = _base_workdays(year, year in self._official_years)
        overrides = self._overrides.get(year, {})
        first = dt.date(year, 1, 1).toordinal()
        last = dt.date(year, 12, 31).toordinal()
        ordinals = tuple(o for o in range(first, last + 1) if overrides.get(o, o in base))
        return _Year(self.is_provisional(year), ordinals, frozenset(ordinals))

    def _next_workday_from(self, d: dt.date) -> dt.date:
        """Return ``d`` if it is a working day, else the next working day."""
        ordinal, year = d.toordinal(), d.year
        while True:
            days = self._year(year).ordinals
            index = bisect_left(days, ordinal)
            if index < len(days):
                return dt.date.fromordinal(days[index])
            year += 1

    def _count_through(self, d: dt.date) -> int:
        """Count the working days of ``d``'s year up to and including ``d``."""
        return bisect_right(self._year(d.year).ordinals, d.toordinal())

    def _due(self, first: dt.date, due: dt.date) -> Due:
        """Build a Due, provisional if any year from ``first`` to ``due`` is."""
        provisional = any(
            self._year(y).provisional for y in range(first.year, due.year + 1)
        )
        return Due(due, provisional)


@lru_cache(maxsize=64)
def _base_workdays(year: int, official: bool) -> frozenset[int]:
    """Return the ordinals of ``year``'s working days before overrides, computed once per process.

    Asking the packaged schedule day by day costs milliseconds a year, and a calendar is built
    for every task that gets a deadline.
    """
    rule = _base_rule(year, official)
    first = dt.date(year, 1, 1).toordinal()
    last = dt.date(year, 12, 31).toordinal()
    return frozenset(o for o in range(first, last + 1) if rule(dt.date.fromordinal(o)))


def _base_rule(year: int, official: bool) -> Callable[[dt.date], bool]:
    """Pick the rule that decides a day of ``year`` before overrides."""
    if year in PACKAGE_YEARS:
        return _package_is_workday
    if official:
        # Staff entered this year's schedule as overrides over weekends.
        return _is_weekday
    holidays = statutory_holidays(year)
    return lambda d: _is_weekday(d) and d not in holidays


def _days_in_month(year: int, month: int) -> int:
    """Return the number of days in ``month`` of ``year``."""
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return (following - _ONE_DAY).day


@dataclass(frozen=True)
class Allowance:
    """A time allowance from a diagram: ``amount`` working days or months."""

    amount: int
    unit: Literal["wd", "m"]

    def __post_init__(self) -> None:
        """Refuse allowances that could never run: zero, negative or unknown unit."""
        if self.amount < 1:
            raise ValueError(f"a clock must allow at least 1, got {self.amount}")
        if self.unit not in ("wd", "m"):
            raise ValueError(f"a clock's unit is 'wd' or 'm', got {self.unit!r}")

    def due_from(self, calendar: WorkCalendar, start: dt.date) -> Due:
        """Return the deadline of this allowance started on ``start``."""
        if self.unit == "wd":
            return calendar.add_working_days(start, self.amount)
        return calendar.add_months(start, self.amount)

    def __str__(self) -> str:
        """Write the allowance back as a diagram spells it, e.g. ``15wd``."""
        return f"{self.amount}{self.unit}"


def parse_allowance(text: str) -> Allowance:
    """Parse an allowance such as ``15wd`` (working days) or ``3m`` (months)."""
    match = _CLOCK_RE.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(
            f"bad clock {text!r}: expected a whole number followed by 'wd' "
            "(working days) or 'm' (months), e.g. '15wd' or '3m'"
        )
    amount = int(match.group(1))
    if amount < 1:
        raise ValueError(f"bad clock {text!r}: the amount must be at least 1")
    unit: Literal["wd", "m"] = "wd" if match.group(2) == "wd" else "m"
    return Allowance(amount, unit)
