"""Jinja filters in the users' habits: 2026年11月23日, working days left, status labels."""
from datetime import date, datetime

from flask import Flask, current_app

from . import clock
from .rules import states
from .rules.policy import ADDRESSEES, CHANNEL_LEVEL_LABELS, DEDUCTION_RULES, TRANSFER_CLOCKS
from .rules.warnings import DEADLINE_LABELS, LEVEL_LABELS
from .rules.workflow import ACTION_LABELS, ROLE_LABELS, public_label, staff_label
from .search.documents import count_text

EVENT_LABELS = {**ACTION_LABELS, "warning": "超期预警", "remind": "催办提醒", "reveal_petitioner": "查看诉求人信息",
                "add_attachment": "上传附件", "recompute_deadline": "重算期限", "routing_decision": "确认分类建议",
                "api_key_issued": "签发接口密钥", "api_key_revoked": "撤销接口密钥",
                "renew_query_code": "诉求人找回查询码（短信发送新码）"}


def date_cn(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = clock.local_date(value)
    return f"{value.year}年{value.month}月{value.day}日"


def datetime_cn(value: datetime | None) -> str:
    if value is None:
        return ""
    local = clock.local_time(value)
    return f"{date_cn(local.date())} {local:%H:%M}"


def mask_name(name: str) -> str:
    """张** — the surname stays so that staff can address the person."""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def mask_phone(phone: str) -> str:
    """138****5678"""
    digits = phone.replace(" ", "").replace("-", "")
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 8 else "****"


def mask_contact(value: str) -> str:
    """A phone as 138****5678, an email as z***@example.com: staff pages never show the whole."""
    if "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    return mask_phone(value) if value else ""


def workdays_left_label(left: int) -> str:
    """'剩余3个工作日', '今日到期', '超期2个工作日'."""
    if left > 0:
        return f"剩余{left}个工作日"
    if left == 0:
        return "今日到期"
    return f"超期{-left}个工作日"


STATE_KINDS = {"assignment": states.AssignmentState, "reply": states.ReplyState, "publication": states.Publication,
               "decision": states.Decision}
EVENT_DETAIL_KEYS = ("unit", "reason", "note", "reasons", "lead", "level", "deadline", "overdue_workdays", "days",
                     "text", "filename")


def event_details(event, policy) -> list[str]:
    """What the timeline says of an event's data, in Chinese: codes become their labels."""
    data = event.data or {}
    return [_detail(key, data[key], policy) for key in EVENT_DETAIL_KEYS if data.get(key)]


def _detail(key: str, value, policy) -> str:
    if key == "level":
        return policy.warning_label(value) if value in LEVEL_LABELS else _label(policy.ratings, value)
    if key == "reason":
        return _label((*policy.supervision_reasons, *policy.out_of_scope), value)
    if key == "days":
        return f"{value}个工作日"
    if key == "deadline":  # which deadline a warning or a reminder is about: a unit may miss two at once
        return f"{DEADLINE_LABELS.get(value, value)}期限"  # a code; events before 2026-12-03 hold the label
    if key == "overdue_workdays":
        return f"超期{value}个工作日"
    return str(value)


def _label(choices, code) -> str:
    return next((c.text for c in choices if c.code == code), str(code))


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)


def rating_label(code: str) -> str:
    return current_app.extensions["wenzheng_policy"].rating_label(code)


def register(app: Flask) -> None:
    app.add_template_filter(date_cn)
    app.add_template_filter(datetime_cn)
    app.add_template_filter(staff_label)
    app.add_template_filter(public_label)
    app.add_template_filter(workdays_left_label)

    for mask in (mask_name, mask_phone, mask_contact):
        app.add_template_filter(mask)
    app.add_template_filter(role_label)
    app.add_template_filter(rating_label)
    app.add_template_filter(count_text, "search_count")
    app.add_template_global(CHANNEL_LEVEL_LABELS, "channel_levels")
    app.add_template_global(DEDUCTION_RULES, "deduction_rules")
    app.add_template_global(ADDRESSEES, "addressees")
    app.add_template_global(TRANSFER_CLOCKS, "transfer_clocks")

    @app.context_processor
    def inject_policy():
        policy = current_app.extensions["wenzheng_policy"]
        return {"policy": policy, "role_label": role_label,
                "channel_name": lambda code: policy.channel(code).name,
                "category_label": policy.category_label, "event_label": lambda kind: EVENT_LABELS.get(kind, kind),
                "level_label": policy.warning_label,
                "event_details": lambda event: event_details(event, policy),
                "state_label": lambda kind, value: states.label(STATE_KINDS[kind], value)}
