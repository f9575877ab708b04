"""The petitioner's details and those a complaint is about (R9.2, LN 第十九条, CZ 第十二条)."""
from ..models import ComplaintTarget, Message, Unit, User
from ..rules.permissions import may_reveal
from ..rules.workflow import UNIT, Action
from .common import DomainError, Forbidden, check_version, commit, move, record, require, require_text


def reveal_petitioner(message, *, actor) -> None:
    """Show the petitioner's details to staff: a recorded action, never to those complained about."""
    if not may_reveal(actor, *message.shielded_from(), anonymous=bool(message.anonymous)):
        raise Forbidden("您无权查看诉求人信息。")
    record(message, "reveal_petitioner", actor=actor)
    commit()


def mark_complaint(message: Message, *, actor, units: list[Unit], staff: list[User], note: str,
                   version: int | None = None) -> None:
    """The office marks, changes or clears the units and named staff a complaint is about, at any
    time: from then on none of them sees the petitioner, in the panel or in the text."""
    check_version(message, version)
    require(actor, Action.MARK_COMPLAINT, message)
    if any(person.role not in UNIT for person in staff):
        raise DomainError("被投诉人员只能是承办单位的工作人员。")
    note = require_text(note, "标记依据")
    message.complaint_targets = [ComplaintTarget(unit_id=unit.id) for unit in dict.fromkeys(units)] + [
        ComplaintTarget(user_id=person.id) for person in dict.fromkeys(staff)]
    move(message, Action.MARK_COMPLAINT, actor=actor, note=note, units=[unit.name for unit in units],
         staff=[f"{person.name}（{person.unit.name if person.unit else ''}）" for person in staff])
    commit()
