"""Leader instructions (R4.4), supervision cases (R8.2) and what the office is advised to supervise."""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, exists, select

from .. import clock, textmining
from ..display import date_cn
from ..extensions import db
from ..models import LeaderInstruction, Message, Rating, SupervisionCase, Unit
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
    require_text,
    workdays_between,
)


def record_instruction(message, *, actor, leader_name: str, text: str, instructed_on: date,
                       version: int | None = None) -> LeaderInstruction:
    """A city leader's instruction (批示); once the message is assigned it opens a supervision case."""
    check_version(message, version)
    instruction = LeaderInstruction(message_id=message.id, leader_name=require_text(leader_name, "批示领导"),
                                    text=require_text(text, "批示内容"), instructed_on=instructed_on,
                                    recorded_by_id=actor.id)
    db.session.add(instruction)
    flush()
    case = None
    lead = message.lead_assignment()
    if lead is not None:
        case = _new_case(message, lead.unit_id, reason="instruction", method="leader_report",
                         note=instruction.text, actor=actor, instruction_id=instruction.id)
        flush()
    move(message, Action.RECORD_INSTRUCTION, actor=actor, leader=instruction.leader_name,
         text=instruction.text, case_id=case.id if case else None)
    commit()
    return instruction


def open_case(message, *, actor, reason: str, method: str, note: str = "", unit_id: int | None = None,
              version: int | None = None) -> SupervisionCase:
    """Open a supervision case on the lead unit (or the unit named); it has the preset's days to answer."""
    check_version(message, version)
    if unit_id is None:
        lead = message.lead_assignment() or next((a for a in message.assignments if a.is_lead), None)
        if lead is None:
            raise DomainError("该留言尚未交办，不能督办。")
        unit_id = lead.unit_id
    case = _new_case(message, unit_id, reason=reason, method=method, note=note, actor=actor)
    flush()
    move(message, Action.OPEN_SUPERVISION, actor=actor, case_id=case.id, reason=reason,
         method=method, due_date=case.due_date)
    commit()
    return case


def answer_case(case: SupervisionCase, *, actor, answer: str) -> None:
    if actor.unit_id != case.unit_id:
        raise NotFound("没有找到该督办事项。")
    if case.closed_at:
        raise DomainError("该督办事项已办结。")
    case.answer, case.answered_by_id, case.answered_at = require_text(answer, "督办反馈"), actor.id, clock.now()
    move(case.message, Action.ANSWER_SUPERVISION, actor=actor, case_id=case.id)
    commit()


def close_case(case: SupervisionCase, *, actor, note: str = "") -> None:
    if case.closed_at:
        raise DomainError("该督办事项已办结。")
    case.closed_at = clock.now()
    move(case.message, Action.CLOSE_SUPERVISION, actor=actor, case_id=case.id, note=note)
    commit()



def _new_case(message, unit_id, *, reason, method, note, actor, instruction_id=None) -> SupervisionCase:
    rules = policy()
    if reason not in {c.code for c in rules.supervision_reasons}:
        raise DomainError("请选择督办事由。")
    if method not in {c.code for c in rules.supervision_methods}:
        raise DomainError("请选择督办方式。")
    case = SupervisionCase(message_id=message.id, unit_id=unit_id, reason=reason, method=method, note=note,
                           opened_by_id=actor.id, instruction_id=instruction_id,
                           due_date=add_workdays(clock.today(), rules.supervision_workdays))
    db.session.add(case)
    return case


def remind(message, *, actor) -> int:
    """催办 (R8.1): an SMS to the handlers of every unit still working on the message, recorded."""
    from ..models import User
    from ..rules.workflow import CLOCK_RUNNING, Role, Status
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


@dataclass(frozen=True)
class Proposal:
    """A matter the office is advised to supervise (R8.2): why, on which message, under which reason."""

    trigger: str  # overdue / unsatisfied_after_redo / instruction / cluster
    reason: str  # the preset's supervision reason
    message: Message
    unit: str
    detail: str


