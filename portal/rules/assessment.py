"""Unit assessment (R8.4): the composite score of one unit over one period. Pure arithmetic; the
weights come from the preset's [assessment] table, the deductions from the warnings (R8.3).

    score = 100 × Σ(weight × rate) / Σ(weight over the rates that exist) − deductions

一次办结率 = answered ÷ (answered + redo). A rate exists when its base is not zero (no ratings:
satisfaction does not count, and its weight goes to the others). A unit that answered fewer than
``min_answered`` items in the period (the preset's minimum sample, at least one) has no score and no
rank: it cannot score on rates it has none of, however its older answers were rated.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Weights:
    on_time: float
    satisfaction: float
    first_time: float


@dataclass(frozen=True)
class UnitFigures:
    received: int  # lead assignments made in the period
    answered: int  # answers approved in the period
    on_time: int  # of those, answered by the deadline in force
    extensions: int  # extensions approved in the period
    returns: int  # returns approved in the period
    redo: int  # redo rounds opened in the period (first rating 不满意)
    ratings: int  # ratings given in the period
    satisfied: int  # of those, at a satisfied level
    deductions: float  # points of the warnings raised in the period


def rate(part: int, whole: int) -> float | None:
    """A share in [0, 1], or None when there is nothing to share."""
    return part / whole if whole else None


def percent(part: int, whole: int) -> float | None:
    """The share as a percentage to one decimal, as every figure of the platform shows it."""
    return round(100 * part / whole, 1) if whole else None


def first_time_rate(figures: UnitFigures) -> float | None:
    """一次办结率: answers accepted by the citizen's first rating, against all answers and redo rounds:
    answered ÷ (answered + redo)."""
    return rate(figures.answered, figures.answered + figures.redo)


def composite_score(figures: UnitFigures, weights: Weights, min_answered: int = 1) -> float | None:
    if figures.answered < max(1, min_answered):
        return None
    parts = [
        (weights.on_time, rate(figures.on_time, figures.answered)),
        (weights.satisfaction, rate(figures.satisfied, figures.ratings)),
        (weights.first_time, first_time_rate(figures)),
    ]
    counted = [(weight, value) for weight, value in parts if value is not None and weight > 0]
    if not counted:
        return None
    total_weight = sum(weight for weight, _ in counted)
    score = 100 * sum(weight * value for weight, value in counted) / total_weight - figures.deductions
    return round(score, 1)
