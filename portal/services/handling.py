"""Work inside the unit: contact, 举报 decision, extensions (R5), co-unit opinions,
delay explanations, the reply with its required fields (R6.1) and the sign-off (R6.3)."""
from datetime import date

from sqlalchemy import select

from .. import clock
from ..display import date_cn
from ..extensions import db
from ..models import Attachment, ExtensionRequest, Message, Reply, SignOff
from ..queries.situation import situation
from ..rules.permissions import may_decide_extension
from ..rules.workflow import UNIT, Action
from .common import (
    DomainError,
    Forbidden,
    NotFound,
    check_version,
    commit,
    flush,
    move,
    own_assignment,
    policy,
    record,
    require,
    require_text,
)
from .deadlines import set_period
from .outbox import notify_petitioner

REPLY_FIELDS = {  # R6.1: LN 第十五条(一), CZ 第九条(三)
    "result": "办理结果",
    "basis": "法律法规政策依据",
    "contact_note": "回复诉求人的情况",
    "handler_name": "经办人姓名",
    "handler_phone": "经办人联系电话",
    "body": "答复正文",
}


def record_contact(message: Message, *, actor, note: str, version: int | None = None) -> None:
    """First contact with the petitioner (R5.2); later contacts are recorded as events only."""
    check_version(message, version)
    require(actor, Action.RECORD_CONTACT, message)
    # The office calls for a lead unit the complaint is about (the rule book allows nothing else).
    assignment = own_assignment(message, actor) if actor.role in UNIT else message.lead_assignment()
    move(message, Action.RECORD_CONTACT, actor=actor, note=require_text(note, "沟通情况"),
         on_time=_contacted(assignment))
    commit()


def _contacted(assignment) -> bool:
    """Record the first contact now (R5.2); True when it came within the contact deadline."""
    if assignment.first_contact_at is None:
        assignment.first_contact_at = clock.now()
    return assignment.contact_due is None or clock.local_date(assignment.first_contact_at) <= assignment.contact_due


def decide_report(message: Message, *, actor, investigate: bool, note: str, version: int | None = None) -> None:
    """Accept or refuse to investigate a 举报 (LN 第十三条(三)); the closing clock restarts on acceptance."""
    check_version(message, version)
    require(actor, Action.DECIDE_REPORT, message)
    assignment = own_assignment(message, actor)
    rule = policy().deadline(message.category, message.is_emergency)
    assignment.report_decision = "investigate" if investigate else "decline"
    assignment.report_decided_at = clock.now()
    if investigate and rule.close_counts_from_decision:
        # A late decision never moves the close date past decision + close working days from assignment.
        set_period(assignment, min(clock.today(), assignment.decision_due or clock.today()), rule.close)
        assignment.counted_workdays = rule.close
    move(message, Action.DECIDE_REPORT, actor=actor, investigate=investigate,
         note=require_text(note, "决定说明"), due_date=assignment.due_date)
    commit()


def request_extension(message: Message, *, actor, days: int, reason: str,
                      version: int | None = None) -> ExtensionRequest:
    """Ask for more working days before the deadline (R5.1)."""
    check_version(message, version)
    require(actor, Action.REQUEST_EXTENSION, message)
    assignment = own_assignment(message, actor)
    _check_extension_limits(assignment, days)
    request = ExtensionRequest(assignment=assignment, days=days, reason=require_text(reason, "延期理由"),
                               requested_by_id=actor.id, old_due=assignment.due_date)
    db.session.add(request)
    move(message, Action.REQUEST_EXTENSION, actor=actor, unit=assignment.unit.name, days=days, reason=request.reason)
    commit()
    return request


def decide_extension(request: ExtensionRequest, *, actor, approve: bool, note: str = "",
                     version: int | None = None) -> None:
    """CZ: the unit's deputy head approves; LN: the platform office, which tells the citizen."""
    assignment, message = request.assignment, request.assignment.message
    check_version(message, version)
    require(actor, Action.DECIDE_EXTENSION, message)
    if not may_decide_extension(actor, assignment.unit_id, policy().extension_approver):
        raise Forbidden("您无权审批该延期申请。")
    if request.decision != "pending":
        raise DomainError("该延期申请已审批。")
    if approve:
        _check_extension_limits(assignment, request.days)
        set_period(assignment, assignment.clock_start, assignment.period_workdays + request.days)
        assignment.counted_workdays += request.days
        assignment.extensions_used += 1
        request.new_due = assignment.due_date
    else:
        require_text(note, "不同意延期的理由")
    request.decision = "approved" if approve else "refused"
    request.decided_by_id, request.decided_at, request.decision_note = actor.id, clock.now(), note
    move(message, Action.DECIDE_EXTENSION, actor=actor, unit=assignment.unit.name,
         approved=approve, days=request.days, new_due=request.new_due, note=note)
    if approve and policy().extension_notifies_citizen:
        notify_petitioner(message, f"extension:{request.id}",
                          f"您的留言（{message.tracking_no}）办理期限已延长至{date_cn(request.new_due)}。")
    commit()