TRIGGER_LABELS = {"overdue": "超期未办结", "unsatisfied_after_redo": "重办后仍不满意", "instruction": "领导批示",
                  "cluster": "同类留言集中"}


def proposals(limit: int = 50) -> list[Proposal]:
    """What to supervise now and has no case yet; each kind at most ``limit``."""
    reasons = policy().proposal_reasons
    found = [*_overdue(limit), *_unsatisfied_after_redo(limit), *_instructions(limit), *_clusters(limit)]
    return [Proposal(trigger, reasons[trigger], message, unit, detail) for trigger, message, unit, detail in found]


def _no_case(*conditions):
    return ~exists().where(SupervisionCase.message_id == Message.id, *conditions)


def _lead_unit():
    """Messages with a lead unit in force, with its name."""
    return select(Message, Unit.name).join(Unit, Unit.id == Message.lead_unit_id)


def _overdue(limit):
    today = clock.today()
    query = (_lead_unit().add_columns(Message.lead_due_date)
             .where(Message.status.in_([s.value for s in CLOCK_RUNNING]), Message.lead_due_date < today,
                    _no_case(SupervisionCase.closed_at.is_(None)))
             .order_by(Message.lead_due_date, Message.id).limit(limit))
    for message, unit, due in db.session.execute(query):
        yield "overdue", message, unit, f"期限{date_cn(due)}，已超期{workdays_between(due, today)}个工作日"


def _unsatisfied_after_redo(limit):
    reason = policy().proposal_reasons["unsatisfied_after_redo"]
    last = and_(Rating.message_id == Message.id, Rating.round >= 1, Rating.level.in_(policy().redo_ratings))
    query = (_lead_unit().add_columns(Rating.level).join(Rating, last)
             .where(_no_case(SupervisionCase.reason == reason)).order_by(Rating.rated_at.desc()).limit(limit))
    for message, unit, level in db.session.execute(query):
        yield "unsatisfied_after_redo", message, unit, f"重办后评价：{policy().rating_label(level)}"


def _instructions(limit):
    query = (_lead_unit().add_columns(LeaderInstruction.leader_name, LeaderInstruction.text)
             .join(LeaderInstruction, LeaderInstruction.message_id == Message.id)
             .where(_no_case(SupervisionCase.instruction_id == LeaderInstruction.id,),
                    _no_case(SupervisionCase.closed_at.is_(None)))
             .order_by(LeaderInstruction.instructed_on.desc()).limit(limit))
    for message, unit, leader, text in db.session.execute(query):
        yield "instruction", message, unit, f"{leader}批示：{text}"


def _clusters(limit):
    """Groups of similar messages received lately and still with the units (同类留言集中)."""
    rules = policy()
    since = clock.now() - timedelta(days=rules.cluster_days)
    rows = db.session.execute(_lead_unit().where(
        Message.received_at >= since, Message.status.in_([s.value for s in CLOCK_RUNNING]))
        .order_by(Message.received_at, Message.id)).all()
    subjects = [textmining.words(message.subject) for message, _ in rows]
    bodies = [textmining.words(message.body) for message, _ in rows]
    supervised = set(db.session.scalars(select(SupervisionCase.message_id).where(
        SupervisionCase.reason == rules.proposal_reasons["cluster"], SupervisionCase.closed_at.is_(None))))
    shown = 0
    for group in textmining.similar_groups(subjects, bodies):
        members = [rows[i] for i in group]
        if len(members) < rules.cluster_size or supervised & {m.id for m, _ in members}:
            continue
        latest, unit = members[-1]
        numbers = "、".join(m.tracking_no for m, _ in members)
        yield "cluster", latest, unit, f"近{rules.cluster_days}日同类留言{len(members)}件：{numbers}"
        shown += 1
        if shown == limit:
            return
