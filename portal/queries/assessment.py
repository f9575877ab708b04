"""Unit assessment per month, quarter or year (年终考评) (R8.4; LN 第二十七条, CZ 第十三条). Read-only.

Each figure is kept with the messages behind it, so the office can open any number. What counts:
- received: lead assignments made in the period (returned ones left out: the unit was relieved);
- answered / on time: answers approved in the period, on time when by the lead unit's deadline in force;
- extensions, returns: requests approved in the period;  redo: redo rounds opened in the period;
- ratings / satisfied: ratings given in the period (satisfied: the preset's satisfied levels);
- deductions: the points of the warnings raised in the period (R8.3), every level or the highest per item.
The score is rules/assessment.py's composite_score with the preset's weights.
"""
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..models import Assignment, ExtensionRequest, Message, OverdueWarning, Rating, RedoRound, ReturnRequest, Unit
from ..rules.assessment import UnitFigures, composite_score, percent
from ..rules.periods import Period
from .common import policy
from .projection import answered_rows
from .reports import utc_bounds

METRICS = {
    "received": "交办件数", "answered": "答复件数", "on_time": "按时办结", "extensions": "延期", "returns": "退回",
    "redo": "重办", "ratings": "评价件数", "satisfied": "满意件数", "deductions": "预警扣分",
}


@dataclass
class UnitAssessment:
    unit_id: int
    unit: str
    figures: UnitFigures
    score: float | None
    messages: dict[str, list[int]]  # metric → ids of the messages behind the figure

    @property
    def on_time_rate(self) -> float | None:
        return percent(self.figures.on_time, self.figures.answered)

    @property
    def satisfaction_rate(self) -> float | None:
        return percent(self.figures.satisfied, self.figures.ratings)


def assess(period: Period) -> list[UnitAssessment]:
    """Every handling unit's figures and score, best score first (units without a score last)."""
    pairs, points = _pairs(period)
    weights, min_answered = policy().assessment_weights, policy().assessment_min_answered
    result = []
    for unit_id, name in db.session.execute(select(Unit.id, Unit.name).where(Unit.kind != "platform",
                                                                             Unit.active)):
        messages = {metric: sorted(set(pairs[metric].get(unit_id, []))) for metric in METRICS}
        counts = {metric: len(pairs[metric].get(unit_id, [])) for metric in METRICS if metric != "deductions"}
        figures = UnitFigures(**counts, deductions=round(points.get(unit_id, 0.0), 1))
        result.append(UnitAssessment(unit_id, name, figures, composite_score(figures, weights, min_answered), messages))
    result.sort(key=lambda a: (a.score is None, -(a.score or 0), -a.figures.received, a.unit))
    return result


def _pairs(period: Period) -> tuple[dict[str, dict[int, list[int]]], dict[int, float]]:
    """metric → unit id → message ids (one per counted item), and the deducted points per unit."""
    start, end = utc_bounds(period)
    queries = {
        "received": select(Assignment.unit_id, Assignment.message_id).where(
            Assignment.is_lead, Assignment.state != "returned", Assignment.assigned_at >= start,
            Assignment.assigned_at < end),
        "extensions": _decided(ExtensionRequest, start, end),
        "returns": _decided(ReturnRequest, start, end),
        "redo": select(Message.lead_unit_id, RedoRound.message_id).join(Message, Message.id == RedoRound.message_id)
        .where(RedoRound.opened_at >= start, RedoRound.opened_at < end),
    }
    pairs: dict[str, dict[int, list[int]]] = {metric: defaultdict(list) for metric in METRICS}
    for metric, query in queries.items():
        for unit_id, message_id in db.session.execute(query):
            pairs[metric][unit_id].append(message_id)
    for row in answered_rows(Message.answered_at >= start, Message.answered_at < end):
        pairs["answered"][row.unit_id].append(row.message_id)
        if row.on_time:
            pairs["on_time"][row.unit_id].append(row.message_id)
    good = set(policy().satisfied_ratings)
    for unit_id, message_id, level in db.session.execute(
            select(Message.lead_unit_id, Rating.message_id, Rating.level).join(Message, Message.id == Rating.message_id)
            .where(Rating.rated_at >= start, Rating.rated_at < end)):
        pairs["ratings"][unit_id].append(message_id)
        if level in good:
            pairs["satisfied"][unit_id].append(message_id)
    return pairs, _deductions(period, pairs["deductions"])


def _deductions(period: Period, items: dict[int, list[int]]) -> dict[int, float]:
    """Points per unit for the warnings raised in the period. The preset says whether an item that
    reached red costs every level it passed (0.5 + 1 + 3) or only its highest (3)."""
    per_item: dict[tuple, list[float]] = defaultdict(list)
    for unit_id, message_id, assignment_id, due, value in db.session.execute(
            select(OverdueWarning.unit_id, OverdueWarning.message_id, OverdueWarning.assignment_id,
                   OverdueWarning.due_date, OverdueWarning.points).where(
                OverdueWarning.raised_on >= period.start, OverdueWarning.raised_on < period.end)):
        items[unit_id].append(message_id)
        per_item[(unit_id, assignment_id, due)].append(value)
    highest_only = policy().warning_deductions == "highest_level"
    points: dict[int, float] = defaultdict(float)
    for (unit_id, _, _), values in per_item.items():
        points[unit_id] += max(values) if highest_only else sum(values)
    return points


def _decided(model, start, end):
    return (select(Assignment.unit_id, Assignment.message_id).select_from(model)
            .join(Assignment, Assignment.id == model.assignment_id)
            .where(model.decision == "approved", model.decided_at >= start, model.decided_at < end))
