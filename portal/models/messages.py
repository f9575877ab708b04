"""A message, its petitioner, its assignments to units, the replies and the public version."""
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..crypto import Encrypted
from ..extensions import db
from ..rules.permissions import LIVE_STATES, petitioner_hidden_from
from ..rules.workflow import UNIT
from .base import fk, utcnow


class Message(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_no: Mapped[str] = mapped_column(String(32), unique=True)
    # Where an imported message came from (file layout and its row number): re-imports skip it.
    source_ref: Mapped[str | None] = mapped_column(String(120), unique=True)
    query_code_hash: Mapped[str] = mapped_column(String(255))
    channel: Mapped[str] = mapped_column(String(40), index=True)
    channel_level: Mapped[str] = mapped_column(String(20))  # national / provincial / city (R1.1)
    addressee: Mapped[str | None] = mapped_column(String(20))  # governor / mayor, on a leaders' board
    # The unit the citizen wrote to (留言对象), when they chose one: a hint for the office, not an assignment.
    addressed_unit_id: Mapped[int | None] = fk("unit.id", nullable=True, index=False)
    category: Mapped[str] = mapped_column(String(20), index=True)
    topic: Mapped[str] = mapped_column(String(40), default="", index=True)
    region: Mapped[str] = mapped_column(String(100), default="", index=True)
    subject: Mapped[str] = mapped_column(String(200), index=True)  # the queues sort by it
    body: Mapped[str] = mapped_column(Text)
    publish_consent: Mapped[bool] = mapped_column(default=False)  # the citizen's 公开/不公开
    is_emergency: Mapped[bool] = mapped_column(default=False)  # 突发类: no extension (LN 第十四条)
    # R12.1: the citizen withheld the name: no unit sees the petitioner; the office keeps the contact.
    anonymous: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), index=True)
    redo_round: Mapped[int] = mapped_column(default=0, index=True)  # the redo queue reads the few above 0
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    call_time: Mapped[datetime | None]  # hotline calls (R1.3)
    operator_id: Mapped[int | None] = fk("user.id", nullable=True)
    screened_at: Mapped[datetime | None]
    out_of_scope_reason: Mapped[str | None] = mapped_column(String(40))
    guidance: Mapped[str] = mapped_column(Text, default="")  # R2.3: the channel to use instead
    answered_at: Mapped[datetime | None]
    on_call_answer: Mapped[str | None] = mapped_column(Text)  # R12.2: the operator's answer during the call
    closed_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]  # R12.5: closed because the citizen withdrew it
    # R12.4: a repeat (重复件) is handled once, with the original; its petitioner gets the original's answer.
    repeat_of_id: Mapped[int | None] = fk("message.id", nullable=True)
    archived_at: Mapped[datetime | None]
    publication: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    publication_note: Mapped[str] = mapped_column(Text, default="")
    # R9.6: found false or malicious by the office (LN, the second 第二十七条); it leaves the public figures.
    false_report_reason: Mapped[str | None] = mapped_column(Text)
    # The lead unit and its deadline in force, copied from the lead assignment by the services that
    # change it (services/deadlines.keep_lead_on_message) so that the queues sort and filter by them.
    lead_unit_id: Mapped[int | None] = fk("unit.id", nullable=True, index=False)
    lead_due_date: Mapped[date | None] = mapped_column(index=True)
    # The reviewed text in force while published; older versions stay for the record.
    public_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("public_version.id", use_alter=True, name="fk_message_public_version_id_public_version",
                   ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    # Optimistic locking: an UPDATE that finds another version raises StaleDataError.
    __mapper_args__ = {"version_id_col": version}
    # A unit's messages, newest first, read in order from the index (the office filters by unit).
    __table_args__ = (Index("ix_message_lead_unit_received", "lead_unit_id", "received_at"),)

    petitioner: Mapped["Petitioner"] = relationship(back_populates="message", uselist=False)
    assignments: Mapped[list["Assignment"]] = relationship(back_populates="message", order_by="Assignment.id")
    replies: Mapped[list["Reply"]] = relationship(back_populates="message", order_by="Reply.id")
    events = relationship("Event", back_populates="message", order_by="Event.id")
    # A complaint about units or named staff: they never see the petitioner (R9.2).
    complaint_targets: Mapped[list["ComplaintTarget"]] = relationship(
        back_populates="message", order_by="ComplaintTarget.id", cascade="all, delete-orphan")
    lead_unit = relationship("Unit", foreign_keys=[lead_unit_id])
    addressed_unit = relationship("Unit", foreign_keys=[addressed_unit_id])
    # What each unit with an assignment on it sees of it in its queues (kept by services/unit_rows.py).
    unit_rows: Mapped[list["UnitMessage"]] = relationship(
        back_populates="message", cascade="all, delete-orphan", passive_deletes=True)
    repeat_of = relationship("Message", remote_side=[id], foreign_keys=[repeat_of_id])
    public_version = relationship("PublicVersion", foreign_keys=[public_version_id], post_update=True)

    def shielded_from(self) -> tuple[frozenset[int], frozenset[int]]:
        """The units and the staff (user ids) the complaint is about."""
        return (frozenset(t.unit_id for t in self.complaint_targets if t.unit_id),
                frozenset(t.user_id for t in self.complaint_targets if t.user_id))

    def hides_petitioner_from(self, actor) -> bool:
        if actor.role not in UNIT:  # only units are ever shielded: the office's queues load no marks
            return False
        return petitioner_hidden_from(actor, *self.shielded_from(), anonymous=bool(self.anonymous))

    def active_assignments(self) -> list["Assignment"]:
        return [a for a in self.assignments if a.state == "active"]

    def lead_in_force(self) -> "Assignment | None":
        """The lead assignment working on the message or done with it (not returned or withdrawn)."""
        return next((a for a in self.assignments if a.is_lead and a.state in LIVE_STATES), None)

    def lead_assignment(self) -> "Assignment | None":
        return next((a for a in self.active_assignments() if a.is_lead), None)


class UnitMessage(db.Model):
    """A message as one unit's queues see it: one row per unit that has (or had) an assignment on it,
    whatever its state, carrying the columns the unit's queues filter and sort by. A unit's queues read
    these rows through their (unit, column) indexes instead of a semi-join over the unit's assignments.
    Never written but by services/unit_rows.keep_unit_rows (and its repair), in the transaction that
    changes the message or its assignments; `flask unit-rows --check` compares it with them."""

    message_id: Mapped[int] = mapped_column(ForeignKey("message.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    # Copies of Message's columns of the same names.
    received_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20))
    redo_round: Mapped[int] = mapped_column(default=0)
    lead_unit_id: Mapped[int | None]
    lead_due_date: Mapped[date | None]
    tracking_no: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(20))
    region: Mapped[str] = mapped_column(String(100), default="")
    anonymous: Mapped[bool] = mapped_column(default=False)  # free text never probes for its petitioner

    COPIED = ("received_at", "status", "redo_round", "lead_unit_id", "lead_due_date", "tracking_no", "subject",
              "channel", "category", "region", "anonymous")
    __table_args__ = (
        # Newest first, dates; on PostgreSQL it carries what the unit filter and free text read, so that
        # counting them reads the index only, not a row per message scattered over the table.
        Index("ix_unit_message_received", "unit_id", "received_at", "message_id",
              postgresql_include=["lead_unit_id", "tracking_no", "subject", "anonymous"]),
        Index("ix_unit_message_due", "unit_id", "lead_due_date", "message_id"),  # by deadline
        # The status queues and the navigation counts (one pass over the unit's rows, index only).
        Index("ix_unit_message_status", "unit_id", "status", "lead_due_date", "redo_round", "message_id"),
    )

    message: Mapped[Message] = relationship(back_populates="unit_rows")


