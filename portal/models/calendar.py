"""Working-day calendar entered by admins: single days, and years confirmed as official."""
from datetime import date, datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import fk, utcnow


class CalendarDay(db.Model):
    day: Mapped[date] = mapped_column(primary_key=True)
    is_workday: Mapped[bool]
    note: Mapped[str] = mapped_column(String(100), default="")
    set_by_id: Mapped[int | None] = fk("user.id", nullable=True, index=False)
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class CalendarYear(db.Model):
    """A year whose official holidays and make-up workdays have been entered in full."""

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(String(200), default="")
    confirmed_by_id: Mapped[int | None] = fk("user.id", nullable=True, index=False)
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)
