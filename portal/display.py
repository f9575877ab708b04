"""Jinja filters in the users' habits: 2026年11月23日, working days left, status labels."""
from datetime import date, datetime

from flask import Flask, current_app

from . import clock
from .rules.workflow import public_label, staff_label


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

    @app.context_processor
    def inject_policy():
        return {"policy": current_app.extensions["wenzheng_policy"]}
