"""The message as the rule book sees it (portal/rules/permissions.py), read from the database."""
from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..models import ExtensionRequest, Message, Rating, ReturnRequest, SignOff, SupervisionCase, Unit
from ..rules.permissions import Post, Refusal, Situation, may
from ..rules.workflow import Action, Status
from .common import add_workdays, policy


def situation(message: Message) -> Situation:
    rules = policy()
    deadline = rules.deadline(message.category, message.is_emergency) if message.category else None
    ids = [a.id for a in message.assignments]
    returns = _pending(ReturnRequest, ids)
    extensions = _pending(ExtensionRequest, ids)
    has_contact = bool(message.petitioner and message.petitioner.has_contact)
    shielded_units, shielded_users = message.shielded_from()
    cases = db.session.execute(select(SupervisionCase.unit_id, SupervisionCase.answered_at).where(
        SupervisionCase.message_id == message.id, SupervisionCase.closed_at.is_(None))).all() if message.id else []
    return Situation(
        status=Status(message.status) if message.status else None,
        today=clock.today(),
        posts=tuple(Post(
            unit_id=a.unit_id, is_lead=a.is_lead, state=a.state or "active", due_date=a.due_date,
            return_until=add_workdays(a.start_date, rules.return_window_workdays) if a.start_date else None,
            extensions_used=a.extensions_used or 0, report_decision=a.report_decision,
            contacted=a.first_contact_at is not None, pending_return=a.id in returns,
            pending_extension=a.id in extensions, submitted_on=a.submitted_on) for a in message.assignments),
        needs_report_decision=bool(deadline and deadline.decision),
        needs_contact=bool(deadline and deadline.contact) and has_contact,
        signoff_role=rules.signoff_role(message.channel_level),
        extension_approver=rules.extension_approver,
        extension_max_count=rules.extension_max_count,
        extension_requesters=rules.extension_requesters,
        no_extension=bool(message.is_emergency and rules.extension_excludes_emergencies),
        close_needs_follow_up=(message.status == Status.ANSWERED and rules.follow_up_required and has_contact),
        publish_consent=bool(message.publish_consent),
        publication=message.publication or "pending",
        shielded_units=shielded_units,
        shielded_users=shielded_users,
        anonymous=bool(message.anonymous),
        units_with_townships=_with_townships([a.unit_id for a in message.active_assignments() if a.is_lead]),
        answerable_on_call=message.call_time is not None and message.category in rules.answer_on_call_categories,
        unanswered_case_units=frozenset(unit for unit, answered in cases if answered is None),
        has_open_case=bool(cases),
        archive_ready=_archive_ready(message),
        rated_this_round=_rated(message),
        rating_window_over=bool(message.answered_at) and (
            clock.today() - clock.local_date(message.answered_at)).days > rules.rating_window_days,
        redo_left=message.redo_round < rules.redo_max_rounds,
        may_settle=bool(rules.settle_reasons),
        marked_false=message.false_report_reason is not None,
    )


def refusal(actor, action: Action, message: Message) -> Refusal | None:
    return may(actor, action, situation(message))


def _with_townships(unit_ids) -> frozenset[int]:
    """The units among ``unit_ids`` (the lead at work) that have townships to forward to (R4.5)."""
    if not unit_ids:
        return frozenset()
    return frozenset(db.session.scalars(select(Unit.parent_id).where(
        Unit.parent_id.in_(unit_ids), Unit.active, Unit.kind == "township").distinct()))


def _pending(model, assignment_ids) -> set[int]:
    if not assignment_ids:
        return set()
    return set(db.session.scalars(select(model.assignment_id).where(
        model.assignment_id.in_(assignment_ids), model.decision == "pending")))


def _archive_ready(message: Message) -> bool:
    approved = [r.id for r in message.replies if r.state == "approved"]
    if not message.assignments or not approved:
        return False
    return bool(db.session.scalar(select(SignOff.id).where(SignOff.reply_id.in_(approved), SignOff.approved)))


def _rated(message: Message) -> bool:
    if message.id is None:
        return False
    return bool(db.session.scalar(select(Rating.id).where(
        Rating.message_id == message.id, Rating.round == message.redo_round)))