class ComplaintTarget(db.Model):
    """A unit, or one of its staff, that a complaint is about (R9.2, LN 第十九条, CZ 第十二条)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = fk("message.id", ondelete="CASCADE")
    unit_id: Mapped[int | None] = fk("unit.id", nullable=True, index=False)
    user_id: Mapped[int | None] = fk("user.id", nullable=True, index=False)

    message: Mapped[Message] = relationship(back_populates="complaint_targets")
    unit = relationship("Unit")
    user = relationship("User")


class Petitioner(db.Model):
    """Personal data, kept apart from the message so that nothing public can reach it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id", ondelete="CASCADE"), unique=True)
    # Encrypted at rest (portal/crypto.py): never searchable, never in a public projection.
    name: Mapped[str] = mapped_column(Encrypted, default="")
    phone: Mapped[str] = mapped_column(Encrypted, default="")
    email: Mapped[str] = mapped_column(Encrypted, default="")
    address: Mapped[str] = mapped_column(Encrypted, default="")
    id_number: Mapped[str] = mapped_column(Encrypted, default="")

    message: Mapped[Message] = relationship(back_populates="petitioner")

    def identifying_values(self) -> list[str]:
        """What names the petitioner: never public, never shown to those a complaint is about."""
        return [self.name, self.phone, self.email, self.address, self.id_number]

    @property
    def has_contact(self) -> bool:
        return bool(self.phone or self.email)


