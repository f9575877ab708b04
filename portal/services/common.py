"""What every action shares: errors, actors, the move through the workflow, the event."""
from dataclasses import dataclass
from datetime import date

from flask import current_app, g
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from .. import clock
from ..extensions import db
from ..models import Assignment, CalendarDay, CalendarYear, Event, Message
from ..rules import RuleViolation, workdays
from ..rules.policy import Policy
from ..rules.workflow import Action, Role, Status, TransitionError, next_status

# Every refused action or input, including unknown preset codes (PolicyError).
DomainError = RuleViolation


class Forbidden(DomainError):
    status_code = 403


class NotFound(DomainError):
    """Also raised for another unit's message, so that its existence is not revealed."""

    status_code = 404


class Conflict(DomainError):
    status_code = 409


@dataclass(frozen=True)
class Anonymous:
    """An actor without an account: the citizen (by query code) or the scheduler."""

    role: str
    id: None = None
    unit_id: None = None
    name: str = ""


CITIZEN = Anonymous(role="citizen", name="诉求人")
SYSTEM = Anonymous(role="system", name="系统")


def policy() -> Policy:
    return current_app.extensions["wenzheng_policy"]


def load_calendar() -> workdays.WorkCalendar:
    """The calendar in force, read once per app context (a request, a CLI command)."""
    if "work_calendar" not in g:
        days = db.session.execute(select(CalendarDay.day, CalendarDay.is_workday)).all()
        years = db.session.scalars(select(CalendarYear.year)).all()
        g.work_calendar = workdays.WorkCalendar(overrides=dict(days), confirmed_years=frozenset(years))
    return g.work_calendar


def forget_calendar() -> None:
    g.pop("work_calendar", None)


def add_workdays(start: date, n: int) -> date:
    return workdays.add_workdays(start, n, load_calendar())


def workdays_between(start: date, end: date) -> int:
    return workdays.workdays_between(start, end, load_calendar())


def check_version(message: Message, version: int | None) -> None:
    """Refuse an edit made on a stale page: someone else acted on the message meanwhile."""
    if version is not None and int(version) != message.version:
        raise Conflict("该留言已被他人更新，请刷新页面后再操作。")


def move(message: Message, action: Action, *, actor, version: int | None = None, **data) -> Status:
    """Check and make the move ``action``; write its one event. The caller commits."""
    check_version(message, version)
    old = Status(message.status) if message.status else None
    try:
        new = next_status(old, action, Role(actor.role))
    except TransitionError as exc:
        raise Forbidden(str(exc)) from None
    message.status = new
    message.updated_at = clock.now()  # bumps the version even for moves that keep the status
    record(message, action, actor=actor, old_status=old, new_status=new, **data)
    return new


def record(message: Message | None, kind: str, *, actor, old_status=None, new_status=None, **data) -> Event:
    event = Event(
        message=message,
        actor_id=actor.id,
        actor_role=actor.role,
        kind=str(kind),
        old_status=old_status,
        new_status=new_status,
        data={k: _jsonable(v) for k, v in data.items()},
    )
    db.session.add(event)
    return event


def _jsonable(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def unit_assignment(message: Message, actor, *, lead_only: bool = False) -> Assignment:
    """The actor's unit's active assignment on this message; other units get NotFound (R9.2)."""
    for assignment in message.active_assignments():
        if assignment.unit_id == actor.unit_id and (assignment.is_lead or not lead_only):
            return assignment
    if lead_only and any(a.unit_id == actor.unit_id for a in message.active_assignments()):
        raise Forbidden("此操作只能由牵头单位办理。")
    raise NotFound("没有找到该留言，或该留言不由本单位办理。")


def require_text(value: str | None, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(f"请填写{label}。")
    return value


def commit() -> None:
    _refusing_stale(db.session.commit)


def flush() -> None:
    """Flush within an action (to get ids); a concurrent change is refused as at commit."""
    _refusing_stale(db.session.flush)


def _refusing_stale(write) -> None:
    try:
        write()
    except StaleDataError:
        db.session.rollback()
        raise Conflict("该留言已被他人同时更新，请刷新页面后再操作。") from None
