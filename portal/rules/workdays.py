"""Working-day arithmetic over the official PRC calendar (R3.3, R3.4).

Day-zero convention: the day a clock starts (the day of assignment, of a rating, …) is
day zero and never counts, as in 期间开始之日不计算在内. ``add_workdays(start, n)`` is the
n-th working day strictly after ``start``; the deadline is the end of that day.

Sources, strongest first: days an admin entered (the calendar table), then the official
calendar shipped in ``chinese-calendar``, then for a year neither covers a rule-based
fallback (weekends and the fixed-date holidays). Results that touch a fallback year are
*provisional* and are recomputed once the official days are entered.
"""
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from chinese_calendar import constants as official

OFFICIAL_YEARS = frozenset(range(min(official.holidays).year, max(official.holidays).year + 1))
# Statutory holidays that fall on a fixed solar date (国务院《全国年节及纪念日放假办法》, 2025):
# 元旦, 劳动节 (2 days), 国庆节 (3 days). The lunar holidays and the make-up workdays are
# announced each year, so a fallback year knows only these.
FIXED_HOLIDAYS = ((1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3))


@dataclass(frozen=True)
class WorkCalendar:
    """The calendar in force. ``overrides`` maps a day to True (workday) or False (holiday)."""

    overrides: Mapping[date, bool] = field(default_factory=dict)
    confirmed_years: frozenset[int] = frozenset()

    def is_official(self, year: int) -> bool:
        return year in OFFICIAL_YEARS or year in self.confirmed_years

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year in OFFICIAL_YEARS:
            if day in official.workdays:
                return True
            if day in official.holidays:
                return False
        elif (day.month, day.day) in FIXED_HOLIDAYS:
            return False
        return day.weekday() < 5

    def is_provisional(self, start: date, end: date) -> bool:
        """True when a day between start and end comes from the fallback rule."""
        low, high = sorted((start, end))
        return any(not self.is_official(year) for year in range(low.year, high.year + 1))


def add_workdays(start: date, n: int, calendar: WorkCalendar) -> date:
    """The n-th working day after ``start`` (``start`` itself is day zero); before it when n < 0."""
    step = timedelta(days=1 if n >= 0 else -1)
    day, left = start, abs(n)
    while left:
        day += step
        if calendar.is_workday(day):
            left -= 1
    return day


def workdays_between(start: date, end: date, calendar: WorkCalendar) -> int:
    """Working days in (start, end]; negative, counting (end, start], when end is before start.

    ``workdays_between(today, due)`` is the working days left; ``workdays_between(due, today)``
    is the working days overdue (1 on the first working day after the due date).
    """
    if end < start:
        return -workdays_between(end, start, calendar)
    return sum(calendar.is_workday(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))


def next_workday_on_or_after(day: date, calendar: WorkCalendar) -> date:
    while not calendar.is_workday(day):
        day += timedelta(days=1)
    return day
