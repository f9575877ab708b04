"""The platform office's oversight (R8): dashboard, unit assessment with drill-down, supervision
proposals, the notification outbox, and running the scheduled job on demand."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from .. import clock
from ..display import mask_contact, mask_name
from ..extensions import db
from ..htmx import render
from ..models import Message, Notification, Unit
from ..queries import assessment, dashboard
from ..queries import proposals as proposals_query
from ..queries.common import policy
from ..queries.proposals import TRIGGER_LABELS
from ..queries.queues import visible
from ..querystring import page_arg
from ..rules.periods import Period
from ..rules.permissions import may_open
from ..rules.policy import DEDUCTION_RULES
from ..rules.workflow import LABELS, UNIT
from ..services import DomainError, outbox, reminders, supervision
from . import bp

OUTBOX_PAGE = 50


def _require(page: str) -> None:
    if not may_open(current_user, page):
        abort(403)


@bp.get("/dashboard")
def dashboard_page():
    return render_template("admin/dashboard.html", figures=dashboard.figures(current_user), today=clock.today(),
                           may_tick=may_open(current_user, "run_tick"))


@bp.post("/tick")
def run_tick():
    """The scheduled job (cron runs it daily, deploy/wenzheng.cron) run now by the office."""
    _require("run_tick")
    report = reminders.tick()
    delivery = outbox.deliver()
    levels = "，".join(f"{policy().warning_label(k)} {v}" for k, v in report.warnings.items()) or "无"
    flash(f"已运行：提醒 {report.reminders} 件；新增预警：{levels}；扣分 {report.points:g}；"
          f"通知发送成功 {delivery.sent} 条，稍后重试 {delivery.retrying} 条，失败 {delivery.failed} 条。")
    return redirect(url_for("admin.dashboard_page"))


def requested_period(default_kind="month") -> tuple[Period, str | None]:
    """The period asked for, or the last complete month when none or a wrong one is given."""
    text = request.args.get("period", "")
    fallback = Period.containing(clock.today(), default_kind).previous()
    if not text:
        return fallback, None
    try:
        return Period.parse(text), None
    except DomainError as exc:
        return fallback, str(exc)


@bp.get("/assessment")
def assessment_page():
    _require("assessment")
    period, error = requested_period()
    return render_template("admin/assessment.html", period=period, error=error, rows=assessment.assess(period),
                           metrics=assessment.METRICS, weights=policy().assessment_weights,
                           deduction_rule=DEDUCTION_RULES[policy().warning_deductions],
                           own_unit=current_user.unit_id if current_user.role in UNIT else None), 400 if error else 200


@bp.get("/assessment/<period_key>/<int:unit_id>/<metric>")
def assessment_messages(period_key: str, unit_id: int, metric: str):
    """The messages behind one figure of the assessment."""
    _require("assessment")
    if metric not in assessment.METRICS or (current_user.role in UNIT and unit_id != current_user.unit_id):
        abort(404)
    period = Period.parse(period_key)
    unit = db.session.get(Unit, unit_id) or abort(404)
    row = next((r for r in assessment.assess(period) if r.unit_id == unit_id), None) or abort(404)
    ids = row.messages[metric]
    messages = db.session.scalars(select(Message).where(Message.id.in_(ids), visible(current_user))
                                  .order_by(Message.received_at.desc())).all() if ids else []
    return render_template("admin/assessment_messages.html", period=period, unit=unit, metric=metric,
                           label=assessment.METRICS[metric], messages=messages, statuses=LABELS, row=row)


@bp.route("/proposals", methods=["GET", "POST"])
def proposals():
    """What to supervise (R8.2), proposed from overdue work, redo still unsatisfied, instructions, clusters."""
    _require("proposals")
    error, status = None, 200
    if request.method == "POST":
        _require("open_proposed_case")
        message = db.session.get(Message, request.form.get("message_id", type=int) or 0) or abort(404)
        try:
            case = supervision.open_case(message, actor=current_user, reason=request.form.get("reason", ""),
                                         method=request.form.get("method", ""), note=request.form.get("note", ""))
        except DomainError as exc:
            error, status = f"{message.tracking_no}：{exc}", exc.status_code
        else:
            flash(f"已对留言 {message.tracking_no} 立案督办，{case.unit.name}须在{case.due_date:%Y-%m-%d}前反馈。")
            return redirect(url_for("admin.proposals"))
    return render_template("admin/proposals.html", proposals=proposals_query.proposals(), triggers=TRIGGER_LABELS,
                           rules=policy(), error=error, form=request.form), status


@bp.get("/outbox")
def outbox_page(error: str | None = None, status: int = 200):
    _require("outbox")
    state = request.args.get("status", "")
    page = page_arg(request.args)
    query = select(Notification)
    if state in ("pending", "sent", "failed"):
        query = query.where(Notification.status == state)
    rows = db.session.scalars(query.order_by(Notification.id.desc()).limit(OUTBOX_PAGE)
                              .offset((page - 1) * OUTBOX_PAGE)).all()
    totals = dict(db.session.execute(select(Notification.status, func.count()).group_by(Notification.status)).all())
    return render("admin/outbox.html", "table", status, rows=rows, totals=totals, state=state, page=page,
                  more=len(rows) == OUTBOX_PAGE, error=error)


@bp.post("/outbox/<int:note_id>/resend")
def resend(note_id: int):
    _require("outbox")
    note = db.session.get(Notification, note_id) or abort(404)
    try:
        outbox.resend(note, actor=current_user)
    except DomainError as exc:
        return outbox_page(error=str(exc), status=exc.status_code)
    flash(f"已重新排队发送给{mask_name(note.recipient_name) or mask_contact(note.recipient)}的通知。")
    return redirect(url_for("admin.outbox_page", status="pending"))