def submit_co_opinion(message: Message, *, actor, text: str, version: int | None = None) -> Reply:
    """A co-unit's contribution, which the lead unit aggregates into the reply (R4.1)."""
    check_version(message, version)
    require(actor, Action.SUBMIT_CO_OPINION, message)
    assignment = own_assignment(message, actor)
    opinion = Reply(message=message, assignment_id=assignment.id, unit_id=assignment.unit_id,
                    round=message.redo_round, kind="co_opinion", state="submitted",
                    body=require_text(text, "协办意见"), author_id=actor.id, handled_on=clock.today())
    db.session.add(opinion)
    assignment.state, assignment.finished_at = "done", clock.now()
    move(message, Action.SUBMIT_CO_OPINION, actor=actor, unit=assignment.unit.name)
    commit()
    return opinion


def explain_delay(message: Message, *, actor, text: str, version: int | None = None) -> None:
    """The reason for a delay; an explained delay is not handed to the inspection office (LN 第二十六条)."""
    check_version(message, version)
    require(actor, Action.EXPLAIN_DELAY, message)
    assignment = own_assignment(message, actor)
    assignment.delay_explanation = require_text(text, "超期原因")
    move(message, Action.EXPLAIN_DELAY, actor=actor, text=assignment.delay_explanation)
    commit()


def submit_reply(message: Message, *, actor, handled_on: date, result: str, basis: str, contact_note: str,
                 handler_name: str, handler_phone: str, body: str, investigation: str | None = None,
                 not_investigated_reason: str = "", kind: str = "answer", visit_note: str = "",
                 legal_reviewer: str = "", legal_opinion: str = "", version: int | None = None) -> Reply:
    """The lead unit's reply, sent to sign-off inside the unit (R6.1–R6.3)."""
    check_version(message, version)
    require(actor, Action.SUBMIT_REPLY, message)
    assignment = own_assignment(message, actor)
    fields = {key: require_text(value, REPLY_FIELDS[key], key) for key, value in {
        "result": result, "basis": basis, "contact_note": contact_note, "handler_name": handler_name,
        "handler_phone": handler_phone, "body": body}.items()}
    if handled_on is None:
        raise DomainError("请填写办理时间。", field="handled_on")
    if (assignment.first_contact_at is None and situation(message).needs_contact
            and not message.hides_petitioner_from(actor)):
        # The reply's own 回复诉求人的情况 is the first contact when none was recorded before (R5.2).
        record(message, Action.RECORD_CONTACT, actor=actor, note=fields["contact_note"], on_time=_contacted(assignment))
    _check_reply_preconditions(message, assignment, kind, investigation, not_investigated_reason)
    visit_note, legal = _visit_and_legal_review(message, actor, kind, visit_note, legal_reviewer, legal_opinion)
    reply = Reply(message=message, assignment_id=assignment.id, unit_id=assignment.unit_id,
                  round=message.redo_round, kind=kind, state="submitted", handled_on=handled_on,
                  investigation=investigation, not_investigated_reason=not_investigated_reason.strip(),
                  visit_note=visit_note, legal_reviewer=legal[0], legal_opinion=legal[1], author_id=actor.id,
                  **fields)
    db.session.add(reply)
    flush()
    _attach_unclaimed(message, assignment.unit_id, reply)
    move(message, Action.SUBMIT_REPLY, actor=actor, reply_kind=kind, round=reply.round)
    commit()
    return reply


def sign_off(message: Message, *, actor, approve: bool, note: str = "", version: int | None = None) -> SignOff:
    """Sign-off at the level the channel needs: principal head for national/provincial items
    in CZ, the deputy head otherwise (R6.3). A principal head may sign any level."""
    check_version(message, version)
    require(actor, Action.SIGN_OFF if approve else Action.REFUSE_SIGN_OFF, message)
    assignment = own_assignment(message, actor)
    reply = latest_reply(message, "submitted")
    if not approve:
        require_text(note, "退回修改意见")
    signoff = SignOff(reply_id=reply.id, signer_id=actor.id, signer_role=actor.role, approved=approve, note=note)
    db.session.add(signoff)
    reply.state = "signed" if approve else "refused"
    if approve:  # submitted to the office: the unit's clock stops until the office decides (R3.5)
        assignment.submitted_on = clock.today()
    action = Action.SIGN_OFF if approve else Action.REFUSE_SIGN_OFF
    move(message, action, actor=actor, unit=assignment.unit.name, note=note)
    commit()
    return signoff


