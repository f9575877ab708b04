"""The sub-states beside the message status, with their Chinese labels in one place.

Stored as plain strings (StrEnum values compare equal to them). Rating levels and supervision
reasons are the preset's own lists (portal/rules/presets/*.toml), labelled there.
"""
from enum import StrEnum


class AssignmentState(StrEnum):
    ACTIVE = "active"  # the unit is working on it
    DONE = "done"  # the unit's part is answered (lead) or given (co-unit)
    RETURNED = "returned"  # handed back with the office's consent
    WITHDRAWN = "withdrawn"  # ended without an answer: the lead's return was approved, or the citizen withdrew


class ReplyState(StrEnum):
    SUBMITTED = "submitted"
    SIGNED = "signed"
    REFUSED = "refused"
    APPROVED = "approved"
    SENT_BACK = "sent_back"


class ReplyKind(StrEnum):
    ANSWER = "answer"
    DUTY_FULFILLED = "duty_fulfilled"  # a written statement that the unit has done its duty (LN 第十八条)
    CO_OPINION = "co_opinion"


class Publication(StrEnum):
    PENDING = "pending"
    PUBLISHED = "published"
    WITHHELD = "withheld"
    HIDDEN = "hidden"


class Decision(StrEnum):
    """Of a return or extension request."""

    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


LABELS: dict[StrEnum, str] = {
    AssignmentState.ACTIVE: "办理中", AssignmentState.DONE: "已完成", AssignmentState.RETURNED: "已退回",
    AssignmentState.WITHDRAWN: "已撤回",
    ReplyState.SUBMITTED: "待审签", ReplyState.SIGNED: "待审核", ReplyState.REFUSED: "审签退回",
    ReplyState.APPROVED: "审核通过", ReplyState.SENT_BACK: "已退回重办",
    ReplyKind.ANSWER: "答复", ReplyKind.DUTY_FULFILLED: "履责意见", ReplyKind.CO_OPINION: "协办意见",
    Publication.PENDING: "待定", Publication.PUBLISHED: "已公开", Publication.WITHHELD: "决定不公开",
    Publication.HIDDEN: "已撤回公开",
    Decision.PENDING: "待审核", Decision.APPROVED: "同意", Decision.REFUSED: "不同意",
}


def label(kind: type[StrEnum], value: str) -> str:
    """The Chinese label of a stored sub-state, e.g. label(ReplyState, "signed") == "待审核"."""
    return LABELS[kind(value)]
