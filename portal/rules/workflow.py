"""Statuses, actions and the one table of allowed moves (R1–R8).

Every user action is a move ``(status, action) -> new status`` made by one of the
listed roles. Side actions (recording a contact, an extension, a rating …) are moves
that keep the status; they are still listed so the whole graph is on one screen.
"""
from enum import StrEnum

from . import DomainError


class Status(StrEnum):
    RECEIVED = "received"
    REJECTED = "rejected"
    TO_ASSIGN = "to_assign"
    ASSIGNED = "assigned"
    RETURN_REQUESTED = "return_requested"
    SIGNOFF = "signoff"
    REVIEW = "review"
    ANSWERED = "answered"
    VISITED = "visited"
    CLOSED = "closed"
    ARCHIVED = "archived"


class Role(StrEnum):
    CITIZEN = "citizen"  # the public, identified by the query code only
    OPERATOR = "operator"  # 受理
    DISPATCHER = "dispatcher"  # 交办
    HANDLER = "handler"  # 承办人
    DEPUTY_HEAD = "deputy_head"  # 分管负责同志
    PRINCIPAL_HEAD = "principal_head"  # 主要负责同志
    REVIEWER = "reviewer"  # 平台审核
    SUPERVISOR = "supervisor"  # 督办
    ADMIN = "admin"


class Action(StrEnum):
    SUBMIT = "submit"
    RECORD_CALL = "record_call"
    ACCEPT = "accept"
    REJECT = "reject"
    ASSIGN = "assign"
    REQUEST_RETURN = "request_return"
    APPROVE_RETURN = "approve_return"
    REFUSE_RETURN = "refuse_return"
    REQUEST_CO_RETURN = "request_co_return"
    DECIDE_CO_RETURN = "decide_co_return"
    RECORD_CONTACT = "record_contact"
    DECIDE_REPORT = "decide_report"
    REQUEST_EXTENSION = "request_extension"
    DECIDE_EXTENSION = "decide_extension"
    SUBMIT_CO_OPINION = "submit_co_opinion"
    EXPLAIN_DELAY = "explain_delay"
    ADD_ATTACHMENT = "add_attachment"
    SUBMIT_REPLY = "submit_reply"
    SIGN_OFF = "sign_off"
    REFUSE_SIGN_OFF = "refuse_sign_off"
    APPROVE_REPLY = "approve_reply"
    SEND_BACK = "send_back"
    RECORD_FOLLOW_UP = "record_follow_up"
    RATE = "rate"
    OPEN_REDO = "open_redo"
    CLOSE = "close"
    SETTLE = "settle"
    MARK_FALSE = "mark_false"
    MARK_COMPLAINT = "mark_complaint"
    REOPEN = "reopen"
    SUPPLEMENT = "supplement"
    MARK_REPEAT = "mark_repeat"
    TRANSFER = "transfer"
    ANSWER_ON_CALL = "answer_on_call"
    SUB_ASSIGN = "sub_assign"
    WITHDRAW = "withdraw"
    ARCHIVE = "archive"
    SPOT_CHECK = "spot_check"
    PUBLISH = "publish"
    WITHHOLD = "withhold"
    HIDE = "hide"
    RECORD_INSTRUCTION = "record_instruction"
    OPEN_SUPERVISION = "open_supervision"
    ANSWER_SUPERVISION = "answer_supervision"
    CLOSE_SUPERVISION = "close_supervision"


S, R, A = Status, Role, Action
UNIT = frozenset({R.HANDLER, R.DEPUTY_HEAD, R.PRINCIPAL_HEAD})
HEADS = frozenset({R.DEPUTY_HEAD, R.PRINCIPAL_HEAD})
SCREENERS = frozenset({R.OPERATOR, R.DISPATCHER})
RATERS = frozenset({R.CITIZEN, R.OPERATOR, R.REVIEWER})  # staff: a phone caller's rating taken on callback
OPEN = (S.RECEIVED, S.TO_ASSIGN, S.ASSIGNED, S.RETURN_REQUESTED, S.SIGNOFF, S.REVIEW, S.ANSWERED, S.VISITED)
HANDLING = (S.ASSIGNED,)
REPLIED = (S.ANSWERED, S.VISITED)
SUPERVISABLE = (S.ASSIGNED, S.RETURN_REQUESTED, S.SIGNOFF, S.REVIEW, S.ANSWERED, S.VISITED, S.CLOSED)
PUBLISHABLE = (S.ANSWERED, S.VISITED, S.CLOSED, S.ARCHIVED)
NOT_YET_ANSWERED = tuple(s for s in OPEN if s not in REPLIED)


