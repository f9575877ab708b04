"""Administration: units and their leaders, users and roles, reply templates, the working-day
calendar, and the policy preset in force (read-only)."""
from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import clock
from ..display import date_cn
from ..extensions import db
from ..models import UNIT_KINDS, ReplyTemplate, Unit, User
from ..querystring import page_arg, parse_date, year_arg
from ..rules.permissions import may_open
from ..rules.workflow import ROLE_LABELS
from ..services import DomainError, accounts, templates
from ..services import calendar as calendar_service
from ..services.common import load_calendar, policy
from . import bp


def _admin_only():
    if not may_open(current_user, "settings"):
        abort(403)


@bp.get("/policy")
def policy_page():
    return render_template("admin/policy.html", rules=policy())


@bp.route("/units", methods=["GET", "POST"])
def units():
    _admin_only()
    if request.method == "POST":
        unit = db.session.get(Unit, request.form.get("unit_id", type=int) or 0) or abort(404)
        accounts.update_unit_contacts(unit, request.form, actor=current_user)
        flash(f"已更新{unit.name}的联系人。")
        return redirect(url_for("admin.units"))
    rows = db.session.scalars(select(Unit).order_by(Unit.kind, Unit.name)).all()
    return render_template("admin/units.html", units=rows, unit_kinds=UNIT_KINDS)


@bp.route("/users", methods=["GET", "POST"])
def users():
    _admin_only()
    error, values = None, {}
    if request.method == "POST":
        values = request.form
        unit = db.session.get(Unit, values.get("unit_id", type=int) or 0)
        try:
            user = accounts.create_user(username=values.get("username", ""), name=values.get("name", ""),
                                        role=values.get("role", ""), password=values.get("password", ""),
                                        unit=unit, phone=values.get("phone", ""), actor=current_user)
        except DomainError as exc:
            error = str(exc)
        else:
            flash(f"已创建用户 {user.username}。")
            return redirect(url_for("admin.users"))
    rows = db.session.scalars(select(User).order_by(User.unit_id, User.role, User.username)).all()
    unit_rows = db.session.execute(select(Unit.id, Unit.name).order_by(Unit.name)).all()
    return render_template("admin/users.html", users=rows, units=unit_rows, roles=ROLE_LABELS, error=error,
                           values=values), 422 if error else 200


@bp.post("/users/<int:user_id>/<change>")
def user_change(user_id: int, change: str):
    _admin_only()
    user = db.session.get(User, user_id) or abort(404)
    try:
        if change == "unlock":
            accounts.unlock(user, actor=current_user)
        elif change == "sign_out":
            accounts.sign_out_everywhere(user, actor=current_user)
        elif change in ("enable", "disable"):
            accounts.set_active(user, change == "enable", actor=current_user)
        else:
            abort(404)
    except DomainError as exc:
        flash(str(exc))
        return redirect(url_for("admin.users")), 303
    flash(f"已更新用户 {user.username}。")
    return redirect(url_for("admin.users"))


@bp.route("/templates", methods=["GET", "POST"])
def reply_templates():
    _admin_only()
    error = None
    if request.method == "POST":
        try:
            templates.create_template(title=request.form.get("title", ""), body=request.form.get("body", ""),
                                      category=request.form.get("category", ""), actor=current_user)
        except DomainError as exc:
            error = str(exc)
        else:
            flash("已添加答复模板。")
            return redirect(url_for("admin.reply_templates"))
    rows = db.session.scalars(select(ReplyTemplate).where(ReplyTemplate.active).order_by(ReplyTemplate.id)).all()
    return render_template("admin/templates.html", templates=rows, error=error, values=request.form), \
        422 if error else 200


@bp.post("/templates/<int:template_id>/retire")
def retire_template(template_id: int):
    _admin_only()
    templates.retire_template(db.session.get(ReplyTemplate, template_id) or abort(404), actor=current_user)
    flash("模板已停用。")
    return redirect(url_for("admin.reply_templates"))


@bp.route("/calendar", methods=["GET", "POST"])
def calendar():
    _admin_only()
    year = year_arg(request.args, clock.today().year)
    if request.method == "POST":
        try:
            day = parse_date(request.form.get("day", ""))
        except ValueError:
            flash("日期不正确，请写成 2027-10-01，年份在2000至2100之间。")
            return redirect(url_for("admin.calendar", year=year))
        calendar_service.set_day(day, is_workday=request.form.get("kind") == "workday",
                                 note=request.form.get("note", ""), actor=current_user)
        flash(f"{date_cn(day)} 已设为{'工作日' if request.form.get('kind') == 'workday' else '休息日'}。")
        return redirect(url_for("admin.calendar", year=day.year))
    return render_template("admin/calendar.html", year=year, months=_months(year),
                           official=load_calendar().is_official(year))


def _months(year: int):
    """Each month as weeks of (day, is_workday, set_by_admin) or None for padding."""
    cal = load_calendar()
    months = []
    for month in range(1, 13):
        first = date(year, month, 1)
        days = [None] * first.weekday()
        day = first
        while day.month == month:
            days.append((day, cal.is_workday(day), day in cal.overrides))
            day += timedelta(days=1)
        months.append((month, [days[i:i + 7] for i in range(0, len(days), 7)]))
    return months


AUDIT_KINDS = {"reveal_petitioner": "查看诉求人信息", "login_failed": "登录失败", "add_censor_rule": "新增隐去规则",
               "set_user_active": "启用/停用账号", "sign_out_everywhere": "强制退出登录", "": "全部操作"}


@bp.get("/audit")
def audit():
    """Who saw petitioner details, and every other recorded action (R9.4)."""
    if not may_open(current_user, "audit"):
        abort(403)
    from sqlalchemy.orm import selectinload

    from ..models import Event, Message

    kind = request.args.get("kind", "reveal_petitioner")
    page = page_arg(request.args)
    query = select(Event, Message.tracking_no).outerjoin(Message, Message.id == Event.message_id)
    if kind:
        query = query.where(Event.kind == kind)
    rows = db.session.execute(query.options(selectinload(Event.actor)).order_by(Event.id.desc())
                              .limit(50).offset((page - 1) * 50)).all()
    return render_template("admin/audit.html", rows=rows, kind=kind, kinds=AUDIT_KINDS, page=page)


@bp.route("/rules", methods=["GET", "POST"])
def censor_rules():
    """Admin-defined masking rules (literal or regular expression; everywhere, one unit, one message)."""
    _admin_only()
    from ..models import CensorRule
    from ..services import redaction

    error = None
    if request.method == "POST":
        form = request.form
        try:
            redaction.add_rule(pattern=form.get("pattern", ""), is_regex=form.get("is_regex") == "yes",
                               replacement=form.get("replacement", ""), scope=form.get("scope", "all"),
                               reason=form.get("reason", ""), unit_id=form.get("unit_id", type=int),
                               message_id=form.get("message_id", type=int), actor=current_user)
        except DomainError as exc:
            error = str(exc)
        else:
            flash("已添加隐去规则，此后的公开审核将按此规则隐去。")
            return redirect(url_for("admin.censor_rules"))
    rules = db.session.scalars(select(CensorRule).where(CensorRule.active).order_by(CensorRule.id.desc())).all()
    unit_rows = db.session.execute(select(Unit.id, Unit.name).order_by(Unit.name)).all()
    return render_template("admin/rules.html", rules=rules, units=unit_rows, error=error,
                           values=request.form), 422 if error else 200
