"""What the office is advised to supervise (R8.2): overdue work, a second bad rating after the redo,
a leader's instruction without a case, and clusters of similar messages. Read only."""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, exists, select

from .. import clock, textmining
from ..display import date_cn
from ..extensions import db
from ..models import LeaderInstruction, Message, Rating, SupervisionCase, Unit
from ..rules.workflow import CLOCK_RUNNING
from .common import policy, workdays_between


@dataclass(frozen=True)
class SupervisionProposal:
    """A matter the office is advised to supervise (R8.2): why, on which message, under which reason."""

    trigger: str  # overdue / unsatisfied_after_redo / instruction / cluster
    reason: str  # the preset's supervision reason
    message: Message
    unit: str
    detail: str


TRIGGER_LABELS = {"overdue": "超期未办结", "unsatisfied_after_redo": "重办后仍不满意", "instruction": "领导批示",
                  "cluster": "同类留言集中"}


def proposals(limit: int = 50) -> list[SupervisionProposal]:
    """What to supervise now and has no case yet; each kind at most ``limit``."""
    reasons = policy().proposal_reasons
    found = [*_overdue(limit), *_unsatisfied_after_redo(limit), *_instructions(limit), *_clusters(limit)]
    return [SupervisionProposal(trigger, reasons[trigger], message, unit, detail)
            for trigger, message, unit, detail in found]


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
    # Unsatisfied after the last redo the preset allows (CZ allows none: the first rating).
    last = and_(Rating.message_id == Message.id, Rating.round >= policy().redo_max_rounds,
                Rating.level.in_(policy().redo_ratings))
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
