"""Who may do what, now: the one rule book (R1–R9).

The services ask ``may`` before they write and the back office asks it before it offers a form
or a button, so the two can never disagree. Pure: the caller describes the message as a
``Situation`` (portal/queries/situation.py builds it from the database).
"""
from dataclasses import dataclass
from datetime import date

from .states import AssignmentState, Publication
from .workflow import HEADS, UNIT, Action, Role, Status, TransitionError, next_status

A, R = Action, Role
LIVE_STATES = (AssignmentState.ACTIVE, AssignmentState.DONE)  # in force: not returned or withdrawn


@dataclass(frozen=True)
class Refusal:
    """Why not, in Chinese for the person who tried, and the HTTP answer it deserves."""

    reason: str
    status: int = 422  # 403: not this role; 404: not this unit's message (its existence is not revealed)


@dataclass(frozen=True)
class Post:
    """One unit's assignment on the message, as the rules see it."""

    unit_id: int
    is_lead: bool
    state: str  # active / done / returned / withdrawn
    due_date: date | None = None
    return_until: date | None = None  # the last day to ask for a return (R4.3)
    extensions_used: int = 0
    report_decision: str | None = None
    contacted: bool = False
    pending_return: bool = False
    pending_extension: bool = False
    submitted_on: date | None = None  # the day the unit's reply went to the office: its clock stopped


@dataclass(frozen=True)
class Situation:
    """Everything about one message that decides what may be done with it today."""

    status: Status | None
    today: date
    posts: tuple[Post, ...] = ()
    needs_report_decision: bool = False  # a 举报 under a preset with a decision deadline
    needs_contact: bool = False  # the preset's contact deadline applies and the petitioner left a contact
    signoff_role: str = R.DEPUTY_HEAD
    extension_approver: str = R.DISPATCHER
    extension_max_count: int = 1
    extension_requesters: tuple[str, ...] = (R.HANDLER, R.DEPUTY_HEAD, R.PRINCIPAL_HEAD)
    no_extension: bool = False  # an emergency under a preset that excludes them
    close_needs_follow_up: bool = False
    publish_consent: bool = True
    publication: str = "pending"
    shielded_units: frozenset[int] = frozenset()  # the units the complaint is about (R9.2)
    shielded_users: frozenset[int] = frozenset()  # and the named staff
    anonymous: bool = False  # R12.1: no unit sees the petitioner
    units_with_townships: frozenset[int] = frozenset()  # units among the posts that may forward (R4.5)
    answerable_on_call: bool = False  # a hotline call in a category the operator may answer at once (R12.2)
    unanswered_case_units: frozenset[int] = frozenset()
    has_open_case: bool = False
    archive_ready: bool = False
    rated_this_round: bool = False
    rating_window_over: bool = False
    redo_left: bool = False  # a bad rating may still send it back (R7.2, LN only: CZ allows none)
    may_settle: bool = False  # the preset lists cases closed without assigning again (CZ 第九条(六))
    marked_false: bool = False

    def shields(self, actor) -> bool:
        """True when ``actor`` belongs to what the complaint is about: the petitioner is hidden from them."""
        return petitioner_hidden_from(actor, self.shielded_units, self.shielded_users, self.anonymous)

    def live_post(self, unit_id) -> Post | None:
        """The unit's assignment it is still working on."""
        return next((p for p in self.posts if p.unit_id == unit_id and p.state == AssignmentState.ACTIVE), None)

    def live_post_of_lead(self) -> Post | None:
        return next((p for p in self.posts if p.is_lead and p.state == AssignmentState.ACTIVE), None)

    def lead_in_force(self) -> Post | None:
        """The lead assignment in force: working on it, or done with it (not returned or withdrawn)."""
        return next((p for p in self.posts if p.is_lead and p.state in LIVE_STATES), None)


