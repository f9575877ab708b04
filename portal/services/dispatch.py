"""Assignment to units (R4.1), return requests and decisions (R4.3)."""
from datetime import date

from sqlalchemy import select

from .. import clock
from ..display import date_cn
from ..extensions import db
from ..models import Assignment, Message, ReturnRequest, Unit
from ..rules.states import AssignmentState
from ..rules.workflow import Action
from .common import (
    DomainError,
    check_version,
    commit,
    flush,
    move,
    own_assignment,
    policy,
    require,
    require_text,
    workdays_between,
)
from .deadlines import keep_lead_on_message, set_period, start_clocks
from .outbox import notify_unit


def assign(message: Message, lead: Unit, co_units=(), *, actor, note: str = "",
           version: int | None = None) -> Assignment:
    """Assign to a lead unit and optional co-units; every unit's clock starts today."""
    check_version(message, version)
    require(actor, Action.ASSIGN, message)
    co_units = [u for u in co_units if u.id != lead.id]
    for unit in (lead, *co_units):
        if not unit.active or unit.kind == "platform":
            raise DomainError(f"“{unit.name}”不能作为承办单位。")
    today = clock.today()
    assignments = [Assignment(unit=u, is_lead=u is lead, state="active", assigned_by_id=actor.id)
                   for u in (lead, *co_units)]
    for assignment in assignments:
        start_clocks(assignment, message.category, today, urgent=message.is_emergency)
        message.assignments.append(assignment)
    keep_lead_on_message(message)
    lead_assignment = assignments[0]
    move(message, Action.ASSIGN, actor=actor, lead=lead.name,
         co_units=[u.name for u in co_units], due_date=lead_assignment.due_date, note=note)
    flush()
    for assignment in assignments:
        _tell_unit(assignment, message)
    commit()
    return lead_assignment


def transfer(message: Message, new_lead: Unit, *, actor, reason: str, version: int | None = None) -> Assignment:
    """R12.3 转办: the office hands an assigned matter to another lead unit with its reason. The old lead is
    relieved (it no longer counts for it); the new one gets a fresh clock or the old deadline, as the
    preset says. Co-units keep their shares."""
    check_version(message, version)
    require(actor, Action.TRANSFER, message)
    reason = require_text(reason, "转办理由")
    old = message.lead_assignment()
    if new_lead.id == old.unit_id or not new_lead.active or new_lead.kind == "platform":
        raise DomainError("请选择另一个承办单位作为新的牵头单位。")
    if any(a.unit_id == new_lead.id for a in message.active_assignments()):
        raise DomainError(f"“{new_lead.name}”正在协办该留言，不能同时牵头；请另选单位。")
    today, now = clock.today(), clock.now()
    old.state, old.finished_at = AssignmentState.RETURNED, now
    new = Assignment(unit=new_lead, is_lead=True, state="active", assigned_by_id=actor.id)
    if policy().transfer_clock == "carried":
        new.start_date, new.contact_due, new.decision_due = today, old.contact_due, old.decision_due
        set_period(new, old.clock_start, old.period_workdays)
        new.counted_workdays, new.extensions_used = old.counted_workdays, old.extensions_used
    else:
        start_clocks(new, message.category, today, urgent=message.is_emergency)
    message.assignments.append(new)
    keep_lead_on_message(message)
    move(message, Action.TRANSFER, actor=actor, from_unit=old.unit.name, unit=new_lead.name, reason=reason,
         due_date=new.due_date)
    flush()
    _tell_unit(new, message)
    commit()
    return new


def sub_assign(message: Message, township: Unit, *, actor, due: date | None, note: str = "",
               version: int | None = None) -> Assignment:
    """R4.5 (CZ 第三条) 二次转办: a county or district forwards its matter to one of its townships, with a
    deadline inside its own. The township answers the county as a co-unit does; the county still replies."""
    check_version(message, version)
    require(actor, Action.SUB_ASSIGN, message)
    county = own_assignment(message, actor)
    if township.parent_id != county.unit_id or township.kind != "township" or not township.active:
        raise DomainError("请选择本县（区）下设的乡镇（街道）。")
    if any(a.unit_id == township.id for a in message.active_assignments()):
        raise DomainError(f"已转办“{township.name}”办理。")
    today = clock.today()
    if due is None or not today < due <= county.due_date:
        raise DomainError(f"二次转办的期限须在今天之后、本单位办理期限（{date_cn(county.due_date)}）之内。")
    share = Assignment(unit=township, is_lead=False, state="active", assigned_by_id=actor.id, start_date=today)
    set_period(share, today, workdays_between(today, due))
    share.counted_workdays = share.period_workdays
    message.assignments.append(share)
    move(message, Action.SUB_ASSIGN, actor=actor, unit=township.name, by_unit=county.unit.name,
         due_date=share.due_date, note=(note or "").strip())
    flush()
    _tell_unit(share, message)
    commit()
    return share


def request_return(message: Message, *, actor, reason: str, basis: str,
                   version: int | None = None) -> ReturnRequest:
    """A unit asks to hand the message back within the preset's window (LN 第十条(二))."""
    check_version(message, version)
    assignment = own_assignment(message, actor)
    action = Action.REQUEST_RETURN if assignment.is_lead else Action.REQUEST_CO_RETURN
    require(actor, action, message)
    request = ReturnRequest(assignment=assignment, reason=require_text(reason, "退回理由"),
                            basis=require_text(basis, "退回依据"), requested_by_id=actor.id)
    db.session.add(request)
    move(message, action, actor=actor, unit=assignment.unit.name, reason=request.reason, basis=request.basis)
    commit()
    return request


def decide_return(request: ReturnRequest, *, actor, approve: bool, note: str = "",
                  version: int | None = None) -> None:
    """The office approves (the message goes back to be reassigned) or refuses with reasons (LN 第十一条)."""
    if request.decision != "pending":
        raise DomainError("该退回申请已审核。")
    assignment, message = request.assignment, request.assignment.message
    check_version(message, version)
    if assignment.is_lead:
        action = Action.APPROVE_RETURN if approve else Action.REFUSE_RETURN
    else:
        action = Action.DECIDE_CO_RETURN
    require(actor, action, message)
    if not approve:
        require_text(note, "不同意退回的理由")
    move(message, action, actor=actor, unit=assignment.unit.name, approved=approve, note=note)
    request.decision = "approved" if approve else "refused"
    request.decided_by_id, request.decided_at, request.decision_note = actor.id, clock.now(), note
    if approve:
        returned = message.active_assignments() if assignment.is_lead else [assignment]
        for item in returned:
            item.state = "returned" if item is assignment else "withdrawn"
            item.finished_at = clock.now()
        keep_lead_on_message(message)
    commit()


def pending_returns(message: Message) -> list[ReturnRequest]:
    ids = [a.id for a in message.assignments]
    return list(db.session.scalars(select(ReturnRequest).where(
        ReturnRequest.assignment_id.in_(ids), ReturnRequest.decision == "pending")))


def _tell_unit(assignment: Assignment, message: Message) -> None:
    role = "牵头办理" if assignment.is_lead else "协办"
    notify_unit(assignment, f"assigned:{assignment.id}",
                f"您单位有新交办留言（{message.tracking_no}，{role}），请于{date_cn(assignment.due_date)}前办结。")

