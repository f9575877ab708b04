"""The audit trail (全程可溯, CZ 第二条): one Event per action; also the message's timeline."""
from datetime import datetime

from sqlalchemy import JSON, BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import fk, utcnow


class Event(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int | None] = fk("message.id", nullable=True, ondelete="CASCADE")
    actor_id: Mapped[int | None] = fk("user.id", nullable=True)
    actor_role: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(40), index=True)
    old_status: Mapped[str | None] = mapped_column(String(20))
    new_status: Mapped[str | None] = mapped_column(String(20))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    actor = relationship("User")
    message = relationship("Message", back_populates="events")


class RateLimitCounter(db.Model):
    """Attempts counted against a limit in one fixed window (web messages per client and phone,
    tracking tries), kept in the database so that every worker and every host sees the same counts.
    The key is a keyed hash: no phone number or address is stored."""

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime] = mapped_column(index=True)