def add_attachment(message: Message, *, actor, filename: str, content_type: str, data: bytes,
                   purpose: str = "other") -> Attachment:
    """Store an uploaded file for the unit's next reply (see portal/storage.py)."""
    from ..storage import save_upload

    require(actor, Action.ADD_ATTACHMENT, message)
    assignment = own_assignment(message, actor)
    attachment = save_upload(filename=filename, content_type=content_type, data=data)
    attachment.message_id, attachment.purpose, attachment.uploaded_by_id = message.id, purpose, actor.id
    attachment.unit_id = assignment.unit_id
    db.session.add(attachment)
    record(message, "add_attachment", actor=actor, unit=assignment.unit.name, filename=attachment.filename,
           purpose=purpose)
    commit()
    return attachment


def latest_reply(message: Message, state: str) -> Reply:
    for reply in reversed(message.replies):
        if reply.kind != "co_opinion" and reply.state == state:
            return reply
    raise NotFound("没有找到待处理的答复。")


def _check_extension_limits(assignment, days: int) -> None:
    rules = policy()
    if assignment.extensions_used >= rules.extension_max_count:
        raise DomainError(f"延期次数已达上限（{rules.extension_max_count}次）。")
    if not 1 <= int(days) <= rules.extension_max_days:
        raise DomainError(f"延期天数须为1至{rules.extension_max_days}个工作日。")
    cap = rules.extension_cap_workdays
    if cap and assignment.counted_workdays + int(days) > cap:
        left = cap - assignment.counted_workdays
        raise DomainError(f"延期后办理时限将超过{cap}个工作日（含重办），最多还能延期{max(left, 0)}个工作日。")


def pending_extensions(message: Message) -> list[ExtensionRequest]:
    return list(db.session.scalars(select(ExtensionRequest).where(
        ExtensionRequest.assignment_id.in_([a.id for a in message.assignments]),
        ExtensionRequest.decision == "pending")))


def _check_reply_preconditions(message, assignment, kind, investigation, not_investigated_reason) -> None:
    if kind not in ("answer", "duty_fulfilled"):
        raise DomainError("答复类型不正确。")
    if kind == "duty_fulfilled":
        if not message.redo_round:
            raise DomainError("只有重办事项可以提交履责意见。")
        _require_attachment(message, assignment.unit_id, "duty_opinion", "请上传书面履责意见（LN 第十八条）。")
    if message.category in ("complaint", "report") and kind == "answer":
        if investigation == "investigated":
            _require_attachment(message, assignment.unit_id, "investigation_doc",
                                "决定调查处理的，请上传调查受理文书。")
        elif investigation == "not_investigated":
            require_text(not_investigated_reason, "不予调查处理的理由和法律依据", "not_investigated_reason")
        else:
            raise DomainError("投诉举报类事项须说明是否调查处理。", field="investigation")


def _visit_and_legal_review(message, actor, kind, visit_note, reviewer, opinion) -> tuple[str, tuple[str, str]]:
    """CZ 第九条(七): the unit's visit is noted in the result it submits (unless the citizen left no
    contact, or the complaint is about the unit: the office calls then, R9.2); 第九条(五): a legal
    review, where the unit needs one, names its reviewer and opinion."""
    visit_note = (visit_note or "").strip()
    unit_may_call = bool(message.petitioner and message.petitioner.has_contact) and not message.hides_petitioner_from(
        actor)
    if policy().follow_up_in_reply and kind == "answer" and unit_may_call and not visit_note:
        raise DomainError("请填写回访诉求人的情况（办结后须回访诉求人并在办理结果中注明）。", field="visit_note")
    reviewer, opinion = (reviewer or "").strip(), (opinion or "").strip()
    if bool(reviewer) != bool(opinion):
        raise DomainError("法制审核须同时填写审核人和审核意见。",
                          field="legal_opinion" if reviewer else "legal_reviewer")
    return visit_note, (reviewer, opinion)


def _unclaimed(message, unit_id) -> list[Attachment]:
    """The unit's uploads on this message not yet sent with a reply."""
    return list(db.session.scalars(select(Attachment).where(
        Attachment.message_id == message.id, Attachment.unit_id == unit_id, Attachment.reply_id.is_(None))))


def _require_attachment(message, unit_id, purpose, error) -> None:
    if not any(a.purpose == purpose for a in _unclaimed(message, unit_id)):
        raise DomainError(error, field="files")


def _attach_unclaimed(message, unit_id, reply) -> None:
    for attachment in _unclaimed(message, unit_id):
        attachment.reply_id = reply.id
