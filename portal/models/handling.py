"""Records of the handling steps: returns, extensions, sign-offs, reviews, follow-ups,
ratings, redo rounds, leader instructions, supervision, warnings and the outbox."""
from datetime import date, datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..crypto import Encrypted
from ..extensions import db
from .base import fk, utcnow


class _Decided:
    """Columns of a request that the office or a leader approves or refuses."""

    decision: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(Text, default="")
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReturnRequest(_Decided, db.Model):  # R4.3
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = fk("assignment.id")
    reason: Mapped[str] = mapped_column(Text)
    basis: Mapped[str] = mapped_column(Text)
    requested_by_id: Mapped[int] = fk("user.id", index=False)
    decided_by_id: Mapped[int | None] = fk("user.id", nullable=True, index=False)

    assignment = relationship("Assignment")


class ExtensionRequest(_Decided, db.Model):  # R5.1
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = fk("assignment.id")
    days: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    requested_by_id: Mapped[int] = fk("user.id", index=False)
    decided_by_id: Mapped[int | None] = fk("user.id", nullable=True, index=False)
    old_due: Mapped[date]
    new_due: Mapped[date | None]

    assignment = relationship("Assignment")


class SignOff(db.Model):  # R6.3
    id: Mapped[int] = mapped_column(primary_key=True)
    reply_id: Mapped[int] = fk("reply.id")
    signer_id: Mapped[int] = fk("user.id", index=False)
    signer_role: Mapped[str] = mapped_column(String(20))
    approved: Mapped[bool]
    note: Mapped[str] = mapped_column(Text, default="")
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Review(db.Model):  # R6.4
    id: Mapped[int] = mapped_column(primary_key=True)
    reply_id: Mapped[int] = fk("reply.id")
    reviewer_id: Mapped[int] = fk("user.id", index=False)
    approved: Mapped[bool]
    reasons: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[datetime] = mapped_column(default=utcnow)


class FollowUp(db.Model):  # R6.5, and the office's spot checks (回头看)
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = fk("message.id", ondelete="CASCADE")
    by_id: Mapped[int] = fk("user.id", index=False)
    method: Mapped[str] = mapped_column(String(40))
    outcome: Mapped[str] = mapped_column(Text)
    is_spot_check: Mapped[bool] = mapped_column(default=False)
    visited_at: Mapped[datetime] = mapped_column(default=utcnow)


class Rating(db.Model):  # R7.1: one per round
    __table_args__ = (UniqueConstraint("message_id", "round"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = fk("message.id", ondelete="CASCADE")
    round: Mapped[int]
    level: Mapped[str] = mapped_column(String(30))
    comment: Mapped[str] = mapped_column(Text, default="")
    rated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Staff who took a phone caller's rating on callback (R12.6); None: the citizen rated on the web.
    recorded_by_id: Mapped[int | None] = fk("user.id", nullable=True, index=False)


class RedoRound(db.Model):  # R7.2
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = fk("message.id", ondelete="CASCADE")
    rating_id: Mapped[int] = fk("rating.id", index=False)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_date: Mapped[date]
    resolution: Mapped[str | None] = mapped_column(String(20))  # answer / duty_fulfilled
    closed_at: Mapped[datetime | None]


class LeaderInstruction(db.Model):  # R4.4 领导批示
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = fk("message.id", ondelete="CASCADE")
    leader_name: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    instructed_on: Mapped[date]
    recorded_by_id: Mapped[int] = fk("user.id", index=False)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class SupervisionCase(db.Model):  # R8.2 督办
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = fk("message.id", ondelete="CASCADE")
    unit_id: Mapped[int] = fk("unit.id")
    reason: Mapped[str] = mapped_column(String(40))
    method: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    instruction_id: Mapped[int | None] = fk("leader_instruction.id", nullable=True, index=False)
    opened_by_id: Mapped[int | None] = fk("user.id", nullable=True, index=False)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_date: Mapped[date]
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = fk("user.id", nullable=True, index=False)
    answered_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None] = mapped_column(index=True)

    unit = relationship("Unit")
    message = relationship("Message")


class OverdueWarning(db.Model):  # R8.3 红黄蓝预警: one row per level reached per deadline
    __tablename__ = "overdue_warning"
    __table_args__ = (UniqueConstraint("assignment_id", "due_date", "level"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = fk("assignment.id")
    unit_id: Mapped[int] = fk("unit.id")
    message_id: Mapped[int] = fk("message.id", ondelete="CASCADE")
    level: Mapped[str] = mapped_column(String(20), index=True)
    due_date: Mapped[date]
    overdue_workdays: Mapped[int]
    points: Mapped[float]
    raised_on: Mapped[date] = mapped_column(index=True)

    unit = relationship("Unit")


class Notification(db.Model):
    """The outbox: SMS and email to be sent by a sender; the dedupe key makes tick idempotent."""

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    channel: Mapped[str] = mapped_column(String(10))  # sms / email
    # Encrypted at rest like the petitioner's details (portal/crypto.py): the outbox holds their phone and name.
    recipient: Mapped[str] = mapped_column(Encrypted)
    recipient_name: Mapped[str] = mapped_column(Encrypted, default="")
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    message_id: Mapped[int | None] = fk("message.id", nullable=True, ondelete="SET NULL")
    message = relationship("Message")
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]  # after a failure: not before this time (backoff)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class ReplyTemplate(db.Model):
    """A canned reply to start from (R6.2: a starting point only — the reply must still answer the matter)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(20), default="")  # empty: any category
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = fk("user.id", nullable=True, index=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CensorRule(db.Model):
    """An admin's own masking rule, in the spirit of Alaveteli's censor rules."""

    id: Mapped[int] = mapped_column(primary_key=True)
    pattern: Mapped[str] = mapped_column(String(200))
    is_regex: Mapped[bool] = mapped_column(default=False)
    replacement: Mapped[str] = mapped_column(String(100), default="[已隐去]")
    scope: Mapped[str] = mapped_column(String(20), default="all")  # all / unit / message
    unit_id: Mapped[int | None] = fk("unit.id", nullable=True)
    message_id: Mapped[int | None] = fk("message.id", nullable=True, ondelete="CASCADE")
    reason: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = fk("user.id", nullable=True, index=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FormDraft(db.Model):
    """What a user typed into an action form and has not submitted yet (nothing typed is lost).
    Encrypted like the petitioner's details: a reply being written may quote them."""

    __tablename__ = "form_draft"
    __table_args__ = (UniqueConstraint("message_id", "user_id", "action"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = fk("message.id", ondelete="CASCADE")
    user_id: Mapped[int] = fk("user.id", ondelete="CASCADE")
    action: Mapped[str] = mapped_column(String(40))
    data: Mapped[str] = mapped_column(Encrypted)  # JSON of the typed fields
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
