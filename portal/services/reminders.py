"""The scheduled run (`flask tick`): reminders before deadlines (R8.1), red/yellow/blue
warnings with their deductions and hand-over to the inspection office (R8.3), overdue
supervision cases; then the analysis report's mining of the open and just-closed periods
(services/reports.py). Idempotent: warnings are unique per deadline and level, notifications
per dedupe key, so a second run the same day changes nothing."""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import clock, search
from ..display import date_cn
from ..extensions import db
from ..models import Assignment, Message, Notification, OverdueWarning, SupervisionCase, User
from ..rules.warnings import DEADLINE_LABELS, levels_reached
from ..rules.workflow import CLOCK_RUNNING, Role
from . import limits, locks
from . import reports as mined_reports
from .common import SYSTEM, Conflict, commit, policy, record, workdays_between
from .deadlines import recompute


@dataclass
class TickReport:
    reminders: int = 0
    warnings: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    points: float = 0.0
    supervision_overdue: int = 0
    recomputed: int = 0
    notifications: int = 0
    mined: list[str] = field(default_factory=list)  # report periods whose texts were mined and stored


def tick(today: date | None = None) -> TickReport:
    """The scheduled run; on many hosts, one at a time (a second run meanwhile is refused, not doubled)."""
    with locks.exclusive("tick") as mine:
        if not mine:
            raise Conflict("每日任务正在另一台主机上运行，本次未重复运行。")
        report = _tick(today or clock.today())
        report.mined = mined_reports.mine_periods(today or clock.today())
    search.apply_pending(timeout=5)  # index tasks left by a killed worker or a busy index
    return report


def _tick(today: date) -> TickReport:
    report = TickReport()
    report.recomputed = recompute_provisional()
    assignments = _running_assignments()
    staff = _staff_by_unit({a.unit_id for a in assignments})
    existing = _existing_warnings([a.id for a in assignments])
    outbox = _Outbox({a.message_id for a in assignments})
    for assignment in assignments:
        _remind(assignment, today, staff, outbox, report)
        _warn(assignment, today, staff, existing, outbox, report)
    _supervision_overdue(today, staff, outbox, report)
    report.notifications = outbox.flush()
    limits.forget_older_than(days=2)
    commit()
    return report


def recompute_provisional() -> int:
    """Recompute provisional deadlines whose years are now official (or moved by an admin)."""
    changed = 0
    rows = db.session.scalars(select(Assignment).options(joinedload(Assignment.message)).where(
        Assignment.state == "active", Assignment.due_provisional)).all()
    for assignment in rows:
        before = (assignment.due_date, assignment.contact_due, assignment.decision_due)
        recompute(assignment, assignment.message.category)
        if before != (assignment.due_date, assignment.contact_due, assignment.decision_due):
            changed += 1
            record(assignment.message, "recompute_deadline", actor=SYSTEM, old_due=before[0],
                   new_due=assignment.due_date, provisional=assignment.due_provisional)
    return changed


def _running_assignments() -> list[Assignment]:
    return list(db.session.scalars(
        select(Assignment).join(Message).options(joinedload(Assignment.message), joinedload(Assignment.unit))
        .where(Assignment.state == "active", Message.status.in_([s.value for s in CLOCK_RUNNING]))
        .order_by(Assignment.id)).unique())


def _staff_by_unit(unit_ids) -> dict[int | None, dict[str, list[User]]]:
    staff: dict = defaultdict(lambda: defaultdict(list))
    users = db.session.scalars(select(User).where(User.active, (User.unit_id.in_(unit_ids)) | (
        User.role == Role.SUPERVISOR))).all()
    for user in users:
        key = None if user.role == Role.SUPERVISOR else user.unit_id
        staff[key][user.role].append(user)
    return staff


def _existing_warnings(assignment_ids) -> set[tuple]:
    rows = db.session.execute(select(OverdueWarning.assignment_id, OverdueWarning.due_date, OverdueWarning.level)
                              .where(OverdueWarning.assignment_id.in_(assignment_ids))).all()
    return {tuple(row) for row in rows}


def _remind(assignment, today, staff, outbox, report) -> None:
    message = assignment.message
    before = policy().remind_before(message.is_emergency)  # urgent matters are reminded sooner
    deadlines = [("close", assignment.due_date)]
    if assignment.contact_due and assignment.first_contact_at is None:
        deadlines.append(("contact", assignment.contact_due))
    if assignment.decision_due and not assignment.report_decision:
        deadlines.append(("decision", assignment.decision_due))
    for kind, due in deadlines:
        if due < today or workdays_between(today, due) > before:
            continue
        text = f"催办提醒：留言（{message.tracking_no}）须于{date_cn(due)}前{DEADLINE_LABELS[kind]}，请抓紧办理。"
        sent = [outbox.add(f"remind:{kind}:{assignment.id}:{due}:{user.id}", user, message, text)
                for user in staff[assignment.unit_id][Role.HANDLER]]
        if any(sent):
            report.reminders += 1
            record(message, "remind", actor=SYSTEM, unit=assignment.unit.name, deadline=kind, due=due)