class Assignment(db.Model):
    """One unit's share of a message (lead or co-unit), with its own clock (R4.1, R3)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = fk("message.id", ondelete="CASCADE")
    unit_id: Mapped[int] = fk("unit.id")
    is_lead: Mapped[bool]
    state: Mapped[str] = mapped_column(String(20), default="active", index=True)  # active/returned/done
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    assigned_by_id: Mapped[int | None] = fk("user.id", nullable=True, index=False)
    start_date: Mapped[date]  # the day of assignment: day zero of contact, decision and return windows
    contact_due: Mapped[date | None]
    first_contact_at: Mapped[datetime | None]  # R5.2
    decision_due: Mapped[date | None]  # 举报: accept or refuse (LN 第十三条(三))
    report_decision: Mapped[str | None] = mapped_column(String(20))  # investigate / decline
    report_decided_at: Mapped[datetime | None]
    # due_date == add_workdays(clock_start, period_workdays): kept so that a provisional
    # deadline can be recomputed when the official calendar of its year is entered.
    clock_start: Mapped[date]
    period_workdays: Mapped[int]
    due_date: Mapped[date] = mapped_column(index=True)
    due_provisional: Mapped[bool] = mapped_column(default=False)
    counted_workdays: Mapped[int]  # standard period + extensions + redo windows (CZ cap of 15)
    extensions_used: Mapped[int] = mapped_column(default=0)
    delay_explanation: Mapped[str] = mapped_column(Text, default="")
    # The day the unit submitted its signed reply: its clock stops while the office holds it (R3.5),
    # and "on time" means submitted by the due date.
    submitted_on: Mapped[date | None]
    finished_at: Mapped[datetime | None]

    message: Mapped[Message] = relationship(back_populates="assignments")
    unit = relationship("Unit")


class Reply(db.Model):
    """A unit's answer with the fields LN 第十五条 and CZ 第九条(三) require (R6.1)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = fk("message.id", ondelete="CASCADE")
    assignment_id: Mapped[int] = fk("assignment.id")
    unit_id: Mapped[int] = fk("unit.id")
    round: Mapped[int] = mapped_column(default=0)  # 0: first answer, 1: after redo
    kind: Mapped[str] = mapped_column(String(20), default="answer")  # answer / duty_fulfilled / co_opinion
    state: Mapped[str] = mapped_column(String(20), default="submitted", index=True)
    handled_on: Mapped[date | None]
    result: Mapped[str] = mapped_column(Text, default="")
    basis: Mapped[str] = mapped_column(Text, default="")
    contact_note: Mapped[str] = mapped_column(Text, default="")
    handler_name: Mapped[str] = mapped_column(String(40), default="")
    handler_phone: Mapped[str] = mapped_column(String(40), default="")
    investigation: Mapped[str | None] = mapped_column(String(20))  # investigated / not_investigated
    not_investigated_reason: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")  # the text sent to the citizen
    visit_note: Mapped[str] = mapped_column(Text, default="")  # CZ 第九条(七): the unit's 回访, noted in the result
    legal_reviewer: Mapped[str] = mapped_column(String(40), default="")  # 法制审核 (R6.3), where the unit needs one
    legal_opinion: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = fk("user.id", nullable=True, index=False)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    message: Mapped[Message] = relationship(back_populates="replies")
    assignment = relationship("Assignment")
    unit = relationship("Unit")
    attachments: Mapped[list["Attachment"]] = relationship(back_populates="reply")


class Attachment(db.Model):
    """A file kept outside static/, under UPLOAD_DIR, by an opaque storage key."""

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = fk("message.id", ondelete="CASCADE")
    reply_id: Mapped[int | None] = fk("reply.id", nullable=True)
    unit_id: Mapped[int | None] = fk("unit.id", nullable=True)  # None: uploaded by the office
    purpose: Mapped[str] = mapped_column(String(30), default="other")  # investigation_doc / duty_opinion …
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    storage_key: Mapped[str] = mapped_column(String(100), unique=True)
    uploaded_by_id: Mapped[int | None] = fk("user.id", nullable=True, index=False)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    reply: Mapped[Reply | None] = relationship(back_populates="attachments")


class PublicVersion(db.Model):
    """The reviewed, redacted text that may be published; the original is never altered (R9.3)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = fk("message.id", ondelete="CASCADE")
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    reply_text: Mapped[str] = mapped_column(Text)
    reply_unit: Mapped[str] = mapped_column(String(100), default="")
    reviewer_id: Mapped[int | None] = fk("user.id", nullable=True, index=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)  # the public list sorts by it
