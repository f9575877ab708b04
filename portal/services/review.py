"""Platform review (R6.4), follow-up visits and spot checks (R6.5), closing and archive (R10.2)."""
from sqlalchemy import select

from .. import clock
from ..display import date_cn
from ..extensions import db
from ..models import FollowUp, RedoRound, Review
from ..rules.workflow import Action
from .common import DomainError, check_version, commit, move, policy, require, require_text, workdays_between
from .deadlines import set_period
from .handling import latest_reply
from .intake import repeats_of
from .outbox import notify_petitioner, notify_unit


def approve_reply(message, *, actor, note: str = "", version: int | None = None) -> Review:
    """The office approves the signed reply: the citizen gets it, the units' work is done."""
    check_version(message, version)
    require(actor, Action.APPROVE_REPLY, message)
    reply = latest_reply(message, "signed")
    review = Review(reply_id=reply.id, reviewer_id=actor.id, approved=True, reasons=note)
    db.session.add(review)
    reply.state = "approved"
    now = clock.now()
    message.answered_at = now
    for assignment in message.active_assignments():
        assignment.state, assignment.finished_at = "done", now
    _close_redo_round(message, reply.kind)
    move(message, Action.APPROVE_REPLY, actor=actor, reply_kind=reply.kind, round=reply.round)
    notify_petitioner(message, f"answered:{reply.id}",
                      f"您的留言（{message.tracking_no}）已答复，请凭查询码查看并评价。")
    for repeat in repeats_of(message):  # R12.4: every petitioner of the same matter gets the answer
        notify_petitioner(repeat, f"answered:{reply.id}:{repeat.id}",
                          f"您的留言（{repeat.tracking_no}）已随同类诉求一并答复，请凭查询码查看。")
    commit()
    return review


def send_back(message, *, actor, reasons: str, version: int | None = None) -> Review:
    """Back to the unit to handle again, with the reasons (CZ 第九条(六), LN 第十六条)."""
    check_version(message, version)
    require(actor, Action.SEND_BACK, message)
    reply = latest_reply(message, "signed")
    review = Review(reply_id=reply.id, reviewer_id=actor.id, approved=False,
                    reasons=require_text(reasons, "退回理由"))
    db.session.add(review)
    reply.state = "sent_back"
    lead = message.lead_in_force()
    _give_back_time_left(lead)
    move(message, Action.SEND_BACK, actor=actor, reasons=review.reasons, due_date=lead.due_date)
    commit()
    return review


def record_follow_up(message, *, actor, method: str, outcome: str, version: int | None = None) -> FollowUp:
    """The follow-up visit (回访) by the lead unit or the office (CZ 第九条(七))."""
    check_version(message, version)
    require(actor, Action.RECORD_FOLLOW_UP, message)
    visit = FollowUp(message_id=message.id, by_id=actor.id, method=require_text(method, "回访方式"),
                     outcome=require_text(outcome, "回访情况"))
    db.session.add(visit)
    move(message, Action.RECORD_FOLLOW_UP, actor=actor, method=visit.method, outcome=visit.outcome)
    commit()
    return visit


def spot_check(message, *, actor, method: str, outcome: str, version: int | None = None) -> FollowUp:
    """回头看: the office checks later that the measures were carried out."""
    check_version(message, version)
    require(actor, Action.SPOT_CHECK, message)
    visit = FollowUp(message_id=message.id, by_id=actor.id, method=require_text(method, "核查方式"),
                     outcome=require_text(outcome, "核查情况"), is_spot_check=True)
    db.session.add(visit)
    move(message, Action.SPOT_CHECK, actor=actor, method=visit.method, outcome=visit.outcome)
    commit()
    return visit


def close(message, *, actor, version: int | None = None) -> None:
    """办结. Where the preset requires a follow-up, it must be recorded first, unless the
    citizen left no contact (CZ 第九条(七))."""
    check_version(message, version)
    require(actor, Action.CLOSE, message)
    message.closed_at = clock.now()
    move(message, Action.CLOSE, actor=actor)
    commit()


def settle(message, *, actor, reason: str, explanation: str, version: int | None = None) -> None:
    """CZ 第九条(六) second paragraph: the unit has done its duty, the matter is in arbitration or the courts,
    or it runs against policy — the office explains to the citizen and does not assign it again."""
    check_version(message, version)
    require(actor, Action.SETTLE, message)
    choice = next((c for c in policy().settle_reasons if c.code == reason), None)
    if choice is None:
        raise DomainError("请选择不再交办转办的情形。")
    explanation = require_text(explanation, "向诉求人的解释说明")
    now = clock.now()
    for assignment in message.active_assignments():
        assignment.state, assignment.finished_at = "done", now
    message.closed_at = now
    move(message, Action.SETTLE, actor=actor, reason=choice.text, explanation=explanation)
    notify_petitioner(message, f"settled:{message.id}",
                      f"您的留言（{message.tracking_no}）已办结：{choice.text}。{explanation}")
    commit()


def reopen(message, *, actor, reason: str, version: int | None = None) -> None:
    """R12.6: the office reopens a closed matter with its reason. The lead unit handles it again on a
    fresh clock of the preset's length; it is a new round, so the citizen rates the new answer."""
    check_version(message, version)
    require(actor, Action.REOPEN, message)
    reason = require_text(reason, "重新办理的原因")
    lead = message.lead_in_force()
    lead.state, lead.finished_at, lead.submitted_on = "active", None, None
    workdays = policy().reopen_workdays
    set_period(lead, clock.today(), workdays)
    lead.counted_workdays += workdays
    message.closed_at = None
    message.redo_round += 1
    move(message, Action.REOPEN, actor=actor, reason=reason, due_date=lead.due_date)
    notify_unit(lead, f"reopen:{message.id}:{message.redo_round}",
                f"留言（{message.tracking_no}）已由平台重新交办：{reason}。请于{date_cn(lead.due_date)}前办理答复。")
    notify_petitioner(message, f"reopen:{message.id}:{message.redo_round}",
                      f"您的留言（{message.tracking_no}）已重新办理，承办单位将于{date_cn(lead.due_date)}前答复。")
    commit()


def archive(message, *, actor, version: int | None = None) -> None:
    """归档 keeps the assignment notice, reply and sign-off records (CZ 第九条(八)); refuse if any is missing."""
    check_version(message, version)
    require(actor, Action.ARCHIVE, message)
    message.archived_at = clock.now()
    move(message, Action.ARCHIVE, actor=actor)
    commit()


def _give_back_time_left(lead) -> None:
    """R3.5: the office's review time is not the unit's. A reply submitted in time comes back with the
    working days the unit had left when it submitted; a late one keeps its (passed) deadline."""
    if lead.submitted_on is None or lead.submitted_on > lead.due_date:
        return
    set_period(lead, clock.today(), workdays_between(lead.submitted_on, lead.due_date))
    lead.submitted_on = None


def _close_redo_round(message, resolution: str) -> None:
    open_round = db.session.scalar(select(RedoRound).where(
        RedoRound.message_id == message.id, RedoRound.closed_at.is_(None)))
    if open_round:
        open_round.resolution, open_round.closed_at = resolution, clock.now()
