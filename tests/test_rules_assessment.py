"""R8.4 the composite score, and the report periods of R8.4/R10.1: pure arithmetic, table-driven."""
from datetime import date

import pytest

from portal.rules.assessment import UnitFigures, Weights, composite_score, first_time_rate
from portal.rules.periods import Period, PeriodError
from portal.rules.policy import load_policy

W = Weights(on_time=50, satisfaction=40, first_time=10)


def figures(answered=0, on_time=0, ratings=0, satisfied=0, redo=0, deductions=0.0):
    return UnitFigures(received=answered, answered=answered, on_time=on_time, extensions=0, returns=0, redo=redo,
                       ratings=ratings, satisfied=satisfied, deductions=deductions)


@pytest.mark.parametrize(("case", "expected"), [
    (figures(), None),  # nothing to assess: no score, no rank
    (figures(answered=4, on_time=4, ratings=4, satisfied=4), 100.0),
    (figures(answered=4, on_time=2, ratings=4, satisfied=4), 75.0),  # 50×½ + 40 + 10
    (figures(answered=1, on_time=1, ratings=2, satisfied=1, redo=1, deductions=1.5), 73.5),  # 50 + 20 + 5 − 1.5
    (figures(answered=2, on_time=2), 100.0),  # no ratings: satisfaction's weight goes to the others
    (figures(answered=2, on_time=0, deductions=4.5), 12.2),  # 100 × (50×0 + 10×1) / 60 − 4.5
    (figures(redo=2, deductions=3), None),  # sent back, nothing answered in the period: unranked
    (figures(ratings=3, satisfied=2), None),  # only older answers rated: no rate of its own work, unranked
])
def test_composite_score(case, expected):
    assert composite_score(case, W) == expected


def test_a_minimum_sample_keeps_a_unit_with_too_few_answers_unranked():
    three = figures(answered=3, on_time=3)
    assert composite_score(three, W, min_answered=5) is None and composite_score(three, W, min_answered=3) == 100.0


@pytest.mark.parametrize(("answered", "redo", "expected"), [(0, 0, None), (3, 0, 1.0), (1, 1, 0.5), (0, 2, 0.0)])
def test_first_time_rate_counts_redo_rounds_against_answers(answered, redo, expected):
    assert first_time_rate(figures(answered=answered, redo=redo)) == expected


@pytest.mark.parametrize("name", ["longnan", "chizhou"])
def test_each_preset_names_its_weights_and_satisfied_levels(name):
    rules = load_policy(name)
    assert rules.assessment_weights == W
    assert set(rules.satisfied_ratings) == {"very_satisfied", "satisfied", "basically_satisfied"}


@pytest.mark.parametrize(("text", "start", "end", "previous", "label"), [
    ("2026-11", date(2026, 11, 1), date(2026, 12, 1), "2026-10", "2026年11月"),
    ("2026-1", date(2026, 1, 1), date(2026, 2, 1), "2025-12", "2026年1月"),
    ("2026-12", date(2026, 12, 1), date(2027, 1, 1), "2026-11", "2026年12月"),
    ("2026-Q4", date(2026, 10, 1), date(2027, 1, 1), "2026-Q3", "2026年第四季度"),
    ("2026-q1", date(2026, 1, 1), date(2026, 4, 1), "2025-Q4", "2026年第一季度"),
])
def test_periods(text, start, end, previous, label):
    period = Period.parse(text)
    assert (period.start, period.end, period.previous().key, period.label) == (start, end, previous, label)


@pytest.mark.parametrize("text", ["", "20266", "2026-13", "2026-Q5", "11/2026", "2026-10-01"])
def test_a_malformed_period_is_refused_in_chinese(text):
    with pytest.raises(PeriodError, match="报告期应写作"):
        Period.parse(text)


def test_the_period_containing_a_day():
    assert Period.containing(date(2026, 11, 24)).key == "2026-11"
    assert Period.containing(date(2026, 11, 24), "quarter").key == "2026-Q4"
