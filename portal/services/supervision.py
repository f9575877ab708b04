"""Leader instructions (R4.4) and supervision cases (R8.2); what to supervise is read in queries/proposals.py."""
from datetime import date

from .. import clock
from ..display import date_cn
from ..extensions import db
from ..models import LeaderInstruction, SupervisionCase
from ..rules.workflow import CLOCK_RUNNING, Action
from .common import (
    DomainError,
    NotFound,
    add_workdays,
    check_version,
    commit,
    flush,
    move,
    policy,
    record,
    require,
    require_text,
    workdays_between,
)
from .deadlines import set_period


def record_instruction(message, *, actor, leader_name: str, text: str, instructed_on: date,
                       due_date: date | None = None, version: int | None = None) -> LeaderInstruction:
    """A city leader's instruction (批示); once the message is assigned it opens a supervision case,
    to be finished by the date the leader set (LN 第二十四条(四))."""
    check_version(message, version)
    require(actor, Action.RECORD_INSTRUCTION, message)
    lead = message.lead_assignment()
    if lead is not None:
        _case_due("leader_report", due_date)  # refuse before anything is written
    instruction = LeaderInstruction(message_id=message.id, leader_name=require_text(leader_name, "批示领导"),
                                    text=require_text(text, "批示内容"), instructed_on=instructed_on,
                                    recorded_by_id=actor.id)
    db.session.add(instruction)
    flush()
    case = None
    if lead is not None:
        case = _new_case(message, lead.unit_id, reason="instruction", method="leader_report",
                         note=instruction.text, actor=actor, instruction_id=instruction.id, due_date=due_date)
        _finish_by(message, lead.unit_id, case.due_date)
        flush()
    move(message, Action.RECORD_INSTRUCTION, actor=actor, leader=instruction.leader_name,
         text=instruction.text, case_id=case.id if case else None)
    commit()
    return instruction


def open_case(message, *, actor, reason: str, method: str, note: str = "", unit_id: int | None = None,
              due_date: date | None = None, version: int | None = None) -> SupervisionCase:
    """Open a supervision case on the lead unit (or the unit named). LN 第二十四条: by SMS/phone or a written
    notice the unit must finish within the preset's working days; on site or by a leader's report, by the
    date the office or the leader sets (``due_date``). The lead's deadline is brought forward to it."""
    check_version(message, version)
    require(actor, Action.OPEN_SUPERVISION, message)
    if unit_id is None:
        unit_id = (message.lead_assignment() or next(a for a in message.assignments if a.is_lead)).unit_id
    case = _new_case(message, unit_id, reason=reason, method=method, note=note, actor=actor, due_date=due_date)
    _finish_by(message, unit_id, case.due_date)
    flush()
    move(message, Action.OPEN_SUPERVISION, actor=actor, case_id=case.id, reason=reason,
         method=method, due_date=case.due_date)
    commit()
    return case


def answer_case(case: SupervisionCase, *, actor, answer: str) -> None:
    if actor.unit_id != case.unit_id or case.answered_at is not None:
        raise NotFound("没有找到待反馈的督办事项。")
    if case.closed_at:
        raise DomainError("该督办事项已办结。")
    require(actor, Action.ANSWER_SUPERVISION, case.message)
    case.answer, case.answered_by_id, case.answered_at = require_text(answer, "督办反馈"), actor.id, clock.now()
    move(case.message, Action.ANSWER_SUPERVISION, actor=actor, case_id=case.id)
    commit()


def close_case(case: SupervisionCase, *, actor, note: str = "") -> None:
    if case.closed_at:
        raise DomainError("该督办事项已办结。")
    require(actor, Action.CLOSE_SUPERVISION, case.message)
    case.closed_at = clock.now()
    move(case.message, Action.CLOSE_SUPERVISION, actor=actor, case_id=case.id, note=note)
    commit()



def _new_case(message, unit_id, *, reason, method, note, actor, instruction_id=None, due_date=None) -> SupervisionCase:
    rules = policy()
    if reason not in {c.code for c in rules.supervision_reasons}:
        raise DomainError("请选择督办事由。")
    if method not in {c.code for c in rules.supervision_methods}:
        raise DomainError("请选择督办方式。")
    case = SupervisionCase(message_id=message.id, unit_id=unit_id, reason=reason, method=method, note=note,
                           opened_by_id=actor.id, instruction_id=instruction_id,
                           due_date=_case_due(method, due_date))
    db.session.add(case)
    return case


def _case_due(method: str, due_date: date | None) -> date:
    days = policy().supervision_finish_workdays.get(method)
    if days is not None:
        return add_workdays(clock.today(), days)
    if due_date is None:
        raise DomainError("现场协调、专报批示督办须填写办结期限（由平台或领导规定）。")
    if due_date <= clock.today():
        raise DomainError("督办办结期限须晚于今天。")
    return due_date


def _finish_by(message, unit_id: int, due: date) -> None:
    """The supervised unit must finish by the case's date: its own deadline comes forward, never later."""
    for assignment in message.active_assignments():
        if assignment.unit_id == unit_id and assignment.due_date > due:
            set_period(assignment, clock.today(), workdays_between(clock.today(), due))


def remind(message, *, actor) -> int:
    """催办 (R8.1): an SMS to the handlers of every unit still working on the message, recorded."""
    from ..models import User
    from ..rules.workflow import Role, Status
    from .outbox import queue

    if Status(message.status) not in CLOCK_RUNNING:
        raise DomainError("该留言不在承办单位办理中，无需催办。")
    sent = 0
    stamp = clock.now().strftime("%Y%m%d%H%M")
    for assignment in message.active_assignments():
        handlers = db.session.query(User).filter_by(unit_id=assignment.unit_id, role=Role.HANDLER, active=True)
        for user in handlers:
            if queue(f"manual-remind:{assignment.id}:{user.id}:{stamp}", channel="sms", recipient=user.phone,
                     name=user.name, message=message,
                     body=f"催办：留言（{message.tracking_no}）办理期限{date_cn(assignment.due_date)}，请抓紧办理。"):
                sent += 1
    record(message, "remind", actor=actor, manual=True, sms=sent)
    commit()
    return sent
