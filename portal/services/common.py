"""What every action shares: errors, actors, the move through the workflow, the event."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm.exc import StaleDataError

from .. import clock
from ..extensions import db
from ..models import Assignment, Event, Message
from ..queries.common import add_workdays, forget_calendar, load_calendar, policy, workdays_between  # noqa: F401
from ..queries.situation import refusal
from ..rules import DomainError
from ..rules.workflow import Action, Role, Status, TransitionError, next_status
from .unit_rows import keep_unit_rows


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


def check_version(message: Message, version: int | None) -> None:
    """Refuse an edit made on a stale page: someone else acted on the message meanwhile."""
    if version is not None and int(version) != message.version:
        raise Conflict("该留言已被他人更新，请刷新页面后再操作。")


def move(message: Message, action: Action, *, actor, version: int | None = None, **data) -> Status:
    """Check and make the move ``action``; write its one event; copy the new status (and whatever the
    action changed before it) onto the units' rows their queues read. The caller commits."""
    check_version(message, version)
    old = Status(message.status) if message.status else None
    try:
        new = next_status(old, action, Role(actor.role))
    except TransitionError as exc:
        raise Forbidden(str(exc)) from None
    message.status = new
    message.updated_at = clock.now()  # bumps the version even for moves that keep the status
    keep_unit_rows(message)
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


def require(actor, action: Action, message: Message) -> None:
    """Ask the one rule book (portal/rules/permissions.py) before writing; refuse as it says."""
    refused = refusal(actor, action, message)
    if refused is not None:
        raise _ERRORS.get(refused.status, DomainError)(refused.reason)


_ERRORS = {403: Forbidden, 404: NotFound, 409: Conflict}


def own_assignment(message: Message, actor) -> Assignment:
    """The actor's unit's assignment it is working on (``require`` has made sure there is one)."""
    found = next((a for a in message.active_assignments() if a.unit_id == actor.unit_id), None)
    if found is None:
        raise NotFound("没有找到该留言，或该留言不由本单位办理。")
    return found


def require_text(value: str | None, label: str, field: str | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(f"请填写{label}。", field=field)
    return value


def abandon() -> None:
    """A refused action leaves nothing behind: drop what it changed before it was refused."""
    db.session.rollback()


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
