"""Overdue warning levels (R8.3): blue, yellow, red, inspection, by working days overdue."""
from dataclasses import dataclass

LEVEL_ORDER = ("blue", "yellow", "red", "inspection")
LEVEL_LABELS = {"blue": "蓝色预警", "yellow": "黄色预警", "red": "红色预警", "inspection": "转督查室"}
# The deadlines a unit can miss on one assignment (R3.1), each reminded and warned about on its own.
DEADLINE_LABELS = {"close": "办结", "contact": "与诉求人沟通", "decision": "作出是否受理的决定"}


@dataclass(frozen=True)
class WarningLevel:
    level: str  # one of LEVEL_ORDER
    overdue_workdays: int  # reached when this many working days overdue
    notify: str  # the role reminded: handler, deputy_head, principal_head, supervisor
    points: float  # deducted from the unit's assessment
    action: str  # what the office does, in the regulation's words
    label: str = ""  # what the preset's regulation calls it (CZ: no colours); default LEVEL_LABELS


def label_of(level: str, levels: tuple[WarningLevel, ...]) -> str:
    """The preset's name for a warning level, else the colour name."""
    named = next((lv.label for lv in levels if lv.level == level and lv.label), None)
    return named or LEVEL_LABELS.get(level, level)


def levels_reached(overdue_workdays: int, levels: tuple[WarningLevel, ...], *, explained: bool = False):
    """Every level reached by this many working days overdue, mildest first.

    The hand-over to the inspection office applies only to delays the unit has not explained
    (LN 第二十六条: 超期7个工作日以上且未说明原因的).
    """
    return [
        lv
        for lv in levels
        if overdue_workdays >= lv.overdue_workdays and not (explained and lv.level == "inspection")
    ]


def current_level(overdue_workdays: int, levels: tuple[WarningLevel, ...], *, explained: bool = False):
    """The most severe level reached, or None when not overdue enough."""
    reached = levels_reached(overdue_workdays, levels, explained=explained)
    return reached[-1] if reached else None
