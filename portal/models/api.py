"""Third parties that write through the Open311 API, and what they submitted."""
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import fk, utcnow


class ApiKey(db.Model):
    """An API client's key: only its SHA-256 is kept (the key itself is shown once, at issue)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    client: Mapped[str] = mapped_column(String(80))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = fk("user.id", nullable=True, index=False)
    revoked_at: Mapped[datetime | None]

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class ApiSubmission(db.Model):
    """A message written through the API: the client it came from and the token it was given."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)
    message_id: Mapped[int] = fk("message.id", ondelete="CASCADE")
    api_key_id: Mapped[int] = fk("api_key.id")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    api_key = relationship("ApiKey")
