"""R8.3 warning levels at each threshold, per preset."""
import pytest

from portal.rules.policy import load_policy
from portal.rules.warnings import current_level, levels_reached

LN, CZ = load_policy("longnan").warning_levels, load_policy("chizhou").warning_levels


@pytest.mark.parametrize(("overdue", "level", "points"), [
    (0, None, 0), (1, "blue", 0.5), (2, "yellow", 1.5), (3, "yellow", 1.5), (4, "red", 4.5),
    (6, "red", 4.5), (7, "inspection", 4.5), (20, "inspection", 4.5),
])
def test_longnan_levels_and_cumulative_deductions(overdue, level, points):
    reached = levels_reached(overdue, LN)
    assert (reached[-1].level if reached else None) == level
    assert sum(w.points for w in reached) == points


def test_an_explained_delay_is_not_handed_to_the_inspection_office():
    assert current_level(9, LN, explained=True).level == "red"
    assert current_level(9, LN, explained=False).level == "inspection"


@pytest.mark.parametrize(("overdue", "level"), [(0, None), (1, "blue"), (7, "blue")])
def test_chizhou_has_one_level_the_written_notice(overdue, level):
    found = current_level(overdue, CZ)
    assert (found.level if found else None) == level
    assert all(w.points == 0 for w in CZ)