def _loop(action, roles, statuses):
    return {(status, action): (status, frozenset(roles)) for status in statuses}


# (status, action) -> (new status, roles allowed). ``None`` is a message not yet received.
TRANSITIONS: dict[tuple[Status | None, Action], tuple[Status, frozenset[Role]]] = {
    (None, A.SUBMIT): (S.RECEIVED, frozenset({R.CITIZEN})),
    (None, A.RECORD_CALL): (S.RECEIVED, frozenset({R.OPERATOR})),
    (S.RECEIVED, A.ACCEPT): (S.TO_ASSIGN, SCREENERS),
    (S.RECEIVED, A.REJECT): (S.REJECTED, SCREENERS),
    # R12.2 即时办结: the operator answers a consultation during the call; the caller rates it on callback.
    (S.RECEIVED, A.ANSWER_ON_CALL): (S.ANSWERED, frozenset({R.OPERATOR})),
    # R12.4: a repeat of another message is closed here and answered with the original.
    (S.RECEIVED, A.MARK_REPEAT): (S.CLOSED, SCREENERS),
    (S.TO_ASSIGN, A.MARK_REPEAT): (S.CLOSED, SCREENERS),
    (S.TO_ASSIGN, A.ASSIGN): (S.ASSIGNED, frozenset({R.DISPATCHER})),
    (S.ASSIGNED, A.REQUEST_RETURN): (S.RETURN_REQUESTED, UNIT),
    (S.RETURN_REQUESTED, A.APPROVE_RETURN): (S.TO_ASSIGN, frozenset({R.DISPATCHER})),
    (S.RETURN_REQUESTED, A.REFUSE_RETURN): (S.ASSIGNED, frozenset({R.DISPATCHER})),
    (S.ASSIGNED, A.SUBMIT_REPLY): (S.SIGNOFF, UNIT),
    (S.SIGNOFF, A.SIGN_OFF): (S.REVIEW, HEADS),
    (S.SIGNOFF, A.REFUSE_SIGN_OFF): (S.ASSIGNED, HEADS),
    (S.REVIEW, A.APPROVE_REPLY): (S.ANSWERED, frozenset({R.REVIEWER})),
    (S.REVIEW, A.SEND_BACK): (S.ASSIGNED, frozenset({R.REVIEWER})),
    (S.ANSWERED, A.RECORD_FOLLOW_UP): (S.VISITED, UNIT | {R.REVIEWER}),
    # The citizen on the web, or the office recording a phone caller's rating on callback (R12.6).
    (S.ANSWERED, A.OPEN_REDO): (S.ASSIGNED, RATERS),
    (S.VISITED, A.OPEN_REDO): (S.ASSIGNED, RATERS),
    (S.CLOSED, A.OPEN_REDO): (S.ASSIGNED, RATERS),
    (S.ANSWERED, A.CLOSE): (S.CLOSED, frozenset({R.REVIEWER})),  # only when follow-up is not required
    (S.VISITED, A.CLOSE): (S.CLOSED, frozenset({R.REVIEWER})),
    # CZ 第九条(六) second paragraph: the office explains and does not assign the matter again.
    (S.TO_ASSIGN, A.SETTLE): (S.CLOSED, frozenset({R.DISPATCHER})),
    (S.REVIEW, A.SETTLE): (S.CLOSED, frozenset({R.REVIEWER})),
    (S.CLOSED, A.ARCHIVE): (S.ARCHIVED, frozenset({R.DISPATCHER, R.ADMIN})),
    # R12.6: the office reopens a closed matter with a reason; the lead unit handles it again.
    (S.CLOSED, A.REOPEN): (S.ASSIGNED, frozenset({R.DISPATCHER, R.SUPERVISOR})),
    # R12.5: with the query code the citizen adds to a message not yet answered, or withdraws it.
    **_loop(A.SUPPLEMENT, {R.CITIZEN}, NOT_YET_ANSWERED),
    **{(status, A.WITHDRAW): (S.CLOSED, frozenset({R.CITIZEN})) for status in NOT_YET_ANSWERED},
    # R12.3: the office hands an assigned matter to another lead unit (转办); R4.5 (CZ 第三条): a county
    # or district forwards it to one of its townships inside its own deadline (二次转办).
    **_loop(A.TRANSFER, {R.DISPATCHER}, HANDLING),
    **_loop(A.SUB_ASSIGN, UNIT, HANDLING),
    **_loop(A.REQUEST_CO_RETURN, UNIT, HANDLING),
    **_loop(A.DECIDE_CO_RETURN, {R.DISPATCHER}, HANDLING),
    # The office calls the petitioner for a unit the complaint is about (R9.2).
    **_loop(A.RECORD_CONTACT, UNIT | {R.DISPATCHER}, HANDLING),
    **_loop(A.DECIDE_REPORT, UNIT, HANDLING),
    **_loop(A.REQUEST_EXTENSION, UNIT, HANDLING),
    # The approver differs per preset (CZ: the unit's deputy head; LN: the platform office).
    **_loop(A.DECIDE_EXTENSION, HEADS | {R.DISPATCHER}, HANDLING),
    **_loop(A.SUBMIT_CO_OPINION, UNIT, HANDLING),
    **_loop(A.ADD_ATTACHMENT, UNIT, HANDLING),
    **_loop(A.EXPLAIN_DELAY, UNIT, HANDLING + (S.SIGNOFF,)),
    **_loop(A.RATE, RATERS, REPLIED + (S.CLOSED,)),
    **_loop(A.SPOT_CHECK, {R.REVIEWER, R.SUPERVISOR}, REPLIED + (S.CLOSED, S.ARCHIVED)),
    **_loop(A.PUBLISH, {R.REVIEWER}, PUBLISHABLE),
    **_loop(A.WITHHOLD, {R.REVIEWER}, PUBLISHABLE),
    **_loop(A.HIDE, {R.REVIEWER}, PUBLISHABLE),
    **_loop(A.RECORD_INSTRUCTION, {R.DISPATCHER, R.SUPERVISOR}, OPEN),
    **_loop(A.MARK_FALSE, {R.DISPATCHER, R.SUPERVISOR}, (*OPEN, S.REJECTED, S.CLOSED, S.ARCHIVED)),
    # Which units and staff a complaint is about: the office may mark or change them at any time.
    **_loop(A.MARK_COMPLAINT, {R.OPERATOR, R.DISPATCHER, R.SUPERVISOR}, (*OPEN, S.REJECTED, S.CLOSED, S.ARCHIVED)),
    **_loop(A.OPEN_SUPERVISION, {R.SUPERVISOR}, SUPERVISABLE),
    **_loop(A.ANSWER_SUPERVISION, UNIT, SUPERVISABLE),
    **_loop(A.CLOSE_SUPERVISION, {R.SUPERVISOR}, SUPERVISABLE),
}