NOT_YOURS = Refusal("没有找到该留言，或该留言不由本单位办理。", 404)
UNIT_WORK = frozenset({A.REQUEST_RETURN, A.REQUEST_CO_RETURN, A.RECORD_CONTACT, A.DECIDE_REPORT, A.SUB_ASSIGN,
                       A.REQUEST_EXTENSION, A.SUBMIT_CO_OPINION, A.EXPLAIN_DELAY, A.SUBMIT_REPLY, A.SIGN_OFF,
                       A.REFUSE_SIGN_OFF, A.ADD_ATTACHMENT})
LEAD_WORK = frozenset({A.REQUEST_RETURN, A.DECIDE_REPORT, A.SUBMIT_REPLY, A.SIGN_OFF, A.REFUSE_SIGN_OFF, A.SUB_ASSIGN})


def may(actor, action: Action, situation: Situation) -> Refusal | None:
    """None when ``actor`` may make ``action`` on the message now; else why not."""
    try:
        role = Role(actor.role)
        next_status(situation.status, action, role)
    except ValueError as exc:  # TransitionError, or an actor that is no role (the scheduler)
        return Refusal(str(exc) if isinstance(exc, TransitionError) else "无权执行此操作。", 403)
    if role in UNIT and action in UNIT_WORK:
        post = situation.live_post(actor.unit_id)
        if post is None:
            return NOT_YOURS
        if action in LEAD_WORK and not post.is_lead:
            return Refusal("此操作只能由牵头单位办理。", 403)
        check = _UNIT_CHECKS.get(action)
        return check(actor, post, situation) if check else None
    check = _CHECKS.get(action)
    return check(actor, situation) if check else None


def may_decide_extension(actor, unit_id: int, approver: str) -> bool:
    """CZ: the asking unit's deputy head (or its principal head, who stands above); LN: the office."""
    if approver == R.DISPATCHER:
        return actor.role == R.DISPATCHER
    return actor.role in (approver, R.PRINCIPAL_HEAD) and actor.unit_id == unit_id


def petitioner_hidden_from(actor, units: frozenset[int] = frozenset(), users: frozenset[int] = frozenset(),
                           anonymous: bool = False) -> bool:
    """Unit staff who may not know who wrote: every unit on an anonymous message (R12.1); the units
    and the named staff a complaint is about (R9.2)."""
    return actor.role in UNIT and (anonymous or actor.unit_id in units or actor.id in users)


def may_reveal(actor, units: frozenset[int] = frozenset(), users: frozenset[int] = frozenset(),
               anonymous: bool = False) -> bool:
    """R9.2, R12.1: see petitioner_hidden_from; the system admin never sees the petitioner either."""
    return actor.role != R.ADMIN and not petitioner_hidden_from(actor, units, users, anonymous)


# Pages and tools beyond a single message: who may open them.
OFFICE = frozenset({R.OPERATOR, R.DISPATCHER, R.REVIEWER, R.SUPERVISOR, R.ADMIN})
PAGES: dict[str, frozenset[Role]] = {
    "dashboard": frozenset(Role) - {R.CITIZEN},
    "run_tick": frozenset({R.ADMIN, R.SUPERVISOR}),
    "assessment": (OFFICE - {R.OPERATOR}) | HEADS,
    "analysis": OFFICE - {R.OPERATOR},
    "proposals": frozenset({R.SUPERVISOR, R.ADMIN, R.DISPATCHER}),
    "open_proposed_case": frozenset({R.SUPERVISOR}),
    "outbox": frozenset({R.ADMIN, R.SUPERVISOR}),
    "audit": frozenset({R.ADMIN, R.SUPERVISOR}),
    "new_call": frozenset({R.OPERATOR}),
    "review": frozenset({R.REVIEWER}),
    "bulk_assign": frozenset({R.DISPATCHER}),
    "bulk_remind": frozenset({R.DISPATCHER, R.SUPERVISOR}),
    "settings": frozenset({R.ADMIN}),  # units, users, templates, calendar, censor rules
    "complaint_marks": OFFICE,  # the queues tag a complaint about a unit for the office (R12.8)
}


def may_open(actor, page: str) -> bool:
    return actor.role in PAGES[page]


# --- what the status table cannot see ---------------------------------------------------------

