"""R3.3/R3.4: working days over the official calendar, make-up workdays, admin days, fallback years."""
from datetime import date

import pytest

from portal.rules.workdays import OFFICIAL_YEARS, WorkCalendar, add_workdays, workdays_between

OFFICIAL = WorkCalendar()
D = date.fromisoformat


@pytest.mark.parametrize(("start", "n", "due", "why"), [
    ("2026-11-24", 0, "2026-11-24", "day zero is the start"),
    ("2026-11-23", 2, "2026-11-25", "Monday + 2 = Wednesday: the start day does not count"),
    ("2026-11-27", 1, "2026-11-30", "Friday + 1 skips the weekend"),
    ("2026-11-28", 1, "2026-11-30", "a clock started on Saturday: Monday is day one"),
    ("2025-09-30", 2, "2025-10-10", "National Day 2025: Oct 1–8 off"),
    ("2025-09-30", 5, "2025-10-14", "…and Saturday Oct 11 is a make-up workday"),
    ("2025-09-26", 2, "2025-09-29", "Sunday Sep 28 is a make-up workday"),
    ("2025-01-27", 1, "2025-02-05", "Spring Festival 2025: Jan 28 – Feb 4 off"),
    ("2025-01-24", 1, "2025-01-26", "Sunday Jan 26 is a make-up workday"),
    ("2025-10-14", -5, "2025-09-30", "counting back crosses the holiday the same way"),
])
def test_add_workdays_on_the_official_calendar(start, n, due, why):
    assert add_workdays(D(start), n, OFFICIAL) == D(due), why


@pytest.mark.parametrize(("start", "end", "count"), [
    ("2025-09-30", "2025-10-10", 2),
    ("2025-10-10", "2025-09-30", -2),
    ("2026-11-27", "2026-11-30", 1),   # one working day overdue on Monday after a Friday deadline
    ("2026-11-27", "2026-11-29", 0),   # the weekend is not overdue
    ("2026-11-24", "2026-11-24", 0),
])
def test_workdays_between(start, end, count):
    assert workdays_between(D(start), D(end), OFFICIAL) == count


def test_add_and_between_are_inverse_over_a_year():
    start = D("2025-01-01")
    for n in range(0, 250, 7):
        assert workdays_between(start, add_workdays(start, n, OFFICIAL), OFFICIAL) == n


def test_admin_days_override_the_official_calendar():
    extra_holiday = WorkCalendar(overrides={D("2026-11-25"): False})
    assert add_workdays(D("2026-11-24"), 1, extra_holiday) == D("2026-11-26")
    makeup = WorkCalendar(overrides={D("2026-11-28"): True})
    assert add_workdays(D("2026-11-27"), 1, makeup) == D("2026-11-28")


def test_a_year_without_official_data_falls_back_and_is_provisional():
    assert 2027 not in OFFICIAL_YEARS, "chinese-calendar gained 2027: move this test to the next year"
    assert not OFFICIAL.is_workday(D("2027-10-01")), "fixed-date National Day"
    assert not OFFICIAL.is_workday(D("2027-01-01"))
    assert OFFICIAL.is_workday(D("2027-01-04"))
    assert add_workdays(D("2026-12-30"), 2, OFFICIAL) == D("2027-01-04")
    assert OFFICIAL.is_provisional(D("2026-12-30"), D("2027-01-04"))
    assert not OFFICIAL.is_provisional(D("2026-11-24"), D("2026-12-31"))


def test_a_confirmed_year_is_no_longer_provisional():
    confirmed = WorkCalendar(overrides={D("2027-02-08"): False}, confirmed_years=frozenset({2027}))
    assert not confirmed.is_provisional(D("2027-01-04"), D("2027-02-10"))
    assert not confirmed.is_workday(D("2027-02-08"))
