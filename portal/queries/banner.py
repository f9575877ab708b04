"""Where a case stands, in one line each, for the top of its page and for its row in a queue:
the deadline and the warning level reached (R8.3), supervision (R8.2), urgency (R12.7)."""
from dataclasses import dataclass

from sqlalchemy import select

from .. import clock
from ..display import date_cn
from ..extensions import db
from ..models import SupervisionCase
from ..rules.warnings import current_level, label_of
from ..rules.workflow import CLOCK_RUNNING, Status
from .common import policy, workdays_between


@dataclass(frozen=True)
class Clock:
    left: int | None  # working days left on the lead's deadline (negative: overdue), None when not running
    level: str | None  # the most severe warning level reached


def lead_clock(message, lead) -> Clock:
    """The lead unit's deadline as it stands today, while the unit's clock runs."""
    if lead is None or Status(message.status) not in CLOCK_RUNNING or lead.due_date is None:
        return Clock(None, None)
    left = workdays_between(clock.today(), lead.due_date)
    found = current_level(max(-left, 0), policy().warning_levels, explained=bool(lead.delay_explanation))
    return Clock(left, found.level if found else None)


@dataclass(frozen=True)
class Note:
    kind: str  # css class: level-red, supervision, urgent, overdue, info
    text: str


def banner(message) -> list[Note]:
    """The states a person opening the case must see first, most serious first."""
    rules = policy()
    notes = []
    lead = message.lead_assignment()
    now = lead_clock(message, lead)
    if now.left is not None and now.left < 0:
        overdue = f"{lead.unit.name}已超过办理期限 {-now.left} 个工作日（期限 {date_cn(lead.due_date)}）。"
        notes.append(Note(f"level-{now.level}", f"{label_of(now.level, rules.warning_levels)}：{overdue}")
                     if now.level else Note("overdue", overdue))
    elif now.left is not None:
        left = "今天到期" if now.left == 0 else f"剩余 {now.left} 个工作日"
        notes.append(Note("info", f"{lead.unit.name}办理期限 {date_cn(lead.due_date)}，{left}。"))
    reasons = {c.code: c.text for c in rules.supervision_reasons}
    methods = {c.code: c.text for c in rules.supervision_methods}
    for case in db.session.scalars(select(SupervisionCase).where(
            SupervisionCase.message_id == message.id, SupervisionCase.closed_at.is_(None))):
        answered = "，已反馈待办结" if case.answered_at else ""
        notes.append(Note("supervision", f"督办中：{case.unit.name}，{reasons.get(case.reason, case.reason)}，"
                                         f"{methods.get(case.method, case.method)}，督办期限 "
                                         f"{date_cn(case.due_date)}{answered}。"))
    if message.is_emergency:
        notes.append(Note("urgent", "突发类事项：须优先办理。"))
    return notes