def _return_in_time(actor, post, s):
    if post.pending_return:
        return Refusal("已有待审核的退回申请。")
    if post.return_until is not None and s.today > post.return_until:
        return Refusal("已超过申请退回的期限，请继续办理或联系平台协调。")
    return None


def _lead_return(actor, post, s):
    return _return_in_time(actor, post, s) if post.is_lead else Refusal("协办单位请申请协办退回。")


def _co_return(actor, post, s):
    return Refusal("牵头单位请申请退回。") if post.is_lead else _return_in_time(actor, post, s)


def _co_opinion(actor, post, s):
    return Refusal("牵头单位请直接提交答复。") if post.is_lead else None


def _report_decision(actor, post, s):
    if not s.needs_report_decision:
        return Refusal("只有举报类诉求需要作出是否受理的决定。")
    return Refusal("已作出是否受理的决定。") if post.report_decision else None


def _extension(actor, post, s):
    if actor.role not in s.extension_requesters:
        return Refusal("延期申请须经本单位分管负责同志签批，请由分管负责同志提出。", 403)
    if s.no_extension:
        return Refusal("突发类事项不能申请延期。")
    if post.due_date is not None and s.today > post.due_date:
        return Refusal("已超过办理期限，不能再申请延期，请尽快办结并说明超期原因。")
    if post.pending_extension:
        return Refusal("已有待审批的延期申请。")
    if post.extensions_used >= s.extension_max_count:
        return Refusal(f"延期次数已达上限（{s.extension_max_count}次）。")
    return None


def _reply(actor, post, s):
    # A first contact not yet recorded is recorded by the reply itself (its 回复诉求人的情况, R5.2).
    if s.needs_report_decision and not post.report_decision:
        return Refusal("请先作出是否受理该举报的决定。")
    return None


def _contact(actor, post, s):
    if s.shields(actor):
        return Refusal("该留言为匿名留言或投诉本单位、本单位人员，联系诉求人请通过平台办公室。", 403)
    return None


def _office_contact(actor, s):
    """The office calls the petitioner when the lead unit may not know who wrote (R9.2, R12.1)."""
    lead = s.live_post_of_lead()
    if lead is not None and (s.anonymous or lead.unit_id in s.shielded_units):
        return None
    return Refusal("联系诉求人由承办单位负责；只有匿名留言和投诉承办单位本身的留言由平台办公室联系。", 403)


def _sub_assign(actor, post, s):
    if post.unit_id not in s.units_with_townships:
        return Refusal("只有下设乡镇（街道）的县（区）可以二次转办。", 403)
    return None


def _delay(actor, post, s):
    """A delay is explained once the deadline has passed (LN 第二十六条), not before."""
    if post.due_date is None or (post.submitted_on or s.today) <= post.due_date:
        return Refusal("尚未超过办理期限，无需说明超期原因。")
    return None


def _sign_off(actor, post, s):
    if actor.role in (s.signoff_role, R.PRINCIPAL_HEAD):
        return None
    return Refusal("该渠道的答复须由本单位主要负责同志审签。" if s.signoff_role == R.PRINCIPAL_HEAD
                   else "该答复须由本单位分管负责同志审签。", 403)


_UNIT_CHECKS = {
    A.REQUEST_RETURN: _lead_return, A.REQUEST_CO_RETURN: _co_return, A.SUBMIT_CO_OPINION: _co_opinion,
    A.DECIDE_REPORT: _report_decision, A.REQUEST_EXTENSION: _extension, A.SUBMIT_REPLY: _reply,
    A.SIGN_OFF: _sign_off, A.REFUSE_SIGN_OFF: _sign_off, A.RECORD_CONTACT: _contact, A.SUB_ASSIGN: _sub_assign,
    A.EXPLAIN_DELAY: _delay,
}


def _pending_lead_return(actor, s):
    return None if any(p.is_lead and p.pending_return for p in s.posts) else Refusal("没有待审核的退回申请。")