# Statuses in which the assigned units owe work: the handling clock runs and warnings apply.
CLOCK_RUNNING = frozenset({S.ASSIGNED, S.SIGNOFF})
FINAL = frozenset({S.REJECTED, S.CLOSED, S.ARCHIVED})

LABELS = {  # staff wording, citizen wording
    S.RECEIVED: ("待甄别", "已收到"),
    S.REJECTED: ("不予受理", "不予受理"),
    S.TO_ASSIGN: ("待交办", "已受理"),
    S.ASSIGNED: ("办理中", "办理中"),
    S.RETURN_REQUESTED: ("申请退回", "办理中"),
    S.SIGNOFF: ("待审签", "办理中"),
    S.REVIEW: ("待审核", "办理中"),
    S.ANSWERED: ("已答复待回访", "已答复"),
    S.VISITED: ("已回访", "已答复"),
    S.CLOSED: ("已办结", "已办结"),
    S.ARCHIVED: ("已归档", "已办结"),
}

ACTION_LABELS = {
    A.SUBMIT: "网上留言", A.RECORD_CALL: "热线登记", A.ACCEPT: "受理", A.REJECT: "不予受理",
    A.ASSIGN: "交办", A.REQUEST_RETURN: "申请退回", A.APPROVE_RETURN: "同意退回",
    A.REFUSE_RETURN: "不同意退回", A.REQUEST_CO_RETURN: "协办单位申请退回",
    A.DECIDE_CO_RETURN: "协办退回审核", A.RECORD_CONTACT: "联系诉求人",
    A.DECIDE_REPORT: "举报受理决定", A.REQUEST_EXTENSION: "申请延期", A.DECIDE_EXTENSION: "延期审核",
    A.SUBMIT_CO_OPINION: "提交协办意见", A.EXPLAIN_DELAY: "说明超期原因", A.ADD_ATTACHMENT: "上传附件",
    A.SUBMIT_REPLY: "提交答复",
    A.SIGN_OFF: "审签", A.REFUSE_SIGN_OFF: "审签退回", A.APPROVE_REPLY: "审核通过",
    A.SEND_BACK: "退回重办", A.RECORD_FOLLOW_UP: "回访", A.RATE: "满意度评价", A.OPEN_REDO: "发回重办",
    A.CLOSE: "办结", A.SETTLE: "不再交办转办", A.MARK_FALSE: "认定虚假恶意诉求",
    A.MARK_COMPLAINT: "标记投诉对象", A.REOPEN: "重新办理", A.SUPPLEMENT: "诉求人补充",
    A.MARK_REPEAT: "并为重复件", A.WITHDRAW: "诉求人撤回", A.TRANSFER: "转办", A.SUB_ASSIGN: "二次转办",
    A.ANSWER_ON_CALL: "即时办结",
    A.ARCHIVE: "归档", A.SPOT_CHECK: "回头看", A.PUBLISH: "公开发布",
    A.WITHHOLD: "决定不公开", A.HIDE: "撤回公开", A.RECORD_INSTRUCTION: "领导批示",
    A.OPEN_SUPERVISION: "立案督办", A.ANSWER_SUPERVISION: "督办反馈", A.CLOSE_SUPERVISION: "督办办结",
}

