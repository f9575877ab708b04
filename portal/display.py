"""Jinja filters in the users' habits: 2026年11月23日, working days left, status labels."""
from datetime import date, datetime

from flask import Flask, current_app

from . import clock
from .rules.warnings import LEVEL_LABELS
from .rules.workflow import ACTION_LABELS, ROLE_LABELS, public_label, staff_label

EVENT_LABELS = {**ACTION_LABELS, "warning": "超期预警", "remind": "催办提醒", "reveal_petitioner": "查看诉求人信息",
                "add_attachment": "上传附件", "recompute_deadline": "重算期限", "routing_decision": "确认分类建议",
                "api_key_issued": "签发接口密钥", "api_key_revoked": "撤销接口密钥"}


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


def atom_time(value: datetime | None) -> str:
    """RFC 3339 in UTC, as Atom wants."""
    return (value or datetime(2000, 1, 1)).strftime("%Y-%m-%dT%H:%M:%SZ")


def workdays_left_label(left: int) -> str:
    """'剩余3个工作日', '今日到期', '超期2个工作日'."""
    if left > 0:
        return f"剩余{left}个工作日"
    if left == 0:
        return "今日到期"
    return f"超期{-left}个工作日"


def register(app: Flask) -> None:
    app.add_template_filter(date_cn)
    app.add_template_filter(datetime_cn)
    app.add_template_filter(staff_label)
    app.add_template_filter(public_label)
    app.add_template_filter(workdays_left_label)
    app.add_template_filter(atom_time)

    for mask in (mask_name, mask_phone):
        app.add_template_filter(mask)

    @app.context_processor
    def inject_policy():
        policy = current_app.extensions["wenzheng_policy"]
        return {"policy": policy, "role_label": lambda role: ROLE_LABELS.get(role, role),
                "channel_name": lambda code: policy.channel(code).name,
                "category_label": policy.category_label, "event_label": lambda kind: EVENT_LABELS.get(kind, kind),
                "level_label": lambda level: LEVEL_LABELS.get(level, level)}