def _pending_co_return(actor, s):
    if any(not p.is_lead and p.pending_return for p in s.posts):
        return None
    return Refusal("没有待审核的协办单位退回申请。")


def _decide_extension(actor, s):
    if any(p.pending_extension and may_decide_extension(actor, p.unit_id, s.extension_approver) for p in s.posts):
        return None
    return Refusal("没有您可审批的延期申请。", 403)


def _follow_up(actor, s):
    if actor.role == R.REVIEWER:
        return None
    if s.shields(actor):
        return Refusal("该留言为匿名留言或投诉本单位、本单位人员，回访由平台办公室进行。", 403)
    lead = s.lead_in_force()
    return None if lead is not None and lead.unit_id == actor.unit_id else NOT_YOURS


def _answer_case(actor, s):
    return None if actor.unit_id in s.unanswered_case_units else Refusal("没有待本单位反馈的督办事项。", 404)


def _close_case(actor, s):
    return None if s.has_open_case else Refusal("没有未办结的督办事项。")


def _open_case(actor, s):
    return None if any(p.is_lead for p in s.posts) else Refusal("该留言尚未交办，不能督办。")


def _publish(actor, s):
    if not s.publish_consent:
        return Refusal("诉求人选择了不公开，该留言不能发布。")
    if s.lead_in_force() is None:
        return Refusal("该留言没有牵头单位的答复，不能公开。")
    return None


def _withhold(actor, s):
    return None if s.publication == Publication.PENDING else Refusal("该留言已作出公开决定。")


def _hide(actor, s):
    return None if s.publication == Publication.PUBLISHED else Refusal("该留言未公开发布。")


def _close(actor, s):
    if s.close_needs_follow_up:
        return Refusal("尚未回访诉求人，不能办结。请先登记回访情况（诉求人未留联系方式的除外）。")
    return None


def _archive(actor, s):
    return None if s.archive_ready else Refusal("归档材料不全：须有交办记录、审核通过的答复和审签记录。")


def _rate(actor, s):
    if s.rated_this_round:
        return Refusal("本次答复已经评价过，评价提交后不能修改。")
    return Refusal("评价期限已过，不能再评价。") if s.rating_window_over else None


def _redo(actor, s):
    return _rate(actor, s) or (None if s.redo_left else Refusal("本次评价不再发回重办。"))


def _transfer(actor, s):
    lead = s.live_post_of_lead()
    if lead is None:
        return Refusal("该留言没有正在办理的牵头单位，请直接交办。")
    return Refusal("牵头单位正在申请退回，请先审核退回申请。") if lead.pending_return else None


def _reopen(actor, s):
    return None if s.lead_in_force() is not None else Refusal("该留言未交办承办单位，不能重新办理，请重新受理交办。")


def _settle(actor, s):
    return None if s.may_settle else Refusal("本市办法未规定不再交办转办的情形。")


def _mark_false(actor, s):
    return Refusal("该诉求已被认定为虚假或恶意诉求。") if s.marked_false else None


_CHECKS = {
    A.APPROVE_RETURN: _pending_lead_return, A.REFUSE_RETURN: _pending_lead_return,
    A.DECIDE_CO_RETURN: _pending_co_return, A.DECIDE_EXTENSION: _decide_extension,
    A.RECORD_FOLLOW_UP: _follow_up, A.ANSWER_SUPERVISION: _answer_case, A.CLOSE_SUPERVISION: _close_case,
    A.OPEN_SUPERVISION: _open_case, A.PUBLISH: _publish, A.WITHHOLD: _withhold, A.HIDE: _hide,
    A.CLOSE: _close, A.ARCHIVE: _archive, A.RATE: _rate, A.OPEN_REDO: _redo, A.SETTLE: _settle,
    A.MARK_FALSE: _mark_false, A.RECORD_CONTACT: _office_contact, A.REOPEN: _reopen, A.TRANSFER: _transfer,
    A.ANSWER_ON_CALL: lambda actor, s: None if s.answerable_on_call else Refusal(
        "只有来电登记的咨询类事项可以即时办结，其他事项请受理后交办。"),
}