ROLE_LABELS = {
    R.CITIZEN: "群众", R.OPERATOR: "受理员", R.DISPATCHER: "交办员", R.HANDLER: "承办人",
    R.DEPUTY_HEAD: "分管负责同志", R.PRINCIPAL_HEAD: "主要负责同志", R.REVIEWER: "平台审核员",
    R.SUPERVISOR: "督办员", R.ADMIN: "系统管理员",
}


class TransitionError(DomainError):
    """A move that the table does not allow from this status or for this role."""


def next_status(status: Status | None, action: Action, role: Role) -> Status:
    """The status after ``action``; raises TransitionError when the move is not allowed."""
    move = TRANSITIONS.get((status, action))
    if move is None:
        label = LABELS[status][0] if status else "未登记"
        raise TransitionError(f"当前状态“{label}”下不能执行“{ACTION_LABELS[action]}”。")
    new_status, roles = move
    if role not in roles:
        raise TransitionError(f"“{ROLE_LABELS[role]}”无权执行“{ACTION_LABELS[action]}”。")
    return new_status


def allowed_actions(status: Status | None, role: Role) -> list[Action]:
    """The moves ``role`` may make from ``status``, in table order (for the message page's forms)."""
    return [action for (st, action), (_, roles) in TRANSITIONS.items() if st == status and role in roles]


def staff_label(status: str) -> str:
    return LABELS[Status(status)][0]


def public_label(status: str) -> str:
    return LABELS[Status(status)][1]