def _warn(assignment, today, staff, existing, outbox, report) -> None:
    """Each deadline the unit has missed is overdue (R3.1): the close deadline, and a contact or 举报
    decision deadline still unmet, each with its own warnings."""
    _warn_for(assignment, assignment.due_date, "close", today, staff, existing, outbox, report)
    if assignment.contact_due and assignment.first_contact_at is None and assignment.message.petitioner \
            and assignment.message.petitioner.has_contact:
        _warn_for(assignment, assignment.contact_due, "contact", today, staff, existing, outbox, report)
    if assignment.decision_due and not assignment.report_decision:
        _warn_for(assignment, assignment.decision_due, "decision", today, staff, existing, outbox, report)


def _warn_for(assignment, due, kind, today, staff, existing, outbox, report) -> None:
    if today <= due:
        return
    overdue = workdays_between(due, today)
    message = assignment.message
    reached = levels_reached(overdue, policy().warning_levels, explained=bool(assignment.delay_explanation))
    for level in reached:
        if (assignment.id, due, level.level) in existing:
            continue
        db.session.add(OverdueWarning(assignment_id=assignment.id, unit_id=assignment.unit_id,
                                      message_id=message.id, level=level.level, due_date=due,
                                      overdue_workdays=overdue, points=level.points, raised_on=today))
        existing.add((assignment.id, due, level.level))
        report.warnings[level.level] += 1
        report.points += level.points
        record(message, "warning", actor=SYSTEM, level=level.level, unit=assignment.unit.name,
               overdue_workdays=overdue, points=level.points, action=level.action, deadline=kind)
        text = (f"{policy().warning_label(level.level)}：{assignment.unit.name}办理的留言（{message.tracking_no}）"
                f"{DEADLINE_LABELS[kind]}已超期{overdue}个工作日（期限{date_cn(due)}），{level.action}。")
        recipients = staff[None if level.notify == Role.SUPERVISOR else assignment.unit_id][level.notify]
        for user in recipients:
            outbox.add(f"warning:{level.level}:{assignment.id}:{due}:{user.id}", user, message, text)
        if level.level == "inspection":
            outbox.add_email(f"inspection:{assignment.id}:{due}",
                             current_app.config["INSPECTION_OFFICE_EMAIL"], "市政府督查室", message,
                             f"转办督查：留言 {message.tracking_no}", text)


def _supervision_overdue(today, staff, outbox, report) -> None:
    cases = db.session.scalars(select(SupervisionCase).options(
        joinedload(SupervisionCase.unit), joinedload(SupervisionCase.message)).where(
        SupervisionCase.closed_at.is_(None), SupervisionCase.answered_at.is_(None),
        SupervisionCase.due_date < today)).all()
    outbox.known |= _keys_of({case.message_id for case in cases})
    for case in cases:
        message = case.message
        for user in staff[None][Role.SUPERVISOR]:
            if outbox.add(f"supervision-overdue:{case.id}:{user.id}", user, message,
                          f"督办超期：{case.unit.name}未在{date_cn(case.due_date)}前反馈留言（{message.tracking_no}）的督办事项。"):
                report.supervision_overdue += 1


class _Outbox:
    """Collects notifications, skipping keys already queued for the same messages."""

    def __init__(self, message_ids):
        self.known = _keys_of(message_ids)
        self.pending: list[Notification] = []

    def add(self, key, user, message, body) -> bool:
        if not user.phone:
            return False
        return self._put(key, channel="sms", recipient=user.phone, recipient_name=user.name, body=body,
                         message=message)

    def add_email(self, key, address, name, message, subject, body) -> bool:
        return self._put(key, channel="email", recipient=address, recipient_name=name, subject=subject,
                         body=body, message=message)

    def _put(self, key, **fields) -> bool:
        if key in self.known:
            return False
        self.known.add(key)
        self.pending.append(Notification(dedupe_key=key, **fields))
        return True

    def flush(self) -> int:
        db.session.add_all(self.pending)
        return len(self.pending)


def _keys_of(message_ids) -> set[str]:
    ids, keys = sorted(message_ids), set()
    for start in range(0, len(ids), 1000):
        keys.update(db.session.scalars(select(Notification.dedupe_key).where(
            Notification.message_id.in_(ids[start:start + 1000]))))
    return keys
